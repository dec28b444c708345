import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import type {CardIdentity} from '../../src/contract/domain/card-identity.js';
import type {AccountOptions} from '../../src/contract/rules/account-rules.js';
import {BackendError} from '../../src/contract/api/errors.js';
import type {ActivationRequest} from '../../src/contract/domain/account.js';
import {AccountService} from '../../src/server/accounts/account-service.js';
import {FileInUseError} from '../../src/contract/storage/file-lock.js';
import {CorruptStoreError} from '../../src/contract/storage/json-store.js';
import {verifyPassword} from '../../src/server/accounts/password-hash.js';
import {openDatabase} from '../../src/server/database/database.js';

const JEAN: CardIdentity = {
	civilite: 'Dr',
	givenName: 'Jean',
	surname: 'DUPONT',
	profession: 'Médecin',
	professionCode: '10',
	nationalId: '10001234567',
	idType: 'RPPS',
};

const ELOISE: CardIdentity = {
	givenName: 'Éloïse',
	surname: "D'HÉROUVILLE LE GALL",
	profession: 'Infirmier',
	professionCode: '60',
	nationalId: '10007654321',
	idType: 'RPPS',
};

const OPTIONS: AccountOptions = {
	email: 'jean.dupont@exemple.fr',
	otpChannel: 'mail',
	notify: false,
	publishMobile: false,
	listeRouge: false,
	paperless: false,
};

const PASSWORD = 'Kiosque#Sante2026';

let dir: string;
let backend: AccountService | undefined;

function request(overrides: Partial<ActivationRequest> = {}): ActivationRequest {
	return {
		requestId: 'req-1',
		identity: JEAN,
		address: 'jean.dupont@medecin.mssante.fr',
		password: PASSWORD,
		options: OPTIONS,
		...overrides,
	};
}

async function open(takenAddresses: string[] = []): Promise<AccountService> {
	backend = await AccountService.open({dataDir: dir, takenAddresses});
	return backend;
}

async function reopen(takenAddresses: string[] = []): Promise<AccountService> {
	await backend?.close();
	backend = undefined;
	return open(takenAddresses);
}

/** Every byte the service stored (the SQLite database and its write-ahead log), as text to search. */
function storedBytes(): string {
	return ['service.sqlite', 'service.sqlite-wal']
		.map(name => path.join(dir, name))
		.filter(file => existsSync(file))
		.map(file => readFileSync(file).toString('latin1'))
		.join('');
}

/** The accounts' rows, read with another connection to the database file (the project's own, whatever Node's version). */
async function storedAccounts(): Promise<Array<Record<string, unknown>>> {
	const database = await openDatabase({dataDir: dir});
	try {
		const rows = await database.db.selectFrom('accounts').selectAll().execute();
		return rows.map(row => ({...row, passwordHash: row.password_hash, options: JSON.parse(row.options), identity: JSON.parse(row.identity)}));
	} finally {
		await database.close();
	}
}

async function backendError(promise: Promise<unknown>): Promise<BackendError> {
	const error = await promise.then(
		() => null,
		(e: unknown) => e,
	);
	expect(error).toBeInstanceOf(BackendError);
	return error as BackendError;
}

beforeEach(() => {
	dir = mkdtempSync(path.join(os.tmpdir(), 'kiosk-backend-'));
});

afterEach(async () => {
	await backend?.close();
	backend = undefined;
	rmSync(dir, {recursive: true, force: true});
});

