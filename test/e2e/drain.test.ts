// SIGTERM drains the requests in flight (issue 11, item 7), on the BUILT `serve`:
// - one instance on SQLite: activations in flight when the signal comes (some still hashing,
//   some whose last body byte comes after it) all get their 201 and are stored; an idle kept-alive
//   connection is closed at once; a request arriving on a kept-alive connection during the drain
//   is answered, with `Connection: close` (/v1/ready 503 "en cours d'arrêt", /v1/health 200); a
//   new connection is refused; the process exits 0 soon after the last answer;
// - two instances on one PostgreSQL behind HAProxy: A stopped with SIGTERM in the middle of a burst
//   of activations: every one is answered 201 (A's in flight by A, the rest by B through HAProxy's
//   retries), stored exactly once, and B goes on.
// Requests held in flight are written on raw sockets: `Expect: 100-continue` tells when the
// service has the request in hand (it answers 100 once its handler runs), and a request whose last
// byte is held back cannot finish before the test lets it. Run `npm run build` first.
import {type ChildProcess, spawn} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {connect, type Socket} from 'node:net';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {startHaproxy, type LoadBalancer} from '../harness/haproxy.js';
import {createTestPki, type TestPki} from '../harness/pki.js';
import {startPostgres, type PostgresServer} from '../harness/postgres.js';
import {assertBuilt, BIN, ROOT} from '../helpers/pty.js';
import {call, outboxMails, proof} from '../helpers/service-calls.js';
import {lastCode} from '../helpers/walk.js';

const PASSWORD = 'Kiosque#Sante2026';

let folder: string;
let caFile: string;
let authority: TestPki;
let cardCount = 0;

/** A built `serve` process. */
type Instance = {child: ChildProcess; url: string; port: number; dataDir: string; output: () => string; exit: Promise<{code: number | null; signal: NodeJS.Signals | null}>};
const instances: Instance[] = [];

/** Starts a built `serve` on `dataDir` (SQLite there, unless `env` names a PostgreSQL); resolves once it listens. */
async function serve(dataDir: string, env: Record<string, string> = {}): Promise<Instance> {
	const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data-dir', dataDir, '--trust-anchors', caFile, '--pool-size', '5', '--client-rate', '10000'], {
		cwd: ROOT,
		stdio: ['ignore', 'pipe', 'pipe'],
		env: {...process.env, MSSANTE_DATABASE_URL: '', ...env},
	});
	let output = '';
	child.stdout?.on('data', chunk => (output += String(chunk)));
	child.stderr?.on('data', chunk => (output += String(chunk)));
	const exit = new Promise<{code: number | null; signal: NodeJS.Signals | null}>(resolve => child.once('exit', (code, signal) => resolve({code, signal})));
	const deadline = Date.now() + 30_000;
	while (!/sur (http:\/\/\S+)\/v1/.test(output)) {
		if (Date.now() > deadline || child.exitCode !== null) throw new Error(`serve on ${dataDir} did not start: ${output}`);
		await sleep(20);
	}
	const url = /sur (http:\/\/\S+)\/v1/.exec(output)?.[1] as string;
	const instance = {child, url, port: Number(new URL(url).port), dataDir, output: () => output, exit};
	instances.push(instance);
	return instance;
}

/** How the process ended and when, or null when it was still running `withinMs` after `since`. */
function exitOf(instance: Instance, since: number, withinMs: number) {
	return Promise.race([instance.exit.then(exit => ({...exit, at: Date.now()})), sleep(Math.max(0, since + withinMs - Date.now())).then(() => null)]);
}

/** One HTTP/1.1 answer as read off the socket. */
type RawResponse = {status: number; headers: Record<string, string>; body: string};

/**
 * An HTTP/1.1 connection written byte by byte: what a kiosk's or HAProxy's kept-alive connection
 * sends, at the moments the test chooses. Answers are read in order (`Content-Length` bodies only,
 * which is all the service sends); `closed` settles when the service closes it.
 */
