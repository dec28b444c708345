// The service's database on both engines — SQLite in the data directory, and a real PostgreSQL
// server (test/harness/postgres.ts): the upgrade from an earlier version's accounts.json, the
// unique constraints that keep concurrent activations apart, two instances on one database, and
// the readiness answer over real HTTP.
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, test} from 'vitest';
import type {CardIdentity} from '../../src/contract/domain/card-identity.js';
import {AccountService} from '../../src/server/accounts/account-service.js';
import {hashPassword} from '../../src/server/accounts/password-hash.js';
import {createActivationService} from '../../src/server/activation-service.js';
import {AccountStore} from '../../src/server/database/account-store.js';
import {openDatabase, uniqueViolation} from '../../src/server/database/database.js';
import {startPostgres, type PostgresServer} from '../harness/postgres.js';

let dir: string;
const closing: Array<() => Promise<void>> = [];
let postgres: PostgresServer;
let databases = 0;

beforeAll(async () => {
	postgres = await startPostgres();
}, 60_000);

afterAll(async () => {
	await postgres?.cleanup();
});

beforeEach(() => {
	dir = mkdtempSync(path.join(os.tmpdir(), 'mssante-database-'));
});

/** Each engine the service runs on; PostgreSQL gets a fresh database each time. */
const ENGINES = {
	sqlite: async () => undefined,
	postgres: async () => postgres.createDatabase(`accounts_${process.pid}_${++databases}`),
} satisfies Record<string, () => Promise<string | undefined>>;

afterEach(async () => {
	for (const close of closing.splice(0).reverse()) await close();
	rmSync(dir, {recursive: true, force: true});
});

const JEAN: CardIdentity = {givenName: 'Jean', surname: 'DUPONT', profession: 'Médecin', professionCode: '10', nationalId: '10001234567', idType: 'RPPS'};
const OPTIONS = {email: 'jean.dupont@exemple.fr', otpChannel: 'mail', notify: false, publishMobile: false, listeRouge: false, paperless: false} as const;

async function open(databaseUrl?: string, dataDir = dir): Promise<AccountService> {
	const service = await AccountService.open({dataDir, databaseUrl, takenAddresses: []});
	closing.push(() => service.close());
	return service;
}