describe('open', () => {
	test('a new data directory gets an empty database and an outbox/', async () => {
		const b = await open();
		expect(await b.accounts()).toEqual([]);
		expect(await storedAccounts()).toEqual([]);
		expect(existsSync(path.join(dir, 'outbox'))).toBe(true);
	});

	test('a second backend on the same data directory is refused while the first is open', async () => {
		await open();
		const error = await AccountService.open({dataDir: dir, takenAddresses: []}).then(
			async other => {
				await other.close();
				return null;
			},
			(e: unknown) => e,
		);
		expect(error).toBeInstanceOf(FileInUseError);
	});

	test('a corrupt accounts.json is refused with CorruptStoreError and left untouched', async () => {
		const file = path.join(dir, 'accounts.json');
		const content = '{"accounts": [{"address": "jean.dupont@medecin.mssante.fr", ';
		writeFileSync(file, content);
		const error = await AccountService.open({dataDir: dir, takenAddresses: []}).then(
			async other => {
				await other.close();
				return null;
			},
			(e: unknown) => e,
		);
		expect(error).toBeInstanceOf(CorruptStoreError);
		expect((error as CorruptStoreError).path).toBe(file);
		expect(readFileSync(file, 'utf8')).toBe(content);
		// Not renamed, not reset, and the lock was released.
		expect(readdirSync(dir).sort()).toEqual(['accounts.json']);
	});

	test.each([
		['empty', ''],
		['valid JSON of the wrong shape', '{"accounts": "none"}'],
		['an array', '[]'],
	])('%s accounts.json is refused too and left untouched', async (_name, content) => {
		const file = path.join(dir, 'accounts.json');
		writeFileSync(file, content);
		await expect(AccountService.open({dataDir: dir, takenAddresses: []})).rejects.toBeInstanceOf(CorruptStoreError);
		expect(readFileSync(file, 'utf8')).toBe(content);
		expect(readdirSync(dir)).toEqual(['accounts.json']);
	});
});

describe('availability', () => {
	test('a free address is itself', async () => {
		const b = await open([]);
		expect(await b.availability(['jean.dupont@medecin.mssante.fr'])).toEqual([{requested: 'jean.dupont@medecin.mssante.fr', available: 'jean.dupont@medecin.mssante.fr'}]);
	});

	test('taken jean.dupont and jean.dupont2 → jean.dupont3; per domain', async () => {
		const b = await open(['jean.dupont@medecin.mssante.fr', 'JEAN.DUPONT2@medecin.mssante.fr']);
		expect(await b.availability(['jean.dupont@medecin.mssante.fr', 'jean.dupont@pro.mssante.fr', 'dupont.jean@medecin.mssante.fr'])).toEqual([
			{requested: 'jean.dupont@medecin.mssante.fr', available: 'jean.dupont3@medecin.mssante.fr'},
			{requested: 'jean.dupont@pro.mssante.fr', available: 'jean.dupont@pro.mssante.fr'},
			{requested: 'dupont.jean@medecin.mssante.fr', available: 'dupont.jean@medecin.mssante.fr'},
		]);
	});

	test('the smallest free suffix is used, even with a gap', async () => {
		const b = await open(['jean.dupont@pro.mssante.fr', 'jean.dupont3@pro.mssante.fr']);
		expect(await b.availability(['jean.dupont@pro.mssante.fr'])).toEqual([{requested: 'jean.dupont@pro.mssante.fr', available: 'jean.dupont2@pro.mssante.fr'}]);
	});

	test('an activated account makes its address taken', async () => {
		const b = await open([]);
		await b.activate(request());
		expect(await b.availability(['jean.dupont@medecin.mssante.fr'])).toEqual([{requested: 'jean.dupont@medecin.mssante.fr', available: 'jean.dupont2@medecin.mssante.fr'}]);
	});
});

