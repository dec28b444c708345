// Spam through the service, attacked over HTTP (issue 12 item 11): codes and invitations are mail
// anyone with a valid card can make the service send. Destinations are normalised before the
// limits (8 case variants of one address are one address); verification codes are limited per card
// and per destination per day; invitations are limited per request and per sender per day, and a
// colleague invited is not mailed again for 30 days; an e-mail field holds exactly one address.
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {webcrypto} from 'node:crypto';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, test} from 'vitest';
import type {CardProof} from '../../src/contract/domain/account.js';
import type {CardIdentity} from '../../src/contract/domain/card-identity.js';
import {createActivationService, type ActivationService} from '../../src/server/activation-service.js';
import {RSA_SIGNING, createTestPki, type TestPki} from '../harness/pki.js';
import {startPostgres, type PostgresServer} from '../harness/postgres.js';

const PASSWORD = 'Kiosque#Sante2026';
const SENDER_ADDRESS = 'marie-helene.dupont-lajoie@medecin.mssante.fr';
// The identity of createTestPki()'s card (CN 810001234567).
const SENDER: CardIdentity = {givenName: 'Marie-Hélène', surname: 'DUPONT-LAJOIE', profession: 'Médecin', professionCode: '10', nationalId: '10001234567', idType: 'RPPS'};
const OPTIONS = {email: 'mh.dupont@exemple.fr', otpChannel: 'mail', notify: false, publishMobile: false, listeRouge: false, paperless: false} as const;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let card: TestPki;
beforeAll(async () => {
	card = await createTestPki();
});

let dataDir: string;
let service: ActivationService;
let url: string;
let clock = 0;
beforeEach(async () => {
	dataDir = mkdtempSync(path.join(tmpdir(), 'mssante-spam-'));
	clock = Date.now();
	service = await createActivationService({dataDir, takenAddresses: [], trustAnchorsPem: card.caCertificate.toString('pem'), now: () => clock});
	url = await service.listen(0, '127.0.0.1');
});
afterEach(async () => {
	await service.close();
	rmSync(dataDir, {recursive: true, force: true});
});

async function proof(base = url): Promise<CardProof> {
	const {challengeId, challenge} = (await (await fetch(`${base}/v1/challenges`, {method: 'POST'})).json()) as {challengeId: string; challenge: string};
	const signature = await webcrypto.subtle.sign(RSA_SIGNING, card.privateKey, Buffer.from(challenge, 'base64'));
	return {challengeId, signature: Buffer.from(signature).toString('base64'), certificate: Buffer.from(card.certificateDer).toString('base64')};
}

type Answer = {status: number; body: {code?: string; details?: Record<string, string[]>; retryAfterSeconds?: number; sent?: number}};
async function post(route: string, body: unknown, base = url): Promise<Answer> {
	const response = await fetch(`${base}${route}`, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify(body)});
	return {status: response.status, body: (await response.json()) as Answer['body']};
}

const verify = async (destination: string, channel: 'mail' | 'sms' = 'mail') => post('/v1/verifications', {proof: await proof(), channel, destination});
/** Mail that left the service (the outbox: no SMTP server configured), to `to` if given. */
const mails = (to?: string) => service.accounts.outbox.list().filter(mail => to === undefined || new RegExp(`^To: ${to}\\r?$`, 'im').test(mail.content));