describe.each(Object.keys(ENGINES) as Array<keyof typeof ENGINES>)('on %s', engine => {
	let url: string | undefined;
	beforeEach(async () => {
		url = await ENGINES[engine]();
	});

	test('an earlier version’s accounts are imported once, the file kept aside, and every rule holds on them', async () => {
		const passwordHash = await hashPassword('Kiosque#Sante2026');
		const earlier = {
			accounts: [
				{
					address: 'jean.dupont@medecin.mssante.fr',
					identity: JEAN,
					options: OPTIONS,
					createdAt: '2026-01-02T03:04:05.000Z',
					updatedAt: '2026-01-02T03:04:05.000Z',
					passwordHash,
					activationRequestId: 'req-earlier',
				},
			],
		};
		const file = path.join(dir, 'accounts.json');
		writeFileSync(file, JSON.stringify(earlier));
		const service = await open(url);
		expect(service.imported).toEqual({imported: 1, keptAs: `${file}.imported`});
		expect(existsSync(file)).toBe(false);
		expect(JSON.parse(readFileSync(`${file}.imported`, 'utf8'))).toEqual(earlier);
		expect(await service.accountFor(JEAN.nationalId)).toMatchObject({address: 'jean.dupont@medecin.mssante.fr', createdAt: '2026-01-02T03:04:05.000Z'});
		// The password still opens the account; the address is taken; the card has its account.
		expect(await service.checkSignIn('jean.dupont@medecin.mssante.fr', 'Kiosque#Sante2026')).not.toBeNull();
		expect((await service.availability(['jean.dupont@medecin.mssante.fr']))[0]?.available).toBe('jean.dupont2@medecin.mssante.fr');
		await expect(service.activate({requestId: 'req-new', identity: JEAN, address: 'jean.dupont2@medecin.mssante.fr', password: 'Kiosque#Sante2026', options: OPTIONS})).rejects.toMatchObject({
			code: 'already-activated',
		});
		// The replay of the request that created it answers it.
		expect((await service.activate({requestId: 'req-earlier', identity: JEAN, address: 'jean.dupont@medecin.mssante.fr', password: 'Kiosque#Sante2026', options: OPTIONS})).address).toBe(
			'jean.dupont@medecin.mssante.fr',
		);
		// The directory shows it at once.
		expect((await service.searchDirectory({text: 'dupont'}, {signedIn: false})).total).toBeGreaterThanOrEqual(1);

		await service.close();
		closing.length = 0;
		// Started again: nothing imported twice.
		const again = await open(url);
		expect(again.imported).toBeNull();
		expect(await again.accounts()).toHaveLength(1);
	});

	test('the database refuses a second account for one address, one card or one request, and says which column', async () => {
		const database = await openDatabase({dataDir: dir, url});
		closing.push(() => database.close());
		const store = new AccountStore(database.db);
		const account = {address: 'a@medecin.mssante.fr', identity: JEAN, options: OPTIONS, createdAt: '', updatedAt: '', passwordHash: 'x', activationRequestId: 'r1'};
		await store.insert(account);
		const collision = async (changes: Partial<typeof account>) =>
			uniqueViolation(await store.insert({...account, address: 'b@medecin.mssante.fr', activationRequestId: 'r2', identity: {...JEAN, nationalId: 'other'}, ...changes}).catch(error => error));
		expect(await collision({address: 'a@medecin.mssante.fr'})).toBe('address');
		expect(await collision({identity: JEAN})).toBe('national_id');
		expect(await collision({activationRequestId: 'r1'})).toBe('activation_request_id');
		expect(await store.count()).toBe(1);
	});

	test('concurrent activations of homonyms (different cards, same proposal) get distinct addresses, the loser told the free one', async () => {
		const service = await open(url);
		const twins = Array.from({length: 6}, (_unused, index) => ({...JEAN, nationalId: `1000000000${index}`}));
		const results = await Promise.allSettled(
			twins.map((identity, index) => service.activate({requestId: `r${index}`, identity, address: 'jean.dupont@medecin.mssante.fr', password: 'Kiosque#Sante2026', options: OPTIONS})),
		);
		const won = results.filter(result => result.status === 'fulfilled');
		expect(won).toHaveLength(1);
		for (const result of results) if (result.status === 'rejected') expect(result.reason).toMatchObject({code: 'address-taken', details: {address: ['jean.dupont2@medecin.mssante.fr']}});
		expect(await service.accounts()).toHaveLength(1);
	});
});