class RawConnection {
	private buffer = Buffer.alloc(0);
	private readonly answers: RawResponse[] = [];
	private wake: () => void = () => {};
	private ended = false;
	/** Settles when the connection is closed, with the error that closed it if any (ECONNRESET: a reset). */
	readonly closed: Promise<{error?: string; at: number}>;

	private constructor(private readonly socket: Socket) {
		socket.on('data', chunk => {
			this.buffer = Buffer.concat([this.buffer, chunk]);
			this.parse();
		});
		let error: string | undefined;
		socket.on('error', failure => (error = (failure as NodeJS.ErrnoException).code ?? failure.message));
		this.closed = new Promise(resolve =>
			socket.once('close', () => {
				this.ended = true;
				this.wake();
				resolve({error, at: Date.now()});
			}),
		);
	}

	/** Connects to 127.0.0.1:`port`; rejects with the error (ECONNREFUSED) when it cannot. */
	static open(port: number): Promise<RawConnection> {
		return new Promise((resolve, reject) => {
			const socket = connect(port, '127.0.0.1');
			socket.once('connect', () => resolve(new RawConnection(socket)));
			socket.once('error', reject);
		});
	}

	write(text: string): void {
		this.socket.write(text);
	}

	/** The next answer (a 100 Continue included); rejects when the connection closes first. */
	async next(timeoutMs = 15_000): Promise<RawResponse> {
		const deadline = Date.now() + timeoutMs;
		while (this.answers.length === 0) {
			if (this.ended) throw new Error(`connection closed before an answer (${this.buffer.length} bytes left unparsed)`);
			if (Date.now() > deadline) throw new Error(`no answer within ${timeoutMs} ms`);
			await Promise.race([new Promise<void>(resolve => (this.wake = resolve)), sleep(50)]);
		}
		return this.answers.shift() as RawResponse;
	}

	/** True while neither side has closed it. */
	open(): boolean {
		return !this.ended;
	}

	destroy(): void {
		this.socket.destroy();
	}