describe('codes', () => {
	test('8 case variants of one address within a minute: one mail, the others wait for the resend interval', async () => {
		const variants = ['victime@exemple.fr', 'Victime@exemple.fr', 'VICTIME@exemple.fr', 'victime@Exemple.fr', 'victime@EXEMPLE.FR', 'ViCtImE@ExEmPlE.Fr', 'vIcTiMe@eXeMpLe.fR', 'VICTIME@EXEMPLE.FR'];
		const answers: Answer[] = [];
		for (const variant of variants) answers.push(await verify(variant));
		expect(answers.map(answer => answer.status)).toEqual([200, 429, 429, 429, 429, 429, 429, 429]);
		expect(answers[1]?.body.retryAfterSeconds).toBeGreaterThan(0);
		expect(service.accounts.outbox.list()).toHaveLength(1);
		// Asking too soon used up none of the day's quotas: the destination still gets its 4 more codes, a minute apart.
		const later: number[] = [];
		for (let index = 0; index < 4; index++) {
			clock += 61_000;
			later.push((await verify(variants[index] ?? '')).status);
		}
		expect(later).toEqual([200, 200, 200, 200]);
	});

	test('a card, even without an account, gets at most 10 verification codes a day, whatever the destinations', async () => {
		const statuses: number[] = [];
		for (let index = 0; index < 15; index++) statuses.push((await verify(`cible${index}@exemple.fr`)).status);
		expect(statuses.filter(status => status === 200)).toHaveLength(10);
		expect(statuses.slice(10)).toEqual([429, 429, 429, 429, 429]);
		expect(service.accounts.outbox.list()).toHaveLength(10);
		const refused = await verify('encore@exemple.fr');
		expect(refused.body.retryAfterSeconds).toBeGreaterThan(HOUR / 1000);
		// The next day, the card may again.
		clock += DAY + 1_000;
		expect((await verify('encore@exemple.fr')).status).toBe(200);
	});

	test('one destination gets at most 5 verification codes a day, in whatever case it is written; its holder still signs in', async () => {
		const statuses: number[] = [];
		for (let index = 0; index < 5; index++) {
			statuses.push((await verify(index % 2 ? 'Victime@Exemple.fr' : 'victime@exemple.fr')).status);
			clock += 61_000;
		}
		// Past the hourly limit of the code's binding: only the daily quota of the destination remains.
		clock += HOUR;
		statuses.push((await verify('VICTIME@exemple.fr')).status);
		expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
		expect(mails('victime@exemple.fr')).toHaveLength(5);
		// The spam does not stop the holder of that address from signing in to their account.
		await service.accounts.activate({requestId: crypto.randomUUID(), identity: SENDER, address: SENDER_ADDRESS, password: PASSWORD, options: {...OPTIONS, email: 'victime@exemple.fr'}});
		expect((await post('/v1/sign-in', {address: SENDER_ADDRESS, password: PASSWORD})).status).toBe(200);
	});

	test('an e-mail field holds exactly one address: `a,b@x` is refused, no code goes to b@x', async () => {
		for (const destination of ['a,b@exemple.fr', 'a@exemple.fr,b@exemple.fr', 'a;b@exemple.fr', 'a b@exemple.fr', '"a,b"@exemple.fr', 'a<b@exemple.fr>']) {
			const answer = await verify(destination);
			expect(answer.status, destination).toBe(400);
			expect(answer.body.details?.destination, destination).toBeDefined();
		}
		expect((await verify('a,b@exemple.fr')).body.details).toEqual({destination: ['email-several']});
		expect(service.accounts.outbox.list()).toEqual([]);
	});
});

