// Password guessing against the real service over HTTP (issue 12 item 6): progressive delays per
// client and address, never a lock-out of the holder, limits shared by two instances on one
// PostgreSQL, and sign-in hashing kept from starving activations. Clients are told apart by
// X-Forwarded-For from a trusted proxy (loopback here), as behind the load balancer.
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import type {CardIdentity} from '../../src/contract/domain/card-identity.js';
import {createActivationService, type ActivationService} from '../../src/server/activation-service.js';
import {startPostgres, type PostgresServer} from '../harness/postgres.js';

const ADDRESS = 'jean.dupont@medecin.mssante.fr';
const PASSWORD = 'Kiosque#Sante2026';
const JEAN: CardIdentity = {givenName: 'Jean', surname: 'DUPONT', profession: 'Médecin', professionCode: '10', nationalId: '10001234567', idType: 'RPPS'};
const OPTIONS = {email: 'jean.dupont@exemple.fr', otpChannel: 'mail', notify: false, publishMobile: false, listeRouge: false, paperless: false} as const;

const folders: string[] = [];
const services: ActivationService[] = [];
let postgres: PostgresServer | undefined;

afterEach(async () => {
	for (const service of services.splice(0)) await service.close();
	for (const folder of folders.splice(0)) rmSync(folder, {recursive: true, force: true});
});
afterAll(async () => {
	await postgres?.cleanup();
});

/** A clock the tests move forward past the delays. */
function clock() {
	let offset = 0;
	return {now: () => Date.now() + offset, advance: (ms: number) => void (offset += ms)};
}

/** A service listening on loopback, trusting loopback as its proxy; its URL. */
async function start(now: () => number, databaseUrl?: string): Promise<{service: ActivationService; url: string}> {
	const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mssante-throttle-'));
	folders.push(dataDir);
	const service = await createActivationService({
		dataDir,
		databaseUrl,
		trustAnchorsPem: '',
		now,
		takenAddresses: [],
		trustedProxies: ['127.0.0.1'],
		codes: {resendIntervalMs: 0, maxSendsPerHour: 1000},
	});
	services.push(service);
	return {service, url: await service.listen(0, '127.0.0.1')};
}

/** POST /v1/challenges from client 10.0.0.9: its status. */
async function from(url: string): Promise<number> {
	const response = await fetch(`${url}/v1/challenges`, {method: 'POST', headers: {'content-type': 'application/json', 'x-forwarded-for': '10.0.0.9'}, body: '{"purpose":"lookup"}'});
	await response.arrayBuffer();
	return response.status;
}

/** POST /v1/sign-in from `client`: the status, and the seconds to wait when refused for that. */
async function signIn(url: string, client: string, password: string, address = ADDRESS): Promise<{status: number; retryAfter?: number}> {
	const response = await fetch(`${url}/v1/sign-in`, {method: 'POST', headers: {'content-type': 'application/json', 'x-forwarded-for': client}, body: JSON.stringify({address, password})});
	const body = (await response.json()) as {retryAfterSeconds?: number};
	return {status: response.status, retryAfter: body.retryAfterSeconds};
}

