// The one-time codes on a real database (SQLite in a temporary folder; the PostgreSQL run of the
// same rules is in database.test.ts): single use, tries, expiry, binding, resends, nothing stored
// but HMACs.
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {inspect} from 'node:util';
import {afterEach, describe, expect, test} from 'vitest';
import {OneTimeCodeError, OneTimeCodes, type OneTimeCodeBinding, type OneTimeCodesOptions} from '../../src/server/auth/one-time-codes.js';
import {openDatabase, type Database} from '../../src/server/database/database.js';

const MINUTE = 60_000;

function clock(start = 1_750_000_000_000) {
	let time = start;
	return {now: () => time, advance: (ms: number) => void (time += ms)};
}

const signIn: OneTimeCodeBinding = {purpose: 'sign-in', subject: 'jean.dupont@medecin.mssante.fr', destination: 'jean.dupont@exemple.fr'};

/** A code that is not `code` (same length, digits only). */
function otherThan(code: string): string {
	return String((Number(code) + 1) % 1_000_000).padStart(6, '0');
}

const folders: string[] = [];
const databases: Database[] = [];
afterEach(async () => {
	for (const database of databases.splice(0)) await database.close();
	for (const folder of folders.splice(0)) rmSync(folder, {recursive: true, force: true});
});

/** Codes on a fresh database (or on `on`'s, as a second instance). */
async function codesOn(options: Omit<OneTimeCodesOptions, 'db'> = {}, on?: Database): Promise<OneTimeCodes & {folder: string}> {
	let database = on;
	const folder = mkdtempSync(path.join(os.tmpdir(), 'mssante-codes-'));
	folders.push(folder);
	if (!database) {
		database = await openDatabase({dataDir: folder});
		databases.push(database);
	}
	return Object.assign(new OneTimeCodes({...options, db: database.db}), {folder, database});
}

/** Everything the instance and its database hold, as text: the object dumped, and the database's bytes. */
function dump(codes: OneTimeCodes & {folder: string}): string {
	const files = ['service.sqlite', 'service.sqlite-wal'].map(name => path.join(codes.folder, name)).filter(file => existsSync(file));
	return [inspect(codes, {depth: 3, showHidden: true}), JSON.stringify({...codes, database: undefined}), ...files.map(file => readFileSync(file).toString('latin1'))].join('\n');
}

/** `code` as a whole number in `text`: not a run inside a longer number (a timestamp) nor inside a hex string (an HMAC). */
function containsCode(text: string, code: string): boolean {
	return new RegExp(`(?<![0-9a-fA-F])${code}(?![0-9a-fA-F])`).test(text);
}