describe('invitations', () => {
	beforeEach(async () => {
		await service.accounts.activate({requestId: crypto.randomUUID(), identity: SENDER, address: SENDER_ADDRESS, password: PASSWORD, options: OPTIONS});
	});

	const colleagues = (request: number, count: number) => Array.from({length: count}, (_, index) => `confrere.${request}.${index}@exemple.fr`);
	const invite = async (emails: string[]) => post('/v1/invitations', {proof: await proof(), emails});

	test('15 requests of 20 colleagues at once (300 mails before): more than 10 per request is refused, nothing is sent', async () => {
		const proofs = await Promise.all(Array.from({length: 15}, () => proof()));
		const answers = await Promise.all(proofs.map((signed, request) => post('/v1/invitations', {proof: signed, emails: colleagues(request, 20)})));
		expect(answers.map(answer => answer.status)).toEqual(Array(15).fill(400));
		expect(service.accounts.outbox.list()).toHaveLength(0);
	});

	test('15 requests of 10 new colleagues at once: at most 50 invitations a day per sender', async () => {
		const proofs = await Promise.all(Array.from({length: 15}, () => proof()));
		const started = performance.now();
		const answers = await Promise.all(proofs.map((signed, request) => post('/v1/invitations', {proof: signed, emails: colleagues(request, 10)})));
		expect(answers.filter(answer => answer.status === 200)).toHaveLength(5);
		const refused = answers.filter(answer => answer.status === 429);
		expect(refused).toHaveLength(10);
		expect(refused[0]?.body).toMatchObject({code: 'rate-limited', details: {emails: ['daily-limit']}});
		expect(refused[0]?.body.retryAfterSeconds).toBeGreaterThan(HOUR / 1000);
		expect(service.accounts.outbox.list()).toHaveLength(50);
		expect(performance.now() - started).toBeLessThan(30_000);
		// The next day, 50 more.
		clock += DAY + 1_000;
		expect((await invite(colleagues(100, 10))).status).toBe(200);
	});

	test('the same colleagues invited again (in any case) are not mailed again for 30 days', async () => {
		const same = colleagues(0, 10);
		const proofs = await Promise.all(Array.from({length: 15}, () => proof()));
		const answers = await Promise.all(proofs.map((signed, request) => post('/v1/invitations', {proof: signed, emails: request % 2 ? same.map(email => email.toUpperCase()) : same})));
		expect(answers.map(answer => answer.status)).toEqual(Array(15).fill(200));
		expect(answers.reduce((sum, answer) => sum + (answer.body.sent ?? 0), 0)).toBe(10);
		expect(service.accounts.outbox.list()).toHaveLength(10);
		clock += 29 * DAY;
		expect((await invite(same)).body).toEqual({sent: 0, alreadyInvited: 10});
		clock += 2 * DAY;
		expect((await invite(same)).body.sent).toBe(10);
		expect(service.accounts.outbox.list()).toHaveLength(20);
	});
});

describe('two instances on one PostgreSQL share the quotas', () => {
	let postgres: PostgresServer | undefined;
	const instances: ActivationService[] = [];
	beforeAll(async () => {
		postgres = await startPostgres();
	}, 60_000);
	afterEach(async () => {
		for (const instance of instances.splice(0)) await instance.close();
	});
	afterAll(async () => {
		await postgres?.cleanup();
	});

	/** Two services on one new database, with their URLs. */
	async function pair(name: string): Promise<Array<{service: ActivationService; url: string}>> {
		const databaseUrl = await (postgres as PostgresServer).createDatabase(`${name}_${process.pid}`);
		const started = [];
		for (const _ of [0, 1]) {
			const instance = await createActivationService({
				dataDir: mkdtempSync(path.join(dataDir, 'instance-')),
				databaseUrl,
				takenAddresses: [],
				trustAnchorsPem: card.caCertificate.toString('pem'),
				now: () => clock,
			});
			instances.push(instance);
			started.push({service: instance, url: await instance.listen(0, '127.0.0.1')});
		}
		return started;
	}
	const sent = (both: Array<{service: ActivationService}>) => both.reduce((sum, {service}) => sum + service.accounts.outbox.list().length, 0);

	test('15 invitation requests of 10 new colleagues spread over both: 50 mails in all', async () => {
		const both = await pair('invitations');
		await both[0]?.service.accounts.activate({requestId: crypto.randomUUID(), identity: SENDER, address: SENDER_ADDRESS, password: PASSWORD, options: OPTIONS});
		const bases = Array.from({length: 15}, (_, request) => both[request % 2]?.url ?? '');
		const proofs = await Promise.all(bases.map(base => proof(base)));
		const answers = await Promise.all(
			proofs.map((signed, request) => post('/v1/invitations', {proof: signed, emails: Array.from({length: 10}, (_, index) => `pg.${request}.${index}@exemple.fr`)}, bases[request])),
		);
		expect(answers.filter(answer => answer.status === 200)).toHaveLength(5);
		expect(answers.filter(answer => answer.status === 429)).toHaveLength(10);
		expect(sent(both)).toBe(50);
	}, 60_000);

	test('a card spraying verification codes over both: 10 in all', async () => {
		const both = await pair('codes');
		const statuses = [];
		for (let index = 0; index < 14; index++) {
			const base = both[index % 2]?.url;
			statuses.push((await post('/v1/verifications', {proof: await proof(base), channel: 'mail', destination: `pg${index}@exemple.fr`}, base)).status);
		}
		expect(statuses.filter(status => status === 200)).toHaveLength(10);
		expect(sent(both)).toBe(10);
	}, 60_000);
});