describe('password guessing on one instance (SQLite)', () => {
	test('100 wrong passwords from one client: 4 are evaluated (3 free, the 4th starts the delays), the others wait longer and longer; the right one is not accepted at once either', async () => {
		const time = clock();
		const {service, url} = await start(time.now);
		await service.accounts.activate({requestId: 'r1', identity: JEAN, address: ADDRESS, password: PASSWORD, options: OPTIONS});
		const statuses: number[] = [];
		const waits: number[] = [];
		for (let guess = 0; guess < 100; guess++) {
			const answer = await signIn(url, '10.0.0.66', `Mauvais#${guess}xyz`);
			statuses.push(answer.status);
			if (answer.retryAfter !== undefined) waits.push(answer.retryAfter);
		}
		expect(statuses.filter(status => status === 401)).toHaveLength(4);
		expect(statuses.filter(status => status === 429)).toHaveLength(96);
		expect(Math.min(...waits)).toBeGreaterThan(0);
		// The right password while the delay runs: refused the same way, so a guess that would be right is not found.
		expect(await signIn(url, '10.0.0.66', PASSWORD)).toMatchObject({status: 429});
		// Each guess allowed after a delay doubles the next one.
		const delays: number[] = [];
		for (let round = 0; round < 4; round++) {
			const {retryAfter = 0} = await signIn(url, '10.0.0.66', 'Mauvais#encore1');
			time.advance(retryAfter * 1000);
			expect((await signIn(url, '10.0.0.66', 'Mauvais#encore1')).status).toBe(401);
			delays.push(retryAfter);
		}
		for (let index = 1; index < delays.length; index++) expect(delays[index]).toBeGreaterThanOrEqual(2 * (delays[index - 1] as number) - 1);
		// Once the delay is over, the holder signs in (a code is sent).
		time.advance(((await signIn(url, '10.0.0.66', PASSWORD)).retryAfter ?? 0) * 1000);
		expect((await signIn(url, '10.0.0.66', PASSWORD)).status).toBe(200);
	});

	test('the holder on another kiosk is not shut out by a guesser; a guesser spread over many clients slows the address by a minute at most', async () => {
		const time = clock();
		const {service, url} = await start(time.now);
		await service.accounts.activate({requestId: 'r1', identity: JEAN, address: ADDRESS, password: PASSWORD, options: OPTIONS});
		for (let guess = 0; guess < 30; guess++) await signIn(url, '10.0.0.66', `Mauvais#${guess}xyz`);
		expect((await signIn(url, '10.0.0.7', PASSWORD)).status).toBe(200);
		// Fifty clients, one guess each: the address itself is slowed after ten…
		const spread = [];
		for (let client = 0; client < 50; client++) spread.push(await signIn(url, `10.1.0.${client}`, `Mauvais#${client}abc`));
		expect(spread.filter(answer => answer.status === 401).length).toBeLessThanOrEqual(11);
		const waits = spread.flatMap(answer => (answer.retryAfter === undefined ? [] : [answer.retryAfter]));
		expect(waits.length).toBeGreaterThan(0);
		// …by a minute at most: its holder gets in after that, however long the guessing goes on.
		expect(Math.max(...waits)).toBeLessThanOrEqual(60);
		const holder = await signIn(url, '10.0.0.7', PASSWORD);
		time.advance((holder.retryAfter ?? 0) * 1000);
		expect((await signIn(url, '10.0.0.7', PASSWORD)).status).toBe(200);
	});

	test('X-Forwarded-For from a client that is not a trusted proxy is ignored: it cannot pick fresh limits', async () => {
		const time = clock();
		const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mssante-throttle-'));
		folders.push(dataDir);
		const service = await createActivationService({dataDir, trustAnchorsPem: '', now: time.now, takenAddresses: []});
		services.push(service);
		const url = await service.listen(0, '127.0.0.1');
		await service.accounts.activate({requestId: 'r1', identity: JEAN, address: ADDRESS, password: PASSWORD, options: OPTIONS});
		const statuses = [];
		for (let guess = 0; guess < 10; guess++) statuses.push((await signIn(url, `10.2.0.${guess}`, `Mauvais#${guess}xyz`)).status);
		expect(statuses.filter(status => status === 429).length).toBeGreaterThan(0);
	});

	test('a flood of wrong sign-ins (40 clients at once, each its own address) does not starve an activation', async () => {
		const {service, url} = await start(Date.now);
		const activate = async (index: number) => {
			const started = performance.now();
			await service.accounts.activate({
				requestId: `a${index}`,
				identity: {...JEAN, nationalId: `1000123450${index}`},
				address: index ? `jean.dupont${index + 1}@medecin.mssante.fr` : ADDRESS,
				password: PASSWORD,
				options: OPTIONS,
			});
			return performance.now() - started;
		};
		const quiet = await activate(0);
		let flooding = true;
		const flood = Array.from({length: 40}, async (_unused, client) => {
			for (let guess = 0; flooding; guess++) await signIn(url, `10.3.${client}.${guess % 250}`, 'Mauvais#123abc', `inconnu${client}.${guess}@medecin.mssante.fr`);
		});
		await new Promise(resolve => setTimeout(resolve, 500));
		const underFlood: number[] = [];
		for (let index = 1; index <= 3; index++) underFlood.push(await activate(index));
		flooding = false;
		await Promise.all(flood);
		console.log(`activation alone ${quiet.toFixed(0)} ms; under a flood of 40 wrong sign-ins: ${underFlood.map(ms => ms.toFixed(0)).join(', ')} ms`);
		// The kiosk gives up after 10 s; before the hashing lane, the flood pushed it past that.
		for (const ms of underFlood) expect(ms).toBeLessThan(Math.max(3_000, 4 * quiet));
	}, 60_000);
});

describe('two instances on one PostgreSQL share the limits', () => {
	beforeAll(async () => {
		postgres = await startPostgres();
	}, 60_000);

	test('guesses alternating between the instances are counted once: 4 evaluated in all, not 4 each', async () => {
		const time = clock();
		const databaseUrl = await (postgres as PostgresServer).createDatabase(`throttle_${process.pid}`);
		const a = await start(time.now, databaseUrl);
		const b = await start(time.now, databaseUrl);
		await a.service.accounts.activate({requestId: 'r1', identity: JEAN, address: ADDRESS, password: PASSWORD, options: OPTIONS});
		const statuses = [];
		for (let guess = 0; guess < 20; guess++) statuses.push((await signIn(guess % 2 ? a.url : b.url, '10.0.0.66', `Mauvais#${guess}xyz`)).status);
		expect(statuses.filter(status => status === 401)).toHaveLength(4);
		// Forty at once, on both: the database counts each one.
		time.advance(60 * 60_000 + 1);
		const burst = await Promise.all(Array.from({length: 40}, (_unused, guess) => signIn(guess % 2 ? a.url : b.url, '10.0.0.67', `Mauvais#${guess}xyz`)));
		expect(burst.filter(answer => answer.status === 401)).toHaveLength(4);
	}, 60_000);

	test('requests within a limit, at once on both instances, are all answered: none waits for a time read before another’s', async () => {
		const databaseUrl = await (postgres as PostgresServer).createDatabase(`throttle_burst_${process.pid}`);
		const a = await start(Date.now, databaseUrl);
		const b = await start(Date.now, databaseUrl);
		// 50 challenges at once from one client: under its 60 a minute. Each waits for the others' count
		// in the database; before, one that waited compared the others' "allowed from now" with its own
		// earlier now and was told to wait (429).
		const answers = await Promise.all(Array.from({length: 50}, (_unused, index) => from(index % 2 ? a.url : b.url)));
		expect(answers.filter(status => status !== 200)).toEqual([]);
	}, 60_000);
});
