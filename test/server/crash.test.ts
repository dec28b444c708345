// The service killed with SIGKILL in the middle of activations, then restarted on the same data:
// every file must still be readable and every account whole or absent — never half-written.
// Runs the BUILT program (`npm run build` first).
import {spawn, type ChildProcess} from 'node:child_process';
import {webcrypto} from 'node:crypto';
import {mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, expect, test} from 'vitest';
import {openDatabase, type Database} from '../../src/server/database/database.js';
import {RSA_SIGNING, createTestPki, type TestPki} from '../harness/pki.js';
import {lastCode} from '../helpers/walk.js';

const PRACTITIONERS = 12;
let dir: string;
let caFile: string;
let cards: TestPki[];

beforeAll(async () => {
	dir = mkdtempSync(path.join(tmpdir(), 'mssante-crash-'));
	const first = await createTestPki({cn: '810000000100', sn: 'MARTIN', gn: 'JEANNE', title: 'Médecin'});
	cards = [first];
	for (let i = 1; i < PRACTITIONERS; i++) cards.push(await createTestPki({cn: `8100000001${String(i).padStart(2, '0')}`, sn: `MARTIN${i}`, gn: 'JEANNE', title: 'Médecin'}, first));
	caFile = path.join(dir, 'ca.pem');
	writeFileSync(caFile, first.caCertificate.toString('pem'));
});
afterAll(() => rmSync(dir, {recursive: true, force: true}));

/** Starts `serve` on the data directory; resolves with the child and its base URL. */
async function serve(): Promise<{child: ChildProcess; url: string}> {
	const child = spawn(process.execPath, ['bin/mssante-kiosk.js', 'serve', '--port', '0', '--data-dir', path.join(dir, 'data'), '--trust-anchors', caFile], {stdio: ['ignore', 'pipe', 'pipe']});
	let output = '';
	child.stdout?.on('data', chunk => (output += String(chunk)));
	const deadline = Date.now() + 15_000;
	while (!/sur (http:\/\/\S+)\/v1/.test(output)) {
		if (Date.now() > deadline || child.exitCode !== null) throw new Error(`serve did not start: ${output}`);
		await new Promise(resolve => setTimeout(resolve, 20));
	}
	return {child, url: /sur (http:\/\/\S+)\/v1/.exec(output)?.[1] as string};
}

/** What `read` finds in the service's database (read after the service died or meanwhile: SQLite's WAL allows it). */
async function readStored<T>(read: (db: Database['db']) => Promise<T>): Promise<T> {
	const database = await openDatabase({dataDir: path.join(dir, 'data')});
	try {
		return await read(database.db);
	} finally {
		await database.close();
	}
}

const storedAccounts = () => readStored(db => db.selectFrom('accounts').selectAll().execute());

/** Resolves once the child has exited (at once if it already has). */
function exited(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
	return new Promise(resolve => child.once('exit', () => resolve()));
}

function outboxMessages() {
	const outbox = path.join(dir, 'data', 'outbox');
	return readdirSync(outbox)
		.filter(name => name.endsWith('.eml'))
		.sort()
		.map(name => ({name, content: readFileSync(path.join(outbox, name), 'utf8')}));
}

/** Channel codes verified per card (the kiosk keeps the id across a retry, as here across the restart). */
const verified = new Map<TestPki, string>();

/**
 * The whole activation of one practitioner: proof, channel code read from the outbox (unless the
 * channel was verified before), activation. A code asked again too soon after a restart is refused
 * (the resend limit is in the database now): the wait it gives is waited.
 */
async function activate(url: string, card: TestPki, requestId: string): Promise<number> {
	const post = async (route: string, body: unknown) => {
		const response = await fetch(`${url}${route}`, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify(body)});
		return {status: response.status, json: (await response.json()) as Record<string, string>};
	};
	const proof = async () => {
		const {json} = await post('/v1/challenges', {});
		const signature = await webcrypto.subtle.sign(RSA_SIGNING, card.privateKey, Buffer.from(json['challenge'] as string, 'base64'));
		return {challengeId: json['challengeId'], signature: Buffer.from(signature).toString('base64'), certificate: Buffer.from(card.certificateDer).toString('base64')};
	};
	const email = `${card.identity.sn.toLowerCase()}@exemple.fr`;
	if (!verified.has(card)) {
		let sent = await post('/v1/verifications', {proof: await proof(), channel: 'mail', destination: email});
		if (sent.status === 429) {
			await new Promise(resolve => setTimeout(resolve, Number(sent.json['retryAfterSeconds']) * 1000));
			sent = await post('/v1/verifications', {proof: await proof(), channel: 'mail', destination: email});
		}
		const code = lastCode(outboxMessages().filter(message => message.content.includes(`To: ${email}`)));
		const confirmed = await post('/v1/verifications/confirm', {verificationId: sent.json['id'], code});
		expect(confirmed.status).toBe(200);
		verified.set(card, sent.json['id'] as string);
	}
	const local = `jeanne.${card.identity.sn.toLowerCase()}`;
	const activated = await post('/v1/activations', {
		requestId,
		proof: await proof(),
		verificationId: verified.get(card),
		address: `${local}@medecin.mssante.fr`,
		password: 'Kiosque#Sante2026',
		options: {email, otpChannel: 'mail', notify: false, publishMobile: false, listeRouge: false, paperless: false},
	});
	return activated.status;
}

test('SIGKILL during activations: files readable, accounts whole or absent; after a restart every activation completes once', async () => {
	const requestIds = cards.map(() => crypto.randomUUID());
	const {child} = await serve().then(async started => {
		// Kill as soon as the first activation is stored, while the others are in flight.
		const attempts = cards.map((card, index) => activate(started.url, card, requestIds[index] as string).catch(() => 0));
		await Promise.race(attempts);
		started.child.kill('SIGKILL');
		await Promise.allSettled(attempts);
		return started;
	});
	await exited(child);

	const accounts = await storedAccounts();
	for (const account of accounts) {
		expect(JSON.parse(account.identity)).toMatchObject({surname: expect.stringMatching(/^MARTIN/)});
		expect(JSON.parse(account.options)).toMatchObject({otpChannel: 'mail'});
		expect(account.password_hash).toMatch(/^scrypt\$/);
	}
	for (const message of outboxMessages()) expect(message.content).toMatch(/^From: [\s\S]+\r\n\r\n[\s\S]+$/);
	// The audit trail is in the database: each activation it says succeeded is stored.
	const audited = await readStored(db => db.selectFrom('audit_events').selectAll().execute());
	for (const event of audited.filter(row => row.action === 'activate' && row.outcome === 'ok')) expect(accounts.map(account => account.address)).toContain(event.address);

	// Restarted on the same data (the dead process's lock is taken over): the kiosks retry.
	const restarted = await serve();
	try {
		for (const [index, card] of cards.entries()) {
			// Verifications and codes live in the database: a restart forgets none; the requestId
			// makes a retry of a stored activation return it rather than create a second one.
			expect(await activate(restarted.url, card, requestIds[index] as string)).toBe(201);
		}
		const after = await storedAccounts();
		expect(new Set(after.map(account => account.address)).size).toBe(after.length);
		expect(new Set(after.map(account => account.activation_request_id)).size).toBe(after.length);
		expect(after).toHaveLength(PRACTITIONERS);
		expect(accounts.length).toBeLessThan(PRACTITIONERS);
	} finally {
		restarted.child.kill('SIGTERM');
		await exited(restarted.child);
	}
}, 120_000);
