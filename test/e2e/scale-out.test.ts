// The activation service scaled out: two BUILT `serve` instances on one real PostgreSQL server,
// behind a real HAProxy on loopback (test/harness/). A code sent by one instance is confirmed on
// the other, a sign-in spans both, homonyms activated at once on both get distinct addresses, an
// instance killed mid-burst loses no acknowledged activation, and PostgreSQL restarted gives 503s
// and then service again without a restart. Run `npm run build` first.
import {type ChildProcess, spawn} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {startHaproxy, type LoadBalancer} from '../harness/haproxy.js';
import {createTestPki, type TestPki} from '../harness/pki.js';
import {startPostgres, type PostgresServer} from '../harness/postgres.js';
import {assertBuilt, BIN, ROOT} from '../helpers/pty.js';
import {call, outboxMails, proof} from '../helpers/service-calls.js';
import {lastCode} from '../helpers/walk.js';

const PASSWORD = 'Kiosque#Sante2026';

let postgres: PostgresServer;
let databaseUrl: string;
let folder: string;
let caFile: string;
let authority: TestPki;
let cardCount = 0;

type Instance = {child: ChildProcess; url: string; dataDir: string};
const instances: Instance[] = [];
let balancer: LoadBalancer | undefined;

/** Starts a built `serve` on the shared database; resolves once it listens. */
async function serve(name: string): Promise<Instance> {
	const dataDir = path.join(folder, name);
	const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data-dir', dataDir, '--trust-anchors', caFile, '--pool-size', '5', '--client-rate', '10000'], {
		cwd: ROOT,
		stdio: ['ignore', 'pipe', 'pipe'],
		// The URL from the environment, as an operator keeps its password out of `ps`.
		env: {...process.env, MSSANTE_DATABASE_URL: databaseUrl},
	});
	let output = '';
	child.stdout?.on('data', chunk => (output += String(chunk)));
	child.stderr?.on('data', chunk => (output += String(chunk)));
	const deadline = Date.now() + 30_000;
	while (!/sur (http:\/\/\S+)\/v1/.test(output)) {
		if (Date.now() > deadline || child.exitCode !== null) throw new Error(`serve ${name} did not start: ${output}`);
		await new Promise(resolve => setTimeout(resolve, 20));
	}
	const instance = {child, url: /sur (http:\/\/\S+)\/v1/.exec(output)?.[1] as string, dataDir};
	instances.push(instance);
	return instance;
}

function exited(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
	return new Promise(resolve => child.once('exit', () => resolve()));
}

/** Every mail either instance put in its outbox. */
function mails(): Array<{content: string}> {
	return outboxMails(instances.map(({dataDir}) => dataDir));
}

/** A card of a practitioner named MARTIN Jeanne (homonyms by default), issued by the test authority. */
async function card(surname = 'MARTIN'): Promise<TestPki> {
	cardCount++;
	return createTestPki({cn: `8100000${String(cardCount).padStart(5, '0')}`, sn: surname, gn: 'JEANNE', title: 'Médecin'}, authority);
}

/** The e-mail channel verified: code sent through `send`, typed back through `confirm`. */
async function verifiedChannel(send: string, confirm: string, holder: TestPki, email: string): Promise<string> {
	const sent = await call(send, 'POST', '/v1/verifications', {proof: await proof(send, holder), channel: 'mail', destination: email});
	expect(sent.status).toBe(200);
	const code = lastCode(mails().filter(mail => mail.content.includes(`To: ${email}`)));
	const confirmed = await call(confirm, 'POST', '/v1/verifications/confirm', {verificationId: sent.json['id'], code});
	expect(confirmed.status).toBe(200);
	return String(sent.json['id']);
}

function options(email: string) {
	return {email, otpChannel: 'mail', notify: false, publishMobile: false, listeRouge: false, paperless: false};
}

async function activate(base: string, holder: TestPki, verificationId: string, address: string, requestId = crypto.randomUUID()) {
	return call(base, 'POST', '/v1/activations', {requestId, proof: await proof(base, holder), verificationId, address, password: PASSWORD, options: options(`${holder.identity.cn}@exemple.fr`)});
}