describe('OneTimeCodes', () => {
	test('a code issued verifies once', async () => {
		const codes = await codesOn();
		const {requestId, code} = await codes.issue(signIn);
		expect(code).toMatch(/^\d{6}$/);
		expect(await codes.verify(requestId, code, signIn)).toBe('ok');
	});

	test('single use: the same code a second time is unknown', async () => {
		const codes = await codesOn();
		const {requestId, code} = await codes.issue(signIn);
		expect(await codes.verify(requestId, code, signIn)).toBe('ok');
		expect(await codes.verify(requestId, code, signIn)).toBe('unknown');
	});

	test('an unknown request id is unknown', async () => {
		const codes = await codesOn();
		const {code} = await codes.issue(signIn);
		expect(await codes.verify('00000000-0000-4000-8000-000000000000', code, signIn)).toBe('unknown');
	});

	test('5 wrong tries invalidate the code, the right one included', async () => {
		const codes = await codesOn();
		const {requestId, code} = await codes.issue(signIn);
		const wrong = otherThan(code);
		expect(await codes.triesLeft(requestId)).toBe(5);
		for (let i = 1; i <= 4; i++) {
			expect(await codes.verify(requestId, wrong, signIn)).toBe('wrong');
			expect(await codes.triesLeft(requestId)).toBe(5 - i);
		}
		expect(await codes.verify(requestId, wrong, signIn)).toBe('exhausted');
		expect(await codes.verify(requestId, code, signIn)).toBe('exhausted');
		expect(await codes.verify(requestId, wrong, signIn)).toBe('exhausted');
	});

	test('a right code after fewer than 5 wrong tries still works', async () => {
		const codes = await codesOn();
		const {requestId, code} = await codes.issue(signIn);
		for (let i = 0; i < 4; i++) expect(await codes.verify(requestId, otherThan(code), signIn)).toBe('wrong');
		expect(await codes.verify(requestId, code, signIn)).toBe('ok');
	});

	test('malformed input counts as a wrong try and never matches', async () => {
		const codes = await codesOn();
		const {requestId, code} = await codes.issue(signIn);
		for (const typed of ['', '12345', '1234567', 'abcdef', `${code}0`]) {
			expect(await codes.verify(requestId, typed, signIn)).not.toBe('ok');
		}
		expect(await codes.verify(requestId, code, signIn)).toBe('exhausted');
	});

	test('spaces typed inside the code are ignored', async () => {
		const codes = await codesOn();
		const {requestId, code} = await codes.issue(signIn);
		expect(await codes.verify(requestId, ` ${code.slice(0, 3)} ${code.slice(3)} `, signIn)).toBe('ok');
	});

	test('expiry: valid until the ttl, expired from then on (injected clock)', async () => {
		const time = clock();
		const codes = await codesOn({now: time.now});
		const first = await codes.issue(signIn);
		time.advance(10 * MINUTE - 1);
		expect(await codes.verify(first.requestId, first.code, signIn)).toBe('ok');

		time.advance(MINUTE);
		const second = await codes.issue(signIn);
		time.advance(10 * MINUTE);
		expect(await codes.verify(second.requestId, second.code, signIn)).toBe('expired');
		expect(await codes.verify(second.requestId, otherThan(second.code), signIn)).toBe('expired');
	});

	test('a shorter ttl is honoured; more than 10 minutes is refused', async () => {
		const time = clock();
		const codes = await codesOn({now: time.now, ttlMs: 2 * MINUTE});
		const {requestId, code, expiresAt} = await codes.issue(signIn);
		expect(expiresAt).toBe(time.now() + 2 * MINUTE);
		time.advance(2 * MINUTE);
		expect(await codes.verify(requestId, code, signIn)).toBe('expired');
		await expect(codesOn({ttlMs: 10 * MINUTE + 1})).rejects.toThrow(RangeError);
		await expect(codesOn({ttlMs: 0})).rejects.toThrow(RangeError);
	});

	test('bound to its request: another purpose, subject or destination never verifies', async () => {
		const codes = await codesOn();
		const {requestId, code} = await codes.issue(signIn);
		const others: OneTimeCodeBinding[] = [
			{...signIn, purpose: 'verify-channel'},
			{...signIn, subject: 'marie.curie@medecin.mssante.fr'},
			{...signIn, destination: '+33612345678'},
			{...signIn, destination: 'JEAN.DUPONT@exemple.fr'},
			// A `:` cannot move a field boundary.
			{purpose: 'sign-in', subject: `${signIn.subject}:x`, destination: signIn.destination.slice(0)},
		];
		for (const other of others) {
			for (let i = 0; i < 10; i++) expect(await codes.verify(requestId, code, other)).toBe('unknown');
		}
		// Tries under another binding neither consumed nor exhausted the code.
		expect(await codes.verify(requestId, code, signIn)).toBe('ok');
	});

	test('codes for different bindings are independent', async () => {
		const codes = await codesOn();
		const channel: OneTimeCodeBinding = {purpose: 'verify-channel', subject: '810002813839', destination: '+33612345678'};
		const a = await codes.issue(signIn);
		const b = await codes.issue(channel);
		expect(await codes.verify(a.requestId, b.code, signIn)).toBe(a.code === b.code ? 'ok' : 'wrong');
		expect(await codes.verify(b.requestId, b.code, channel)).toBe('ok');
	});

	test('resend rate limit: 60 s between codes, a new code replaces the previous one, 5 per hour', async () => {
		const time = clock();
		const codes = await codesOn({now: time.now});
		const first = await codes.issue(signIn);

		time.advance(20_000);
		let refusal: unknown;
		try {
			await codes.issue(signIn);
		} catch (error) {
			refusal = error;
		}
		expect(refusal).toBeInstanceOf(OneTimeCodeError);
		expect((refusal as OneTimeCodeError).code).toBe('rate-limited');
		expect((refusal as OneTimeCodeError).retryAfterMs).toBe(40_000);
		expect((refusal as OneTimeCodeError).message).not.toContain(first.code);

		time.advance(40_000);
		const second = await codes.issue(signIn);
		expect(second.nextIssueAt - time.now()).toBe(MINUTE);
		expect(await codes.verify(first.requestId, first.code, signIn)).toBe('unknown');
		expect(await codes.verify(second.requestId, second.code, signIn)).toBe('ok');

		// Sends 3, 4, 5 a minute apart; the 6th within the hour is refused until the first ages out.
		// Each code says when the next may be asked: a minute later, then when the hour allows.
		for (let i = 3; i <= 5; i++) {
			time.advance(MINUTE);
			const issued = await codes.issue(signIn);
			expect(issued.nextIssueAt - time.now()).toBe(i < 5 ? MINUTE : 56 * MINUTE);
		}
		time.advance(MINUTE);
		const sixth = await codes.issue(signIn).then(
			() => undefined,
			(error: unknown) => error as OneTimeCodeError,
		);
		expect(sixth).toBeInstanceOf(OneTimeCodeError);
		// First send at t0, now t0 + 5 min: it leaves the window at t0 + 60 min.
		expect(sixth!.retryAfterMs).toBe(55 * MINUTE);
		time.advance(55 * MINUTE - 1);
		await expect(codes.issue(signIn)).rejects.toThrow(OneTimeCodeError);
		time.advance(1);
		expect((await codes.issue(signIn)).code).toMatch(/^\d{6}$/);
	});

	test('the rate limit is per binding', async () => {
		const codes = await codesOn();
		await codes.issue(signIn);
		await expect(codes.issue(signIn)).rejects.toThrow(OneTimeCodeError);
		await codes.issue({...signIn, purpose: 'verify-channel'});
		await codes.issue({...signIn, destination: '+33612345678'});
		await codes.issue({...signIn, subject: 'autre@medecin.mssante.fr'});
	});

	test('codes are 6 random digits, stored only hashed', async () => {
		const codes = await codesOn();
		const issued: Array<{requestId: string; code: string; subject: string}> = [];
		for (let i = 0; i < 200; i++) {
			const subject = `praticien-${i}@medecin.mssante.fr`;
			issued.push({...(await codes.issue({purpose: 'sign-in', subject, destination: `praticien-${i}@exemple.fr`})), subject});
		}
		for (const {code} of issued) expect(code).toMatch(/^\d{6}$/);
		expect(new Set(issued.map(({code}) => code)).size).toBeGreaterThan(1);

		const state = dump(codes);
		// The state does hold the 200 pending requests…
		for (const {requestId} of issued) expect(state).toContain(requestId);
		// …but none of their codes.
		const leaked = issued.filter(({code}) => containsCode(state, code));
		expect(leaked).toEqual([]);

		// And they all still verify: the state is enough without the code.
		for (const {requestId, code, subject} of issued) {
			const destination = subject.replace('@medecin.mssante.fr', '@exemple.fr');
			expect(await codes.verify(requestId, code, {purpose: 'sign-in', subject, destination})).toBe('ok');
		}
	});

	test('instances on one database share the HMAC key (a code sent by one is checked by another, once); another database has its own key', async () => {
		const time = clock();
		const a = await codesOn({now: time.now});
		const b = await codesOn({now: time.now}, (a as unknown as {database: Database}).database);
		const issued = await a.issue(signIn);
		expect(await b.verify(issued.requestId, otherThan(issued.code), signIn)).toBe('wrong');
		expect(await a.triesLeft(issued.requestId)).toBe(4);
		// The resend interval holds across instances.
		await expect(b.issue(signIn)).rejects.toThrow(OneTimeCodeError);
		expect(await b.verify(issued.requestId, issued.code, signIn)).toBe('ok');
		expect(await a.verify(issued.requestId, issued.code, signIn)).toBe('unknown');
		// A service on another database: the same request id and code do not verify there.
		const other = await codesOn({now: time.now});
		expect(await other.verify(issued.requestId, issued.code, signIn)).toBe('unknown');
		const key = (codes: OneTimeCodes) => (codes as unknown as {database: Database}).database.db.selectFrom('secrets').select('value').executeTakeFirstOrThrow();
		expect((await key(a)).value).not.toBe((await key(other)).value);
	});

	test('200 guesses at once: 4 wrong answers, then the code is burnt, the right code included', async () => {
		const codes = await codesOn();
		const {requestId, code} = await codes.issue(signIn);
		const wrong = otherThan(code);
		const verdicts = await Promise.all(Array.from({length: 200}, () => codes.verify(requestId, wrong, signIn)));
		expect(verdicts.filter(verdict => verdict === 'wrong')).toHaveLength(4);
		expect(verdicts.filter(verdict => verdict === 'exhausted')).toHaveLength(196);
		expect(await codes.verify(requestId, code, signIn)).toBe('exhausted');
	});

	test('the comparison is of fixed-length HMACs: any input length is handled without throwing', async () => {
		const codes = await codesOn();
		const {requestId, code} = await codes.issue(signIn);
		expect(await codes.verify(requestId, 'x'.repeat(10_000), signIn)).toBe('wrong');
		expect(await codes.verify(requestId, '\u0000', signIn)).toBe('wrong');
		expect(await codes.verify(requestId, code, signIn)).toBe('ok');
	});
});
