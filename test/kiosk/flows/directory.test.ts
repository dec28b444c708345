// The directory search without Ink, on a fake backend: one search in flight at a time, the results
// fetched around the highlight, the card holder's session, Esc back to a Welcome that forgets the search.
import {describe, expect, test} from 'vitest';
import type {InputOf} from '../../../src/contract/api/operations.js';
import type {DirectoryEntry, DirectoryPage, DirectoryState} from '../../../src/contract/domain/directory.js';
import {createDirectory} from '../../../src/flows/directory.js';
import {createNavigation, currentScreen, topEntry} from '../../../src/flows/navigation.js';
import {DEMO_IDENTITY} from '../../../src/hardware/demo-card.js';
import type {SessionAction} from '../../../src/state/session.js';
import {ACCOUNT, PROOF, deferred, fakeApi, fakeProve, flush, sessionAfter, t, type FakeAnswers} from './fakes.js';

const READY: DirectoryState = {phase: 'ready', progress: 1, entries: 300, professions: []};

/** A directory of `total` mailboxes: the page asked for. */
function pageOf(total: number) {
	return ({offset = 0, limit = 50}: InputOf<'directory'>): DirectoryPage => ({
		total,
		offset,
		entries: Array.from({length: Math.max(0, Math.min(limit, total - offset))}, (_unused, index) => ({address: `boite${offset + index}@exemple.mssante.fr`}) as DirectoryEntry),
		state: READY,
	});
}

function directoryScreen(answers: FakeAnswers, ...actions: SessionAction[]) {
	const store = sessionAfter(...actions);
	const api = fakeApi(answers);
	return {store, api, navigation: createNavigation(store), directory: createDirectory(store, {api, prove: fakeProve, t})};
}

describe('directory (fake backend)', () => {
	test('opened from Welcome, it searches at once; Esc back at Welcome forgets the search and its focus', async () => {
		const {store, api, navigation, directory} = directoryScreen({directory: pageOf(300)});
		navigation.focus(topEntry(store.get().navigation)).set(2);
		directory.open();
		await flush();
		expect(currentScreen(store.get().navigation)).toBe('directory');
		expect(store.get().directory.results?.total).toBe(300);
		directory.edit('text', 'bou');
		await flush();
		expect(api.of('directory').at(-1)).toMatchObject({q: 'bou', offset: 0, limit: 50});
		directory.escape();
		expect(topEntry(store.get().navigation)).toEqual({screen: 'welcome', focus: 0, over: false});
		expect(store.get().directory.query.text).toBe('');
		expect(store.get().directory.results).toBeNull();
	});

	test('edits made while a search is on its way are searched once it returns, with the query as it then stands', async () => {
		const first = deferred<DirectoryPage>();
		let calls = 0;
		const {api, directory} = directoryScreen({directory: input => (++calls === 1 ? first.promise : pageOf(10)(input))});
		directory.open();
		directory.edit('text', 'b');
		directory.edit('text', 'bo');
		expect(api.of('directory')).toHaveLength(1);
		first.resolve(pageOf(10)({}));
		await flush();
		await flush();
		expect(api.of('directory').map(input => (input as {q: string}).q)).toEqual(['', 'bo']);
	});

	test('moving the highlight past the results at hand fetches those around it; the details open on a result at hand', async () => {
		const {store, api, directory} = directoryScreen({directory: pageOf(300)});
		directory.open();
		await flush();
		directory.moveSelection(120);
		await flush();
		expect(api.of('directory').at(-1)).toMatchObject({offset: 110, limit: 50});
		expect(store.get().directory.selected).toBe(120);
		directory.openDetail();
		expect(store.get().directory.detail).toBe(true);
		// Esc closes the details first.
		directory.escape();
		expect(store.get().directory.detail).toBe(false);
		expect(currentScreen(store.get().navigation)).toBe('directory');
	});

	test('the highlight stays within the results', async () => {
		const {store, directory} = directoryScreen({directory: pageOf(3)});
		directory.open();
		await flush();
		directory.moveSelection(10);
		expect(store.get().directory.selected).toBe(2);
		directory.moveSelection(-10);
		expect(store.get().directory.selected).toBe(0);
	});

	test('the holder of an activated account opens a session with the card: published mobiles; back to step 4 the search stays', async () => {
		const {store, api, directory} = directoryScreen(
			{directory: pageOf(3), openSession: () => ({session: 'session-1'})},
			{type: 'card/pin-ok', identity: DEMO_IDENTITY},
			{type: 'account/saved', account: ACCOUNT},
			{type: 'navigation/restart', screen: 'step4'},
		);
		directory.open();
		directory.edit('text', 'lefevre');
		await flush();
		await flush();
		expect(api.of('openSession')).toEqual([{proof: PROOF}]);
		expect(store.get().directory.session).toBe('session-1');
		expect(api.calls.filter(call => call.operation === 'directory').length).toBeGreaterThanOrEqual(2);
		directory.escape();
		expect(currentScreen(store.get().navigation)).toBe('step4');
		expect(store.get().directory.query.text).toBe('lefevre');
	});

	test('profession filter: ← and → cycle through all professions and those present', () => {
		const {store, directory} = directoryScreen({directory: pageOf(3)});
		directory.cycleProfession(1, ['10', '50']);
		expect(store.get().directory.query.profession).toBe('10');
		directory.cycleProfession(-1, ['10', '50']);
		directory.cycleProfession(-1, ['10', '50']);
		expect(store.get().directory.query.profession).toBe('50');
	});
});