	private parse(): void {
		for (;;) {
			const end = this.buffer.indexOf('\r\n\r\n');
			if (end < 0) return;
			const [statusLine = '', ...lines] = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
			const headers = Object.fromEntries(lines.map(line => [line.slice(0, line.indexOf(':')).trim().toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
			const status = Number(statusLine.split(' ')[1]);
			const length = status < 200 ? 0 : Number(headers['content-length'] ?? 0);
			if (this.buffer.length < end + 4 + length) return;
			this.answers.push({status, headers, body: this.buffer.subarray(end + 4, end + 4 + length).toString('utf8')});
			this.buffer = this.buffer.subarray(end + 4 + length);
			this.wake();
		}
	}
}

/** A request line and headers as a client sends them (the final empty line included). */
function head(method: string, route: string, extra: Record<string, string> = {}): string {
	return `${method} ${route} HTTP/1.1\r\nHost: 127.0.0.1\r\n${Object.entries(extra)
		.map(([name, value]) => `${name}: ${value}\r\n`)
		.join('')}\r\n`;
}

/** A kept-alive connection: one request already answered on it with `Connection: keep-alive`. */
async function keptAlive(port: number): Promise<RawConnection> {
	const connection = await RawConnection.open(port);
	connection.write(head('GET', '/v1/health'));
	const answer = await connection.next();
	expect(answer.status).toBe(200);
	expect(answer.headers['connection']).toBe('keep-alive');
	return connection;
}

/**
 * An activation in the service's hands: headers sent, its 100 Continue received (its handler is
 * running), then its body, all of it or all but the last byte (`holdLast`: the request cannot finish
 * before `release()`).
 */
async function activationInFlight(connection: RawConnection, body: string, holdLast: boolean) {
	connection.write(head('POST', '/v1/activations', {'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)), Expect: '100-continue'}));
	expect((await connection.next()).status).toBe(100);
	connection.write(holdLast ? body.slice(0, -1) : body);
	return {connection, release: () => (holdLast ? connection.write(body.slice(-1)) : undefined)};
}

/** A card of a practitioner named `surname` JEANNE, issued by the test authority. */
async function card(surname: string): Promise<TestPki> {
	cardCount++;
	return createTestPki({cn: `8200000${String(cardCount).padStart(5, '0')}`, sn: surname, gn: 'JEANNE', title: 'Médecin'}, authority);
}

/** Every mail the instances put in their outboxes. */
function mails(): Array<{content: string}> {
	return outboxMails(instances.map(({dataDir}) => dataDir));
}

function emailOf(holder: TestPki): string {
	return `${holder.identity.cn}@exemple.fr`;
}

function addressOf(holder: TestPki): string {
	return `jeanne.${holder.identity.sn.toLowerCase()}@medecin.mssante.fr`;
}

/** The e-mail channel verified through `base`: code sent, read from the outbox, typed back. */
async function verifiedChannel(base: string, holder: TestPki): Promise<string> {
	const sent = await call(base, 'POST', '/v1/verifications', {proof: await proof(base, holder), channel: 'mail', destination: emailOf(holder)});
	expect(sent.status).toBe(200);
	const code = lastCode(mails().filter(mail => mail.content.includes(`To: ${emailOf(holder)}`)));
	const confirmed = await call(base, 'POST', '/v1/verifications/confirm', {verificationId: sent.json['id'], code});
	expect(confirmed.status).toBe(200);
	return String(sent.json['id']);
}

/** The body of `holder`'s activation, its proof on a challenge of `base`. */
async function activationBody(base: string, holder: TestPki, verificationId: string): Promise<string> {
	return JSON.stringify({
		requestId: crypto.randomUUID(),
		proof: await proof(base, holder),
		verificationId,
		address: addressOf(holder),
		password: PASSWORD,
		options: {email: emailOf(holder), otpChannel: 'mail', notify: false, publishMobile: false, listeRouge: false, paperless: false},
	});
}

/** True once a new connection to `port` is refused (the signal takes a moment to arrive), false if none is within `timeoutMs`. */
async function refusedWithin(port: number, timeoutMs: number): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		try {
			(await RawConnection.open(port)).destroy();
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ECONNREFUSED') return true;
			throw error;
		}
		await sleep(10);
	}
	return false;
}

beforeAll(async () => {
	assertBuilt();
	folder = mkdtempSync(path.join(tmpdir(), 'mssante-drain-'));
	authority = await createTestPki({cn: '820000000000', sn: 'AUTORITE', gn: 'TEST', title: 'Médecin'});
	caFile = path.join(folder, 'ca.pem');
	writeFileSync(caFile, authority.caCertificate.toString('pem'));
});

afterAll(async () => {
	for (const {child} of instances) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
	await Promise.all(instances.map(({exit}) => exit));
	rmSync(folder, {recursive: true, force: true});
});

describe('serve stopped with SIGTERM', () => {
	test('one instance (SQLite): the activations in flight get their 201 and are stored, kept-alive connections are answered then closed, new ones refused, exit 0', async () => {
		const dataDir = path.join(folder, 'single');
		const instance = await serve(dataDir);
		const holders = await Promise.all(['ALPHA', 'BRAVO', 'CHARLIE', 'DELTA', 'ECHO', 'FOXTROT'].map(card));
		const bodies: string[] = [];
		for (const holder of holders) bodies.push(await activationBody(instance.url, holder, await verifiedChannel(instance.url, holder)));

		// In the service's hands when the signal comes: two held back by their last byte on fresh
		// connections, one on a kept-alive connection; three sent whole (hashing their password).
		const [b0, b1, b2, b3, b4, b5] = bodies as [string, string, string, string, string, string];
		const held = [
			await activationInFlight(await RawConnection.open(instance.port), b0, true),
			await activationInFlight(await RawConnection.open(instance.port), b1, true),
			await activationInFlight(await keptAlive(instance.port), b2, true),
		];
		// A kept-alive connection idle at the signal, and two whose next request has begun (its headers not all sent yet).
		const idle = await keptAlive(instance.port);
		const ready = await keptAlive(instance.port);
		const health = await keptAlive(instance.port);
		ready.write('GET /v1/ready HTTP/1.1\r\nHost: 127.0.0.1\r\n');
		health.write('GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n');
		const whole = [
			await activationInFlight(await RawConnection.open(instance.port), b3, false),
			await activationInFlight(await RawConnection.open(instance.port), b4, false),
			await activationInFlight(await keptAlive(instance.port), b5, false),
		];
		const signalled = Date.now();
		instance.child.kill('SIGTERM');

		// New connections are refused (a load balancer then sends the request elsewhere)…
		expect(await refusedWithin(instance.port, 3_000)).toBe(true);
		// …the idle kept-alive connection is closed at once, without a reset, while the others wait.
		const idleClosed = await Promise.race([idle.closed, sleep(2_000).then(() => null)]);
		expect(idleClosed, 'idle kept-alive connection still open 2 s after SIGTERM').not.toBeNull();
		expect(idleClosed?.error).toBeUndefined();
		for (const {connection} of held) expect(connection.open(), 'a connection with a request in progress closed by SIGTERM').toBe(true);
		expect(ready.open() && health.open(), 'a kept-alive connection with a request begun closed by SIGTERM').toBe(true);
		expect(instance.child.exitCode, 'serve exited with requests in progress').toBeNull();

		// The requests arriving on kept-alive connections during the drain are answered, then their connection closed.
		ready.write('\r\n');
		health.write('\r\n');
		const readyAnswer = await ready.next();
		expect(readyAnswer.status).toBe(503);
		expect(readyAnswer.headers['connection']).toBe('close');
		expect(JSON.parse(readyAnswer.body)).toMatchObject({code: 'unavailable'});
		const healthAnswer = await health.next();
		expect(healthAnswer.status).toBe(200);
		expect(healthAnswer.headers['connection']).toBe('close');

		// The held activations finish: each gets its 201, with `Connection: close`, and its connection closed after it.
		for (const {release} of held) release();
		const answers = await Promise.all([...held, ...whole].map(({connection}) => connection.next()));
		const lastAnswer = Date.now();
		expect(answers.map(({status}) => status)).toEqual([201, 201, 201, 201, 201, 201]);
		expect(answers.map(({body}) => (JSON.parse(body) as {address: string}).address)).toEqual(holders.map(addressOf));
		for (const answer of answers.slice(0, held.length)) expect(answer.headers['connection']).toBe('close');
		for (const connection of [ready, health, ...[...held, ...whole].map(({connection}) => connection)]) {
			const closed = await Promise.race([connection.closed, sleep(2_000).then(() => null)]);
			expect(closed, 'a connection stays open after its answer during the drain').not.toBeNull();
			expect(closed?.error).toBeUndefined();
		}

		// The process ends soon after the last answer, with 0.
		const ended = await exitOf(instance, lastAnswer, 3_000);
		expect(ended, `serve still running 3 s after its last answer (SIGTERM ${lastAnswer - signalled} ms before that answer)`).not.toBeNull();
		expect(ended?.code).toBe(0);
		expect(instance.output()).toContain('arrêté');

		// Started again on the same data: every account acknowledged is there (and a card never activated has none).
		const again = await serve(dataDir);
		for (const holder of holders) {
			const lookedUp = await call(again.url, 'POST', '/v1/accounts/lookup', {proof: await proof(again.url, holder)});
			expect(lookedUp.status).toBe(200);
			expect(lookedUp.json['address']).toBe(addressOf(holder));
		}
		const stranger = await card('GOLF');
		expect((await call(again.url, 'POST', '/v1/accounts/lookup', {proof: await proof(again.url, stranger)})).status).toBe(404);
		again.child.kill('SIGTERM');
		expect((await again.exit).code).toBe(0);
	}, 40_000);

	describe('two instances on one PostgreSQL behind HAProxy', () => {
		let postgres: PostgresServer | undefined;
		let balancer: LoadBalancer | undefined;

		afterAll(async () => {
			await balancer?.stop();
			await postgres?.cleanup();
		});

		test('A stopped with SIGTERM in the middle of a burst: every activation answered 201 and stored once, A exits 0, B goes on', async () => {
			postgres = await startPostgres();
			const databaseUrl = await postgres.createDatabase('mssante');
			const env = {MSSANTE_DATABASE_URL: databaseUrl};
			const [a, b] = [await serve(path.join(folder, 'a'), env), await serve(path.join(folder, 'b'), env)];
			balancer = await startHaproxy([a.url, b.url], {path: '/v1/ready', intervalMs: 200, fall: 2});
			const url = balancer.url;
			const holders = await Promise.all(Array.from({length: 16}, (_unused, index) => card(`BURST${String.fromCharCode(65 + index)}`)));
			const channels: string[] = [];
			for (const holder of holders) channels.push(await verifiedChannel(url, holder));
			const first = holders.slice(0, 12);
			const later = holders.slice(12);

			const activate = async (index: number) => {
				try {
					const body = await activationBody(url, holders[index] as TestPki, channels[index] as string);
					const response = await fetch(`${url}/v1/activations`, {method: 'POST', headers: {'content-type': 'application/json'}, body});
					return {status: response.status, json: (await response.json().catch(() => ({}))) as Record<string, unknown>};
				} catch (error) {
					return {status: 0, json: {error: String(error)}};
				}
			};
			const burst = first.map((_holder, index) => activate(index));
			// The first answer: the others are still hashing, on both instances.
			await Promise.race(burst);
			const signalled = Date.now();
			a.child.kill('SIGTERM');
			const results = await Promise.all(burst);
			expect(results.map(({status, json}) => (status === 201 ? 201 : `${status} ${JSON.stringify(json)}`))).toEqual(first.map(() => 201));

			const ended = await exitOf(a, signalled, 15_000);
			expect(ended, 'A still running 15 s after SIGTERM').not.toBeNull();
			expect(ended?.code).toBe(0);

			// A drained: HAProxy's log shows A answering, after the signal, requests it had received before it.
			const requests = readFileSync(balancer.log, 'utf8')
				.split('\n')
				.map(line => /\[(\d+)\/(\w+)\/(\d+):(\d+):(\d+):(\d+)\.(\d+)\] \S+ \S+\/(\S+) -?\d+\/-?\d+\/-?\d+\/-?\d+\/\+?(\d+) (\d+) .*"(\w+) (\S+)/.exec(line))
				.filter(match => match !== null)
				.map(([, day, month, year, hour, minute, second, ms, server, total, status, method, route]) => {
					const received = new Date(`${day} ${month} ${year} ${hour}:${minute}:${second}`).getTime() + Number(ms);
					return {server, received, answered: received + Number(total), status: Number(status), method, route};
				});
			const drained = requests.filter(({server, received, answered, route}) => server === 'instance0' && route === '/v1/activations' && received < signalled && answered > signalled);
			expect(drained.length, 'no activation in flight on A when it got SIGTERM').toBeGreaterThan(0);
			expect(drained.every(({status}) => status === 201)).toBe(true);
			expect(requests.filter(({status}) => status >= 500)).toEqual([]);
			// …and stopped soon after its last answer (not a keep-alive timeout later).
			const lastByA = Math.max(...requests.filter(({server}) => server === 'instance0').map(({answered}) => answered));
			expect((ended?.at ?? 0) - lastByA, `A stopped ${(ended?.at ?? 0) - signalled} ms after SIGTERM`).toBeLessThan(3_000);

			// B goes on alone.
			const after = await Promise.all(later.map((_holder, index) => activate(first.length + index)));
			expect(after.map(({status}) => status)).toEqual(later.map(() => 201));

			const rows = (await postgres.psql('SELECT national_id FROM accounts', 'mssante')).trim().split('\n');
			for (const holder of holders) expect(rows.filter(row => row === holder.identity.cn.slice(1))).toHaveLength(1);
			expect(rows).toHaveLength(holders.length);
			b.child.kill('SIGTERM');
			expect((await b.exit).code).toBe(0);
		}, 60_000);
	});
});