describe('two instances on one PostgreSQL database', () => {
	test('homonyms activated at once on both: one address each, the others told the next free one; each instance’s directory shows the other’s accounts', async () => {
		const url = await ENGINES.postgres();
		const one = await open(url, mkdtempSync(path.join(os.tmpdir(), 'mssante-instance-a-')));
		const two = await open(url, mkdtempSync(path.join(os.tmpdir(), 'mssante-instance-b-')));
		const twins = Array.from({length: 8}, (_unused, index) => ({...JEAN, nationalId: `2000000000${index}`}));
		const results = await Promise.allSettled(
			twins.map((identity, index) => (index % 2 ? one : two).activate({requestId: `t${index}`, identity, address: 'jean.dupont@medecin.mssante.fr', password: 'Kiosque#Sante2026', options: OPTIONS})),
		);
		expect(results.filter(result => result.status === 'fulfilled')).toHaveLength(1);
		for (const result of results) if (result.status === 'rejected') expect(result.reason).toMatchObject({code: 'address-taken'});
		// The losers take the address they were told: all distinct, whichever instance they ask.
		for (const [index, result] of results.entries()) {
			if (result.status === 'fulfilled') continue;
			for (let attempt = 0; ; attempt++) {
				const free = (await (index % 2 ? two : one).availability(['jean.dupont@medecin.mssante.fr']))[0]?.available as string;
				const activated = await (index % 2 ? one : two)
					.activate({requestId: `t${index}`, identity: twins[index] as CardIdentity, address: free, password: 'Kiosque#Sante2026', options: OPTIONS})
					.catch((error: unknown) => error);
				if (!(activated instanceof Error) || attempt > 3) break;
			}
		}
		const addresses = (await one.accounts()).map(account => account.address);
		expect(addresses).toHaveLength(8);
		expect(new Set(addresses).size).toBe(8);
		// The same request id on the other instance returns the same account, not a second one.
		expect((await two.activate({requestId: 't0', identity: twins[0] as CardIdentity, address: 'x@medecin.mssante.fr', password: 'Kiosque#Sante2026', options: OPTIONS})).identity.nationalId).toBe(
			twins[0]?.nationalId,
		);
		// Activated on one instance, found in the other's directory within its follow interval.
		await expect.poll(async () => (await two.searchDirectory({text: 'dupont'}, {signedIn: false})).total, {timeout: 5_000}).toBe(8);
		await expect.poll(async () => (await one.searchDirectory({text: 'dupont'}, {signedIn: false})).total, {timeout: 5_000}).toBe(8);
	});
	test('a change on one instance is in the other’s directory at once (announced, not waited for): an activation, liste rouge on, then off', async () => {
		const url = await ENGINES.postgres();
		const one = await open(url, mkdtempSync(path.join(os.tmpdir(), 'mssante-instance-a-')));
		const two = await open(url, mkdtempSync(path.join(os.tmpdir(), 'mssante-instance-b-')));
		const found = async () => (await two.searchDirectory({text: 'dupont'}, {signedIn: false})).total;
		// The look for missed notifications runs every 5 s: seen within 1 s, three times running, is the notification.
		const within1s = {timeout: 1_000, interval: 20};
		const {address} = await one.activate({requestId: 'r1', identity: JEAN, address: 'jean.dupont@medecin.mssante.fr', password: 'Kiosque#Sante2026', options: OPTIONS});
		await expect.poll(found, within1s).toBe(1);
		await one.update(address, JEAN, {options: {...OPTIONS, listeRouge: true}});
		await expect.poll(found, within1s).toBe(0);
		await one.update(address, JEAN, {options: OPTIONS});
		await expect.poll(found, within1s).toBe(1);
	});
	test('after PostgreSQL restarts, the instances listen again: a change on one is soon in the other’s directory', async () => {
		const url = await ENGINES.postgres();
		const one = await open(url, mkdtempSync(path.join(os.tmpdir(), 'mssante-instance-a-')));
		const two = await open(url, mkdtempSync(path.join(os.tmpdir(), 'mssante-instance-b-')));
		await postgres.stop('fast');
		await postgres.start();
		await expect.poll(() => one.ready(), {timeout: 15_000, interval: 100}).toBe(true);
		// Listening again takes a second after the server is back; then changes are heard at once.
		await new Promise(resolve => setTimeout(resolve, 1_500));
		await one.activate({requestId: 'r1', identity: JEAN, address: 'jean.dupont@medecin.mssante.fr', password: 'Kiosque#Sante2026', options: OPTIONS});
		await expect.poll(async () => (await two.searchDirectory({text: 'dupont'}, {signedIn: false})).total, {timeout: 1_000, interval: 20}).toBe(1);
	}, 60_000);
});

describe('readiness over HTTP', () => {
	test('/v1/ready answers ready once the database is migrated; /v1/health answers alive', async () => {
		const service = await createActivationService({dataDir: dir, trustAnchorsPem: ''});
		closing.push(() => service.close());
		const url = await service.listen(0, '127.0.0.1');
		expect(await (await fetch(`${url}/v1/health`)).json()).toEqual({status: 'ok'});
		const ready = await fetch(`${url}/v1/ready`);
		expect(ready.status).toBe(200);
		expect(await ready.json()).toEqual({status: 'ready'});
	});
});
