// The kiosk's embedded service and the authorities it trusts: the demo CA (whose key is public)
// only while the demo card serves, the configured authorities once real cards take over.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, expect, test} from 'vitest';
import {deferredBackend} from '../../../src/commands/kiosk/kiosk-backend.js';
import {BackendError} from '../../../src/contract/api/errors.js';
import {DemoCard} from '../../../src/hardware/demo-card.js';
import {proveCard} from '../../../src/flows/card-and-pin.js';
import {createTestPki} from '../../harness/pki.js';

const dirs: string[] = [];
const closing: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const close of closing.splice(0)) await close();
	for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true});
});

test('the default mode’s switch to real cards: a demo card proof accepted before, refused as "untrusted" after', async () => {
	const dataDir = mkdtempSync(path.join(tmpdir(), 'mssante-kiosk-backend-'));
	dirs.push(dataDir);
	const realAuthority = await createTestPki();
	const trustAnchorsFile = path.join(dataDir, 'ca.pem');
	writeFileSync(trustAnchorsFile, realAuthority.caCertificate.toString('pem'));
	const backend = deferredBackend({dataDir, demoCard: true, trustAnchorsFile, directoryFile: () => undefined});
	closing.push(() => backend.close());
	await backend.start();
	const demo = new DemoCard();
	await demo.login('1234');
	const lookup = async () => backend.client.lookup({proof: await proveCard({api: backend.client, token: demo}, 'lookup')}).catch((error: unknown) => error);
	// The demo card proves itself (its account is not found: the proof was accepted).
	expect(await lookup()).toMatchObject({code: 'not-found'});
	backend.useRealCards();
	const refused = await lookup();
	expect(refused).toBeInstanceOf(BackendError);
	expect(refused).toMatchObject({code: 'card-proof', details: {card: ['untrusted']}});
});