describe('activate', () => {
	test('creates one account, stored with a scrypt hash and no plaintext password', async () => {
		const b = await open();
		const view = await b.activate(request());
		expect(view).toMatchObject({address: 'jean.dupont@medecin.mssante.fr', identity: JEAN, options: OPTIONS});
		expect(view).not.toHaveProperty('passwordHash');
		expect(view).not.toHaveProperty('password');
		expect(await b.accounts()).toHaveLength(1);

		const text = storedBytes();
		expect(text).not.toContain(PASSWORD);
		expect(text).not.toContain('Kiosque');
		const [stored] = await storedAccounts();
		expect(await storedAccounts()).toHaveLength(1);
		expect(stored).not.toHaveProperty('password');
		expect(String(stored?.passwordHash)).toMatch(/^scrypt\$/);
		expect(await verifyPassword(PASSWORD, String(stored?.passwordHash))).toBe(true);
		expect(await b.accountFor(JEAN.nationalId)).toEqual(view);
	});

	test('the same requestId twice → one account, same address', async () => {
		const b = await open();
		const first = await b.activate(request());
		const second = await b.activate(request());
		expect(second).toEqual(first);
		expect(await b.accounts()).toHaveLength(1);
		expect(await storedAccounts()).toHaveLength(1);
	});

	test('concurrent retries with the same requestId → one account', async () => {
		const b = await open();
		const [first, second] = await Promise.all([b.activate(request()), b.activate(request())]);
		expect(second.address).toBe(first.address);
		expect(await storedAccounts()).toHaveLength(1);
	});

	test('another requestId for the same identity → already-activated', async () => {
		const b = await open();
		await b.activate(request());
		const error = await backendError(b.activate(request({requestId: 'req-2', address: 'jean.dupont@pro.mssante.fr'})));
		expect(error.code).toBe('already-activated');
		expect(await storedAccounts()).toHaveLength(1);
	});

	test('an address not derived from the identity → address-not-allowed', async () => {
		const b = await open();
		for (const address of ['paul.martin@medecin.mssante.fr', 'jean.dupont@pharmacien.mssante.fr', 'jean.dupont@exemple.fr', 'jean.dupont1@medecin.mssante.fr']) {
			const error = await backendError(b.activate(request({address})));
			expect(error.code).toBe('address-not-allowed');
		}
		expect(await storedAccounts()).toEqual([]);
	});

	test('every proposal form is allowed, with accents and apostrophes folded', async () => {
		const b = await open();
		const view = await b.activate(request({identity: ELOISE, address: 'dherouville-le-gall.eloise@infirmier.mssante.fr', options: {...OPTIONS, email: 'eloise@exemple.fr'}}));
		expect(view.address).toBe('dherouville-le-gall.eloise@infirmier.mssante.fr');
	});

	test('a suffixed form of an allowed address is accepted', async () => {
		const b = await open(['jean.dupont@medecin.mssante.fr', 'jean.dupont2@medecin.mssante.fr']);
		const view = await b.activate(request({address: 'jean.dupont3@medecin.mssante.fr'}));
		expect(view.address).toBe('jean.dupont3@medecin.mssante.fr');
	});

	test('a taken address → address-taken with the free one in details', async () => {
		const b = await open(['jean.dupont@medecin.mssante.fr']);
		const error = await backendError(b.activate(request()));
		expect(error.code).toBe('address-taken');
		expect(error.details).toEqual({address: ['jean.dupont2@medecin.mssante.fr']});
		expect(await storedAccounts()).toEqual([]);
	});

	test.each([
		['azerty', 'too-short'],
		['Azerty123', 'common'],
		['Dupont#2026xq', 'personal'],
		[`Xq7#${'a'.repeat(125)}`, 'too-long'],
	])('the backend enforces the password policy itself: %s → %s', async (password, problem) => {
		const b = await open();
		const error = await backendError(b.activate(request({password})));
		expect(error.code).toBe('password-policy');
		expect(error.details?.password).toContain(problem);
		expect(await storedAccounts()).toEqual([]);
	});

	test('invalid options are refused (SMS without mobile, liste rouge + publish)', async () => {
		const b = await open();
		const sms = await backendError(b.activate(request({options: {...OPTIONS, otpChannel: 'sms'}})));
		expect(sms.code).toBe('invalid-request');
		expect(sms.details).toEqual({otpChannel: ['sms-needs-mobile']});
		const both = await backendError(b.activate(request({options: {...OPTIONS, mobile: '+33612345678', publishMobile: true, listeRouge: true}})));
		expect(both.details).toEqual({publishMobile: ['liste-rouge-and-publish']});
		const mail = await backendError(b.activate(request({options: {...OPTIONS, email: 'x@medecin.mssante.fr'}})));
		expect(mail.details).toEqual({email: ['email-mssante']});
		expect(await storedAccounts()).toEqual([]);
	});

	test('options are stored normalised: mobile in E.164, e-mail trimmed (or the request is refused)', async () => {
		const b = await open();
		const options: AccountOptions = {...OPTIONS, email: ' jean.dupont@exemple.fr ', mobile: '06.12.34.56.78', otpChannel: 'sms'};
		const outcome = await b.activate(request({options})).then(
			view => view,
			(e: unknown) => e,
		);
		if (outcome instanceof BackendError) {
			expect(outcome.code).toBe('invalid-request');
			expect(await storedAccounts()).toEqual([]);
		} else {
			expect((await storedAccounts())[0]?.options).toMatchObject({email: 'jean.dupont@exemple.fr', mobile: '+33612345678'});
		}
	});

	test('a failed activation does not burn the requestId: fixing it and retrying works', async () => {
		const b = await open();
		await backendError(b.activate(request({password: 'azerty'})));
		const view = await b.activate(request());
		expect(view.address).toBe('jean.dupont@medecin.mssante.fr');
		expect(await storedAccounts()).toHaveLength(1);
	});
});