/** The RPPS number the card's certificate carries (its CN is 8 followed by it). */
function nationalIdOf(holder: TestPki): string {
	return holder.identity.cn.slice(1);
}

async function accountsInDatabase(): Promise<Array<{address: string; nationalId: string}>> {
	const rows = await postgres.psql('SELECT address, national_id FROM accounts ORDER BY address', new URL(databaseUrl).pathname.slice(1));
	return rows
		.trim()
		.split('\n')
		.filter(Boolean)
		.map(line => {
			const [address = '', nationalId = ''] = line.split('\t');
			return {address, nationalId};
		});
}

beforeAll(async () => {
	assertBuilt();
	folder = mkdtempSync(path.join(tmpdir(), 'mssante-scale-'));
	postgres = await startPostgres();
	databaseUrl = await postgres.createDatabase('mssante');
	authority = await createTestPki({cn: '810000000000', sn: 'AUTORITE', gn: 'TEST', title: 'Médecin'});
	caFile = path.join(folder, 'ca.pem');
	writeFileSync(caFile, authority.caCertificate.toString('pem'));
	const [a, b] = [await serve('a'), await serve('b')];
	balancer = await startHaproxy([a.url, b.url], {path: '/v1/ready', intervalMs: 200, fall: 2});
}, 120_000);

afterAll(async () => {
	for (const {child} of instances) child.kill('SIGTERM');
	await Promise.all(instances.map(({child}) => exited(child)));
	await balancer?.stop();
	await postgres?.cleanup();
	rmSync(folder, {recursive: true, force: true});
});

