// The workstation flow without Ink: diagnostics one run at a time and kept across sessions, the
// next reader remembered.
import {describe, expect, test} from 'vitest';
import {createWorkstation} from '../../../src/flows/workstation.js';
import type {ReaderSnapshot} from '../../../src/hardware/reader-monitor.js';
import {createSessionStore} from '../../../src/state/session-store.js';
import {deferred, flush} from './fakes.js';

/** A fake monitor of two readers, the card in the first. */
function fakeMonitor() {
	const preferred: Array<string | null> = [];
	const snapshot: ReaderSnapshot = {service: 'up', readers: ['Lecteur A', 'Lecteur B'], card: {reader: 'Lecteur A', atr: '3B'}, module: {path: '/usr/lib/libcps.so', loaded: true}};
	return {preferred, current: () => snapshot, preferReader: (name: string | null) => void preferred.push(name)};
}

const noBrowser = {available: async () => false, open: async () => undefined};

describe('workstation (fake monitor, fake diagnostics)', () => {
	test('diagnostics run once at a time, with the module path; their verdict outlives a wiped session', async () => {
		const store = createSessionStore();
		const run = deferred<string[]>();
		const paths: string[] = [];
		const workstation = createWorkstation(store, {
			monitor: fakeMonitor(),
			browser: noBrowser,
			diagnose: path => {
				paths.push(path);
				return run.promise;
			},
		});
		workstation.diagnose();
		workstation.diagnose();
		expect(paths).toEqual(['/usr/lib/libcps.so']);
		expect(store.get().workstation.diagnosis).toEqual({phase: 'running'});
		run.resolve(['pcscd arrêté']);
		await flush();
		store.wipe('idle');
		expect(store.get().workstation.diagnosis).toEqual({phase: 'done', problems: ['pcscd arrêté']});
	});

	test('`L` reads the next reader and remembers it', () => {
		const monitor = fakeMonitor();
		const remembered: string[] = [];
		const workstation = createWorkstation(createSessionStore(), {monitor, browser: noBrowser, diagnose: async () => [], rememberReader: name => void remembered.push(name)});
		workstation.nextReader();
		expect(monitor.preferred).toEqual(['Lecteur B']);
		expect(remembered).toEqual(['Lecteur B']);
	});
});