describe('update', () => {
	test('changes the options and keeps the hash when no password is given', async () => {
		const b = await open();
		await b.activate(request());
		const hashBefore = (await storedAccounts())[0]?.passwordHash;
		const options: AccountOptions = {...OPTIONS, mobile: '+33612345678', otpChannel: 'sms', publishMobile: true, notify: true};
		const view = await b.update('jean.dupont@medecin.mssante.fr', JEAN, {options, verifiedMobile: '+33612345678'});
		expect(view.options).toEqual(options);
		const [stored] = await storedAccounts();
		expect(stored?.options).toEqual(options);
		expect(stored?.passwordHash).toBe(hashBefore);
	});

	test('a new password replaces the hash, still without plaintext', async () => {
		const b = await open();
		await b.activate(request());
		const hashBefore = String((await storedAccounts())[0]?.passwordHash);
		await b.update('JEAN.DUPONT@medecin.mssante.fr', JEAN, {options: OPTIONS, password: 'Nouveau#Poste2027'});
		const hashAfter = String((await storedAccounts())[0]?.passwordHash);
		expect(hashAfter).not.toBe(hashBefore);
		expect(await verifyPassword('Nouveau#Poste2027', hashAfter)).toBe(true);
		expect(await verifyPassword(PASSWORD, hashAfter)).toBe(false);
		expect(storedBytes()).not.toContain('Nouveau#Poste2027');
	});

	test('a weak new password is refused and the old hash kept', async () => {
		const b = await open();
		await b.activate(request());
		const hashBefore = (await storedAccounts())[0]?.passwordHash;
		const error = await backendError(b.update('jean.dupont@medecin.mssante.fr', JEAN, {options: OPTIONS, password: 'Password1'}));
		expect(error.code).toBe('password-policy');
		expect((await storedAccounts())[0]?.passwordHash).toBe(hashBefore);
	});

	test('invalid options are refused and nothing changes', async () => {
		const b = await open();
		await b.activate(request());
		const error = await backendError(b.update('jean.dupont@medecin.mssante.fr', JEAN, {options: {...OPTIONS, publishMobile: true}}));
		expect(error.code).toBe('invalid-request');
		expect((await storedAccounts())[0]?.options).toEqual(OPTIONS);
	});

	test('another card, or an unknown address → not-found', async () => {
		const b = await open();
		await b.activate(request());
		expect((await backendError(b.update('jean.dupont@medecin.mssante.fr', ELOISE, {options: OPTIONS}))).code).toBe('not-found');
		expect((await backendError(b.update('nobody@pro.mssante.fr', JEAN, {options: OPTIONS}))).code).toBe('not-found');
	});
});