describe('two serve instances on one PostgreSQL, behind HAProxy', () => {
	test('a code sent by A is confirmed on B, the activation made on A; a sign-in started on B is confirmed on A and its session works on B', async () => {
		const [a, b] = instances as [Instance, Instance];
		const holder = await card('DURAND');
		const email = `${holder.identity.cn}@exemple.fr`;
		const verificationId = await verifiedChannel(a.url, b.url, holder, email);
		const activated = await activate(a.url, holder, verificationId, 'jeanne.durand@medecin.mssante.fr');
		expect(activated.status).toBe(201);
		// The same request replayed on B is the same account.
		const lookedUp = await call(b.url, 'POST', '/v1/accounts/lookup', {proof: await proof(b.url, holder)});
		expect(lookedUp.json['address']).toBe('jeanne.durand@medecin.mssante.fr');

		const signIn = await call(b.url, 'POST', '/v1/sign-in', {address: 'jeanne.durand@medecin.mssante.fr', password: PASSWORD});
		expect(signIn.status).toBe(200);
		const code = lastCode(mails().filter(mail => mail.content.includes(`To: ${email}`)));
		const confirmed = await call(a.url, 'POST', '/v1/sign-in/confirm', {signInId: signIn.json['id'], code});
		expect(confirmed.status).toBe(200);
		const session = String(confirmed.json['session']);
		const updated = await call(b.url, 'PUT', '/v1/accounts/jeanne.durand%40medecin.mssante.fr', {session, options: {...options(email), paperless: true}}, session);
		expect(updated.status).toBe(200);
		expect((updated.json['options'] as {paperless: boolean}).paperless).toBe(true);
		// The directory of either instance shows the account (B follows A's writes).
		await expect.poll(async () => ((await call(b.url, 'GET', '/v1/directory?q=durand')).json['total'] as number) ?? 0, {timeout: 5_000}).toBe(1);
	}, 60_000);

	test('homonyms activated at once through the load balancer: one address each, the smallest free suffixes', async () => {
		const url = (balancer as LoadBalancer).url;
		const holders = await Promise.all(Array.from({length: 6}, () => card('LEROUX')));
		const channels: string[] = [];
		for (const holder of holders) channels.push(await verifiedChannel(url, url, holder, `${holder.identity.cn}@exemple.fr`));
		const requestIds = holders.map(() => crypto.randomUUID());
		let pending = holders.map((holder, index) => ({holder, index, address: 'jeanne.leroux@medecin.mssante.fr'}));
		for (let round = 0; round < 8 && pending.length > 0; round++) {
			const results = await Promise.all(pending.map(({holder, index, address}) => activate(url, holder, channels[index] as string, address, requestIds[index])));
			pending = pending.flatMap((entry, position) => {
				const result = results[position];
				if (result?.status === 201) return [];
				expect(result?.json['code']).toBe('address-taken');
				const suggested = (result?.json['details'] as {address?: string[]} | undefined)?.address?.[0];
				return [{...entry, address: suggested ?? ''}];
			});
		}
		expect(pending).toEqual([]);
		const leroux = (await accountsInDatabase()).filter(({address}) => address.startsWith('jeanne.leroux'));
		expect(leroux.map(({address}) => address).sort()).toEqual(['jeanne.leroux@medecin.mssante.fr', ...[2, 3, 4, 5, 6].map(n => `jeanne.leroux${n}@medecin.mssante.fr`)].sort());
	}, 120_000);

	test('instance A killed (SIGKILL) in the middle of a burst: every acknowledged activation is there exactly once, B goes on', async () => {
		const url = (balancer as LoadBalancer).url;
		const [a] = instances as [Instance];
		const holders = await Promise.all(Array.from({length: 10}, (_unused, index) => card(`BERNARD${String.fromCharCode(65 + index)}`)));
		const channels: string[] = [];
		for (const holder of holders) channels.push(await verifiedChannel(url, url, holder, `${holder.identity.cn}@exemple.fr`));
		const burst = holders.map((holder, index) =>
			activate(url, holder, channels[index] as string, `jeanne.${holder.identity.sn.toLowerCase()}@medecin.mssante.fr`).catch(() => ({status: 0, json: {}})),
		);
		await Promise.race(burst);
		a.child.kill('SIGKILL');
		const results = await Promise.all(burst);
		const acknowledged = holders.filter((_holder, index) => results[index]?.status === 201).map(nationalIdOf);
		const stored = await accountsInDatabase();
		for (const nationalId of acknowledged) expect(stored.filter(row => row.nationalId === nationalId)).toHaveLength(1);
		// B answers everything now, the load balancer having seen A gone: those not acknowledged activate once.
		for (const [index, holder] of holders.entries()) {
			if (results[index]?.status === 201) continue;
			let outcome = await activate(url, holder, channels[index] as string, `jeanne.${holder.identity.sn.toLowerCase()}@medecin.mssante.fr`);
			for (let attempt = 0; outcome.status !== 201 && outcome.status !== 409 && attempt < 10; attempt++) {
				await new Promise(resolve => setTimeout(resolve, 300));
				outcome = await activate(url, holder, channels[index] as string, `jeanne.${holder.identity.sn.toLowerCase()}@medecin.mssante.fr`);
			}
			// 409 already-activated: A had stored it before dying, without acknowledging it.
			expect([201, 409]).toContain(outcome.status);
		}
		const after = await accountsInDatabase();
		for (const holder of holders) expect(after.filter(row => row.nationalId === nationalIdOf(holder))).toHaveLength(1);
		expect(acknowledged.length).toBeGreaterThan(0);
	}, 120_000);

	test('PostgreSQL restarted: 503 "base de données injoignable" meanwhile, then service again without restarting the instances', async () => {
		const [, b] = instances as [Instance, Instance];
		expect((await call(b.url, 'GET', '/v1/ready')).status).toBe(200);
		await postgres.stop('fast');
		const ready = await call(b.url, 'GET', '/v1/ready');
		expect(ready.status).toBe(503);
		const challenge = await call(b.url, 'POST', '/v1/challenges', {});
		expect(challenge.status).toBe(503);
		expect(String(challenge.json['message'])).toMatch(/Base de données injoignable/);
		expect((await call(b.url, 'GET', '/v1/health')).status).toBe(200);
		await postgres.start();
		await expect.poll(async () => (await call(b.url, 'GET', '/v1/ready')).status, {timeout: 15_000, interval: 200}).toBe(200);
		const holder = await card('PETIT');
		const verificationId = await verifiedChannel(b.url, b.url, holder, `${holder.identity.cn}@exemple.fr`);
		expect((await activate(b.url, holder, verificationId, 'jeanne.petit@medecin.mssante.fr')).status).toBe(201);
	}, 120_000);
});