describe('invite', () => {
	test('writes one .eml per recipient in outbox/', async () => {
		const b = await open();
		expect(await b.invite('jean.dupont@medecin.mssante.fr', ['a@exemple.fr', 'b@exemple.org'])).toEqual({sent: 2});
		const files = readdirSync(path.join(dir, 'outbox'));
		expect(files).toHaveLength(2);
		expect(files.every(name => name.endsWith('.eml'))).toBe(true);
		const messages = b.outbox.list();
		expect(messages.map(m => /^To: (.*)$/m.exec(m.content)?.[1]).sort()).toEqual(['a@exemple.fr', 'b@exemple.org']);
		for (const {content} of messages) {
			expect(content).toContain('jean.dupont@medecin.mssante.fr');
			expect(content).toContain('From: ne-pas-repondre@mssante.fr');
		}
	});

	test('the To: header is the clean address, headers intact, even with surrounding whitespace', async () => {
		const b = await open();
		expect(await b.invite('jean.dupont@medecin.mssante.fr', ['  a@exemple.fr\n'])).toEqual({sent: 1});
		const [message] = b.outbox.list();
		const head = message?.content.split('\r\n\r\n')[0] ?? '';
		expect(head.split('\r\n')).toContain('To: a@exemple.fr');
		// No bare CR or LF inside a header line.
		expect(head.split('\r\n').filter(line => /[\r\n]/.test(line))).toEqual([]);
		expect(head).toContain('Subject: ');
		expect(head).toContain('MIME-Version: 1.0');
	});

	test('refuses invalid e-mails and sends nothing', async () => {
		const b = await open();
		const error = await backendError(b.invite('jean.dupont@medecin.mssante.fr', ['a@exemple.fr', 'not-an-address']));
		expect(error.code).toBe('invalid-request');
		expect(error.details).toEqual({emails: ['not-an-address']});
		expect(readdirSync(path.join(dir, 'outbox'))).toEqual([]);
	});

	test('the same address twice, in any case, gets one invitation (issue 10 item 14)', async () => {
		const b = await open();
		expect(await b.invite('jean.dupont@medecin.mssante.fr', ['a@exemple.fr', 'A@Exemple.FR', ' a@exemple.fr', 'b@exemple.org'])).toEqual({sent: 2});
		expect(readdirSync(path.join(dir, 'outbox'))).toHaveLength(2);
	});

	test('refuses an empty list', async () => {
		const b = await open();
		expect((await backendError(b.invite('jean.dupont@medecin.mssante.fr', []))).code).toBe('invalid-request');
		expect(readdirSync(path.join(dir, 'outbox'))).toEqual([]);
	});
});

describe('persistence', () => {
	test('accounts survive close() and open()', async () => {
		const b = await open();
		const view = await b.activate(request());
		await b.update(view.address, JEAN, {options: {...OPTIONS, paperless: true}});

		const again = await reopen();
		expect(await again.accounts()).toHaveLength(1);
		expect(await again.accountFor(JEAN.nationalId)).toMatchObject({address: view.address, options: {...OPTIONS, paperless: true}});
		// The replay and the one-account-per-card rules still hold after a restart.
		expect((await again.activate(request())).address).toBe(view.address);
		expect((await backendError(again.activate(request({requestId: 'req-3'})))).code).toBe('already-activated');
		expect((await again.availability(['jean.dupont@medecin.mssante.fr']))[0]?.available).toBe('jean.dupont2@medecin.mssante.fr');
	});

	test('close() releases the data directory', async () => {
		await open();
		await backend?.close();
		backend = undefined;
		expect(existsSync(path.join(dir, 'service.sqlite.lock'))).toBe(false);
	});

	test('close() waits for every audit event recorded, even those not awaited (none lost, no write after close)', async () => {
		const b = await open();
		// The HTTP layer records a code check without awaiting it; a stop right after must not lose it.
		for (let line = 0; line < 50; line++) void b.audit.record({action: 'code-checked', outcome: 'refused', detail: String(line)});
		await b.close();
		backend = undefined;
		const reopened = await open();
		const events = await reopened.audit.since();
		expect(events).toHaveLength(50);
		expect(events.at(-1)).toMatchObject({action: 'code-checked', detail: '49'});
	});
});
