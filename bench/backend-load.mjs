#!/usr/bin/env node
// Load benchmark of the activation service (`mssante-kiosk serve`): activations and sign-ins
// per second, p50/p99 latency with many concurrent simulated kiosks, and how much of it is
// password hashing (scrypt).
//
//   node bench/backend-load.mjs [--practitioners N] [--concurrency C] [--hashes H]
//                                [--database URL] [--instances I] [--preload A] [--json]
//
// Storage: the SQLite file in the data directory by default; `--database postgres://…` runs the
// instances on that PostgreSQL database (emptied first), `--instances 2` puts HAProxy in front of
// them. `--preload A` loads A accounts with SQL (not through the API) before the measured
// instances start, as a national operator's database holds them (bench/service-scale.ts runs the
// whole comparison on a private PostgreSQL server).
//
// Set-up: a throw-away CA and N card certificates + RSA 2048 keys made with openssl (each
// simulated practitioner has their own identity, key and e-mail: codes to the same binding are
// rate-limited), and a `serve` child on a free loopback port with the outbox as mail channel.
//
// Phase A — activations: C workers ("kiosks") share the N identities, each activated once:
//   challenge + signature → POST /v1/verifications → code read from the outbox → confirm →
//   new challenge + signature → POST /v1/activations.
// Phase B — sign-ins: C workers, each account once:
//   POST /v1/sign-in → code read from the outbox → POST /v1/sign-in/confirm.
// "flow" latency covers the whole sequence, "call" latency the activation / sign-in request
// alone. The service's CPU time (utime + stime of the child, all threads) is read from
// /proc/<pid>/stat around each phase.
//
// Hashing: before the service starts, H scrypt derivations with the service's parameters
// (src/server/accounts/password-hash.ts: N=2^15, r=8, p=1, 32 bytes, maxmem 64 MiB) run in this
// process, one after another and then 4 at a time. An activation hashes once (inside the
// service's one-at-a-time activation queue); a sign-in verifies once (not serialised).
//
// Figures are printed, never asserted: the exit code is 0 unless an operation failed.
import {execFile, spawn} from 'node:child_process';
import {createPrivateKey, randomUUID, scrypt, sign} from 'node:crypto';
import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import {readdir, readFile} from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {setTimeout as sleep} from 'node:timers/promises';
import {promisify} from 'node:util';
import {integerOption, log, makeTempDir, onInterrupt, parseCommandLine, percentile, removeDir, root, tableLines} from './lib.mjs';

const run = promisify(execFile);

const READY_TIMEOUT_MS = 20_000; // serve's "sur http://…/v1" line
const REQUEST_TIMEOUT_MS = 60_000; // one HTTP request
const CODE_TIMEOUT_MS = 30_000; // a code's mail to show up in the outbox
const POLL_MS = 10; // outbox polling interval
const STOP_GRACE_MS = 10_000; // SIGTERM, then SIGKILL after this
const PASSWORD = 'Kiosque#Sante2026';
// The service's scrypt parameters (src/server/accounts/password-hash.ts).
const SCRYPT = {N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024};
const SCRYPT_KEY_LENGTH = 32;
const PARALLEL_HASHES = 4; // libuv's default thread pool size

// ---------------------------------------------------------------- arguments

const usage = `Usage: node bench/backend-load.mjs [options]

  --practitioners N  simulated practitioners: each is activated once, then signs in once
                     (default 100)
  --concurrency C    concurrent simulated kiosks (default 50)
  --hashes H         scrypt derivations timed in this process, sequentially and
                     ${PARALLEL_HASHES} at a time (default 20)
  --database URL     PostgreSQL database to run on (emptied first); default: SQLite
  --instances I      serve instances behind HAProxy (needs --database; default 1)
  --preload A        accounts loaded with SQL before the instances start (default 0)
  --json             print the figures as JSON instead of a table
  -h, --help         this text

Needs a build (npm run build) and openssl on the PATH.`;

const args = parseCommandLine(
	{
		practitioners: {type: 'string', default: '100'},
		concurrency: {type: 'string', default: '50'},
		hashes: {type: 'string', default: '20'},
		database: {type: 'string'},
		instances: {type: 'string', default: '1'},
		preload: {type: 'string', default: '0'},
		json: {type: 'boolean', default: false},
		help: {type: 'boolean', short: 'h', default: false},
	},
	usage,
);
const practitioners = integerOption(args.practitioners, '--practitioners', 1);
const concurrency = integerOption(args.concurrency, '--concurrency', 1);
const hashCount = integerOption(args.hashes, '--hashes', 1);
const instanceCount = integerOption(args.instances, '--instances', 1);
const preload = integerOption(args.preload, '--preload', 0);
const databaseUrl = args.database;
if (instanceCount > 1 && !databaseUrl) {
	console.error('--instances above 1 needs --database (SQLite is one process per data directory)');
	process.exit(2);
}
if (practitioners > 99_999) {
	console.error('--practitioners must be ≤ 99999');
	process.exit(2);
}

const cliBundle = path.join(root, 'dist/cli.js');
const kioskBin = path.join(root, 'bin/mssante-kiosk.js');
if (!existsSync(cliBundle)) {
	console.error(`${path.relative(process.cwd(), cliBundle) || cliBundle} is missing: run \`npm run build\` first.`);
	process.exit(1);
}

// ------------------------------------------------------------------ helpers

/** Runs `fn(item, index)` over `items` with at most `limit` running at once; settles every item. */
async function pool(items, limit, fn) {
	let next = 0;
	const worker = async () => {
		while (next < items.length && !interrupted) {
			const index = next++;
			await fn(items[index], index);
		}
	};
	await Promise.all(Array.from({length: Math.min(limit, items.length)}, worker));
}

const ms = value => (value === undefined ? '–' : value >= 100 ? value.toFixed(0) : value.toFixed(1));
const round = (value, digits = 3) => (value === undefined ? null : Number(value.toFixed(digits)));

/** Distribution summary of durations in ms. */
function stats(values) {
	if (values.length === 0) return {count: 0};
	return {count: values.length, p50: percentile(values, 50), p99: percentile(values, 99), mean: values.reduce((a, b) => a + b, 0) / values.length, max: Math.max(...values)};
}

// ------------------------------------------------------------------- the PKI

const OPENSSL_CONFIG = `[req]
distinguished_name = dn
[dn]
[ca_ext]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[card_ext]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

const openssl = argv => run('openssl', argv, {timeout: 60_000, maxBuffer: 1 << 20});

/** The simulated practitioner number `i` (1-based): identity, e-mail, expected address. */
function practitioner(i) {
	const n = String(i).padStart(3, '0');
	return {
		nationalId: `8${String(10_000_000_000 + i).slice(-11)}`, // CN: 8 + 11 digits (RPPS)
		surname: `DUPONT${n}`,
		givenName: 'JEAN',
		email: `jean.dupont${n}@exemple.fr`,
		address: `jean.dupont${n}@medecin.mssante.fr`,
	};
}

/** A CA, then one RSA 2048 card certificate it issued and its key per practitioner. */
async function makePki(dir, count) {
	const config = path.join(dir, 'openssl.cnf');
	writeFileSync(config, OPENSSL_CONFIG);
	const caKey = path.join(dir, 'ca.key.pem');
	const caCert = path.join(dir, 'ca.pem');
	await openssl([
		'req',
		'-x509',
		'-newkey',
		'rsa:2048',
		'-nodes',
		'-keyout',
		caKey,
		'-out',
		caCert,
		'-days',
		'2',
		'-utf8',
		'-subj',
		'/CN=AC BENCH MSSANTE KIOSK/O=mssante-kiosk bench/C=FR',
		'-config',
		config,
		'-extensions',
		'ca_ext',
	]);
	const cards = Array.from({length: count}, (_, index) => practitioner(index + 1));
	await pool(cards, Math.max(1, os.availableParallelism()), async (card, index) => {
		const base = path.join(dir, `card-${index + 1}`);
		const subject = `/CN=${card.nationalId}+SN=${card.surname}+GN=${card.givenName}/title=Médecin/C=FR`;
		await openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${base}.key.pem`, '-out', `${base}.csr`, '-utf8', '-multivalue-rdn', '-subj', subject, '-config', config]);
		await openssl([
			'x509',
			'-req',
			'-in',
			`${base}.csr`,
			'-CA',
			caCert,
			'-CAkey',
			caKey,
			'-set_serial',
			String(1000 + index),
			'-days',
			'2',
			'-extfile',
			config,
			'-extensions',
			'card_ext',
			'-out',
			`${base}.pem`,
		]);
		const pem = readFileSync(`${base}.pem`, 'utf8');
		card.certificate = pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, ''); // base64 of the DER
		card.key = createPrivateKey(readFileSync(`${base}.key.pem`));
	});
	return {caCert, cards};
}

// ----------------------------------------------------------------- the child

/** A port free on loopback right now. */
function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const {port} = server.address();
			server.close(() => resolve(port));
		});
	});
}

/** Starts `serve`, resolves with the child and its base URL once it says where it listens. */
function startService(dataDir, trustAnchors, port) {
	const child = spawn(
		process.execPath,
		[kioskBin, 'serve', '--port', String(port), '--host', '127.0.0.1', '--data-dir', dataDir, '--trust-anchors', trustAnchors, '--pool-size', '20', '--client-rate', '100000'],
		{
			cwd: root,
			stdio: ['ignore', 'pipe', 'pipe'],
			env: {...process.env, MSSANTE_DATABASE_URL: databaseUrl ?? ''},
		},
	);
	const exited = new Promise(resolve => child.once('exit', (code, signal) => resolve({code, signal})));
	let stdout = '';
	let stderr = '';
	child.stderr.setEncoding('utf8').on('data', chunk => (stderr = (stderr + chunk).slice(-4000)));
	const ready = new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`serve did not say where it listens within ${READY_TIMEOUT_MS} ms:\n${stdout}${stderr}`)), READY_TIMEOUT_MS);
		child.stdout.setEncoding('utf8').on('data', chunk => {
			stdout = (stdout + chunk).slice(-4000);
			const found = /sur (http:\/\/\S+)\/v1\b/.exec(stdout);
			if (found) {
				clearTimeout(timer);
				resolve(found[1]);
			}
		});
		exited.then(({code, signal}) => {
			clearTimeout(timer);
			reject(new Error(`serve exited (${signal ?? code}) before listening:\n${stdout}${stderr}`));
		});
	});
	return {child, exited, ready, output: () => stdout + stderr};
}

/**
 * SIGTERM, then SIGKILL after a grace period; resolves with how it exited. Once only: serve
 * stops gracefully on the first SIGTERM and a second one would kill it outright.
 */
function stopService(service) {
	service.stopped ??= (async () => {
		if (service.child.exitCode !== null || service.child.signalCode !== null) return service.exited;
		service.child.kill('SIGTERM');
		const timer = setTimeout(() => service.child.kill('SIGKILL'), STOP_GRACE_MS);
		const result = await service.exited;
		clearTimeout(timer);
		return result;
	})();
	return service.stopped;
}

/** Seconds per clock tick of /proc/<pid>/stat. */
async function clockTick() {
	try {
		const {stdout} = await run('getconf', ['CLK_TCK']);
		const hz = Number(stdout.trim());
		return hz > 0 ? 1 / hz : 0.01;
	} catch {
		return 0.01;
	}
}

/** CPU seconds (user + system, every thread) the process `pid` has used so far. */
function cpuSeconds(pid, tick) {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	// Fields after the command name, which is in parentheses and may hold spaces: state is
	// field 3, utime field 14, stime field 15.
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return (Number(fields[11]) + Number(fields[12])) * tick;
}

// -------------------------------------------------------------- HTTP client

/** POST `body` as JSON; resolves with the parsed answer, throws on a status other than `expected`. */
function post(agent, base, route, body, expected = 200) {
	const payload = JSON.stringify(body);
	return new Promise((resolve, reject) => {
		const request = http.request(`${base}${route}`, {method: 'POST', agent, headers: {'content-type': 'application/json', 'content-length': Buffer.byteLength(payload)}}, response => {
			const chunks = [];
			response.on('data', chunk => chunks.push(chunk));
			response.on('error', reject);
			response.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				let json;
				try {
					json = JSON.parse(text);
				} catch {
					json = undefined;
				}
				if (response.statusCode !== expected) reject(new Error(`POST ${route}: ${response.statusCode} ${json?.code ?? ''} ${json?.message ?? text.slice(0, 200)}`));
				else resolve(json);
			});
		});
		request.setTimeout(REQUEST_TIMEOUT_MS, () => request.destroy(new Error(`POST ${route}: no answer within ${REQUEST_TIMEOUT_MS} ms`)));
		request.on('error', reject);
		request.end(payload);
	});
}

/** A fresh single-use challenge signed by the card's key: the card-possession proof. */
async function cardProof(agent, base, card) {
	const {challengeId, challenge} = await post(agent, base, '/v1/challenges', {});
	const signature = sign('sha256', Buffer.from(challenge, 'base64'), card.key); // RSASSA-PKCS1-v1_5
	return {challengeId, signature: signature.toString('base64'), certificate: card.certificate};
}

// ------------------------------------------------------------------ outbox

/**
 * Reads the codes the service "mails" into its outbox. One poller for every simulated kiosk
 * (each one re-reading the whole folder would load the machine being measured): every 10 ms
 * while someone waits, it lists the folder, reads the `.eml` files it has not seen yet (file
 * names sort by time) and hands each waiter the newest code addressed to its e-mail that no
 * one has taken yet.
 */
class OutboxReader {
	constructor(dirs) {
		this.dirs = dirs;
		this.seen = new Set();
		this.codes = new Map(); // e-mail → [{file, code}] oldest first, not yet taken
		this.waiters = new Set(); // {email, resolve, reject, timer}
		this.timer = undefined;
	}

	/** The newest not-yet-taken code mailed to `email`, waiting for it up to CODE_TIMEOUT_MS. */
	code(email) {
		const found = this.take(email);
		if (found) return Promise.resolve(found);
		return new Promise((resolve, reject) => {
			const waiter = {email, resolve, reject};
			waiter.timer = setTimeout(() => {
				this.waiters.delete(waiter);
				reject(new Error(`no code mailed to ${email} within ${CODE_TIMEOUT_MS} ms`));
			}, CODE_TIMEOUT_MS);
			this.waiters.add(waiter);
			this.schedule();
		});
	}

	take(email) {
		const list = this.codes.get(email);
		const newest = list?.pop();
		if (list) list.length = 0; // older ones are stale: superseded by the newest
		return newest?.code;
	}

	schedule() {
		if (this.timer === undefined && this.waiters.size > 0) this.timer = setTimeout(() => void this.poll(), POLL_MS);
	}

	async poll() {
		try {
			const listed = await Promise.all(this.dirs.map(async dir => (await readdir(dir).catch(() => [])).map(name => path.join(dir, name))));
			const names = listed
				.flat()
				.filter(name => name.endsWith('.eml') && !this.seen.has(name))
				.sort((a, b) => path.basename(a).localeCompare(path.basename(b)));
			const contents = await Promise.all(names.map(name => readFile(name, 'utf8')));
			names.forEach((name, index) => {
				this.seen.add(name);
				const content = contents[index];
				const to = /^To: *(.+?)\r?$/m.exec(content)?.[1]?.trim().toLowerCase();
				const body = content.slice(content.search(/\r?\n\r?\n/));
				const code = /^[ \t]*(\d{6})[ \t]*\r?$/m.exec(body)?.[1];
				if (to && code) {
					if (!this.codes.has(to)) this.codes.set(to, []);
					this.codes.get(to).push({file: name, code});
				}
			});
			for (const waiter of this.waiters) {
				const found = this.take(waiter.email);
				if (found) {
					this.waiters.delete(waiter);
					clearTimeout(waiter.timer);
					waiter.resolve(found);
				}
			}
		} catch (error) {
			for (const waiter of this.waiters) {
				clearTimeout(waiter.timer);
				waiter.reject(error);
			}
			this.waiters.clear();
		} finally {
			this.timer = undefined;
			this.schedule();
		}
	}
}

// --------------------------------------------------------- storage, balancer

// A valid scrypt hash of a password no one knows: the preloaded accounts are only there to be many.
const PRELOADED_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

/** Drops every table of the PostgreSQL database: each run starts from nothing. */
async function emptyPostgres(url) {
	const {default: pg} = await import('pg');
	const client = new pg.Client({connectionString: url});
	await client.connect();
	try {
		await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
	} finally {
		await client.end();
	}
}

/**
 * `count` accounts (addresses `pre<i>.charge@medecin.mssante.fr`, RPPS 2xxxxxxxxxx) written by
 * SQL in one statement, the way an operator's database already holds them.
 */
async function preloadAccounts(count, sqliteDir) {
	const identity = '\'{"givenName":"Jean","surname":"CHARGE\' || i || \'","profession":"Médecin","professionCode":"10","nationalId":"\' || (20000000000 + i) || \'","idType":"RPPS"}\'';
	const options = '\'{"email":"pre\' || i || \'@exemple.fr","otpChannel":"mail","notify":false,"publishMobile":false,"listeRouge":false,"paperless":false}\'';
	const columns = 'address, national_id, identity, options, password_hash, activation_request_id, created_at, updated_at, revision';
	const values = `'pre' || i || '.charge@medecin.mssante.fr', '' || (20000000000 + i), ${identity}, ${options}, '${PRELOADED_HASH}', 'preload-' || i, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', i`;
	if (databaseUrl) {
		const {default: pg} = await import('pg');
		const client = new pg.Client({connectionString: databaseUrl});
		await client.connect();
		try {
			await client.query(`INSERT INTO accounts (${columns}) SELECT ${values} FROM generate_series(1, ${count}) AS i`);
			await client.query(`UPDATE account_revision SET last = ${count}`);
			await client.query('ANALYZE accounts');
		} finally {
			await client.end();
		}
		return;
	}
	const {default: SQLite} = await import('better-sqlite3');
	const database = new SQLite(path.join(sqliteDir, 'service.sqlite'));
	try {
		database.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${count}) INSERT INTO accounts (${columns}) SELECT ${values} FROM n`);
		database.exec(`UPDATE account_revision SET last = ${count}`);
	} finally {
		database.close();
	}
}

/** HAProxy round-robin in front of `urls` (Debian's, as the tests run it); resolves with its URL. */
async function startBalancer(urls) {
	const port = await freePort();
	const config = path.join(dir, 'haproxy.cfg');
	// Checks patient enough for instances whose CPUs are full of password hashing: a readiness answer
	// a few seconds late is a busy instance, not a dead one (with `inter 500ms fall 2` both were taken out).
	const servers = urls.map((url, index) => `  server s${index + 1} ${new URL(url).host} check inter 2s fall 3 rise 1`).join('\n');
	writeFileSync(
		config,
		`global\n  maxconn 2000\ndefaults\n  mode http\n  timeout connect 2s\n  timeout client 60s\n  timeout server 60s\n  retries 2\n  option redispatch\nfrontend kiosks\n  bind 127.0.0.1:${port}\n  default_backend service\nbackend service\n  balance roundrobin\n  option httpchk GET /v1/ready\n  timeout check 5s\n${servers}\n`,
	);
	balancer = spawn('/usr/sbin/haproxy', ['-db', '-f', config], {stdio: 'ignore'});
	const base = `http://127.0.0.1:${port}`;
	for (let attempt = 0; attempt < 100; attempt++) {
		if (
			await fetch(`${base}/v1/health`)
				.then(response => response.ok)
				.catch(() => false)
		)
			return base;
		await new Promise(resolve => setTimeout(resolve, 100));
	}
	throw new Error('HAProxy did not answer');
}

// ------------------------------------------------------------------- phases

/** Runs `flow(card)` for every card with `concurrency` workers; times the phase and the service's CPU. */
async function phase(name, cards, services, tick, flow) {
	const serviceCpu = () => services.reduce((sum, service) => sum + cpuSeconds(service.child.pid, tick), 0);
	const agent = new http.Agent({keepAlive: true, maxSockets: concurrency});
	agents.add(agent);
	const flowMs = [];
	const callMs = [];
	const failures = [];
	const cpuBefore = serviceCpu();
	const ownCpuBefore = process.cpuUsage();
	const started = performance.now();
	await pool(cards, concurrency, async card => {
		const t0 = performance.now();
		try {
			const call = await flow(agent, card);
			flowMs.push(performance.now() - t0);
			callMs.push(call);
		} catch (error) {
			failures.push(`${card.email}: ${error.message}`);
		}
	});
	const wallMs = performance.now() - started;
	const cpu = serviceCpu() - cpuBefore;
	const ownCpu = process.cpuUsage(ownCpuBefore);
	agent.destroy();
	agents.delete(agent);
	if (interrupted) throw new Interrupted();
	const ok = flowMs.length;
	log(`${name}: ${ok}/${cards.length} in ${(wallMs / 1000).toFixed(2)} s${failures.length ? `, ${failures.length} failed — first: ${failures[0]}` : ''}`);
	return {
		name,
		ok,
		failed: failures.length,
		failures: failures.slice(0, 5),
		wallMs,
		opsPerSecond: ok / (wallMs / 1000),
		flow: stats(flowMs),
		call: stats(callMs),
		serviceCpuSeconds: cpu,
		cpuSecondsPerOp: ok ? cpu / ok : undefined,
		kioskCpuSecondsPerOp: ok ? (ownCpu.user + ownCpu.system) / 1e6 / ok : undefined,
	};
}

function activationFlow(base, outbox) {
	return async (agent, card) => {
		const verification = await post(agent, base, '/v1/verifications', {proof: await cardProof(agent, base, card), channel: 'mail', destination: card.email});
		const code = await outbox.code(card.email);
		await post(agent, base, '/v1/verifications/confirm', {verificationId: verification.id, code});
		const body = {
			requestId: randomUUID(),
			proof: await cardProof(agent, base, card),
			verificationId: verification.id,
			address: card.address,
			password: PASSWORD,
			options: {email: card.email, otpChannel: 'mail', notify: false, publishMobile: false, listeRouge: false, paperless: false},
		};
		const t0 = performance.now();
		const account = await post(agent, base, '/v1/activations', body, 201);
		const call = performance.now() - t0;
		if (account.address !== card.address) throw new Error(`activated as ${account.address}, expected ${card.address}`);
		return call;
	};
}

function signInFlow(base, outbox) {
	return async (agent, card) => {
		const t0 = performance.now();
		const signIn = await post(agent, base, '/v1/sign-in', {address: card.address, password: PASSWORD});
		const call = performance.now() - t0;
		const code = await outbox.code(card.email);
		const {session, account} = await post(agent, base, '/v1/sign-in/confirm', {signInId: signIn.id, code});
		if (!session || account?.address !== card.address) throw new Error('sign-in confirmed without a session for the account');
		return call;
	};
}

// ------------------------------------------------------------------ hashing

const derive = salt => new Promise((resolve, reject) => scrypt(PASSWORD.normalize('NFC'), salt, SCRYPT_KEY_LENGTH, SCRYPT, (error, key) => (error ? reject(error) : resolve(key))));

/** `count` derivations `parallel` at a time: per-hash latency, wall time, CPU of this process. */
async function timeHashes(count, parallel) {
	const latencies = [];
	const cpu0 = process.cpuUsage();
	const started = performance.now();
	await pool(
		Array.from({length: count}, (_, i) => Buffer.from(`bench-salt-${i}`.padEnd(16, '.'))),
		parallel,
		async salt => {
			const t0 = performance.now();
			await derive(salt);
			latencies.push(performance.now() - t0);
		},
	);
	const wallMs = performance.now() - started;
	const cpu = process.cpuUsage(cpu0);
	return {count, parallel, latency: stats(latencies), wallMs, msPerHashThroughput: wallMs / count, cpuSecondsPerHash: (cpu.user + cpu.system) / 1e6 / count};
}

// --------------------------------------------------------------------- main

const dir = makeTempDir('mssante-backend-load-');
let services = [];
let balancer;
let stopping;
/** HTTP agents of the phase in progress: destroyed on Ctrl+C, so that serve is not kept busy. */
const agents = new Set();
let interrupted = false;
class Interrupted extends Error {}
const cleanup = async () => {
	stopping ??= (async () => {
		await Promise.all(services.map(service => stopService(service).catch(() => undefined)));
		balancer?.kill('SIGTERM');
		removeDir(dir);
	})();
	return stopping;
};
onInterrupt(() => {
	interrupted = true;
	for (const agent of agents) agent.destroy();
	return cleanup();
});

let exitCode = 0;
try {
	const tick = await clockTick();

	log(`Hashing: ${hashCount} scrypt derivations (N=2^15, r=8, p=1), sequential then ${PARALLEL_HASHES} at a time…`);
	await derive(Buffer.alloc(16)); // warm-up: first allocation of the 32 MiB
	const hashSequential = await timeHashes(hashCount, 1);
	const hashParallel = await timeHashes(hashCount, PARALLEL_HASHES);

	log(`PKI: a CA and ${practitioners} card certificates (RSA 2048) with openssl…`);
	const pkiStarted = performance.now();
	const {caCert, cards} = await makePki(dir, practitioners);
	log(`PKI ready in ${((performance.now() - pkiStarted) / 1000).toFixed(1)} s`);

	const dataDirs = Array.from({length: instanceCount}, (_, index) => path.join(dir, `service-${index + 1}`));
	if (databaseUrl) await emptyPostgres(databaseUrl);
	if (preload > 0) {
		// One start to create the schema, then the accounts loaded with SQL, then the measured start.
		const migrating = startService(dataDirs[0], caCert, await freePort());
		await migrating.ready;
		await stopService(migrating);
		const loadStarted = performance.now();
		await preloadAccounts(preload, dataDirs[0]);
		log(`${preload} accounts loaded with SQL in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`);
	}
	const startStarted = performance.now();
	services = await Promise.all(dataDirs.map(async dataDir => startService(dataDir, caCert, await freePort())));
	const urls = await Promise.all(services.map(service => service.ready));
	const startMs = performance.now() - startStarted;
	log(`serve listening on ${urls.join(', ')} (${(startMs / 1000).toFixed(1)} s to start)`);
	if (preload > 0) {
		// Measured at steady state: each instance has read the stored accounts into its directory
		// (in the background after it listens; at 540,000 that is seconds of CPU the phases would share).
		const loading = performance.now();
		for (const url of urls) while ((await (await fetch(`${url}/v1/directory?q=charge${preload}`)).json()).total !== 1) await sleep(250);
		log(`stored accounts in every instance's directory after ${((performance.now() - loading) / 1000).toFixed(1)} s more`);
	}
	const base = instanceCount > 1 ? await startBalancer(urls) : urls[0];
	const outbox = new OutboxReader(dataDirs.map(dataDir => path.join(dataDir, 'outbox')));

	log(`Phase A: ${practitioners} activations, ${concurrency} concurrent kiosks…`);
	const activations = await phase('activations', cards, services, tick, activationFlow(base, outbox));
	log(`Phase B: ${practitioners} sign-ins, ${concurrency} concurrent kiosks…`);
	const signIns = await phase('sign-ins', cards, services, tick, signInFlow(base, outbox));

	if (interrupted) throw new Interrupted();
	const exits = await Promise.all(services.map(service => stopService(service)));
	const exit = exits[0];
	for (const [index, service] of services.entries()) {
		const stoppedCleanly = exits[index].code === 0 && /arrêté/.test(service.output());
		if (!stoppedCleanly) log(`warning: serve ${index + 1} exited with ${exits[index].signal ?? exits[index].code}`);
	}

	const hashMs = hashSequential.latency.p50;
	// CPU per hash: the lower of the two measurements (a busy machine inflates CPU time, never deflates it).
	const hashCpu = Math.min(hashSequential.cpuSecondsPerHash, hashParallel.cpuSecondsPerHash);
	const share = result => ({
		// One scrypt per operation, against the operation's HTTP call (p50) and its service CPU.
		hashOverCallP50: result.call.p50 ? hashMs / result.call.p50 : undefined,
		hashCpuShare: result.cpuSecondsPerOp ? hashCpu / result.cpuSecondsPerOp : undefined,
		// Wall time the service would spend hashing, one hash after another, over the phase's wall time.
		hashWallShare: (result.ok * hashMs) / result.wallMs,
	});
	const report = {
		machine: {cpus: os.availableParallelism(), model: os.cpus()[0]?.model, node: process.version},
		practitioners,
		concurrency,
		storage: databaseUrl ? 'postgres' : 'sqlite',
		instances: instanceCount,
		preloaded: preload,
		startMs,
		scrypt: {params: {...SCRYPT, keylen: SCRYPT_KEY_LENGTH}, sequential: hashSequential, parallel: hashParallel, msPerHash: hashMs, cpuSecondsPerHash: hashCpu},
		activations: {...activations, ...share(activations)},
		signIns: {...signIns, ...share(signIns)},
		serveExit: exit,
	};
	if (activations.failed || signIns.failed) exitCode = 1;

	if (args.json) {
		console.log(JSON.stringify(report, (_key, value) => (typeof value === 'number' && !Number.isInteger(value) ? round(value, 4) : value), 2));
	} else {
		const pct = x => (x === undefined ? '–' : `${(x * 100).toFixed(0)} %`);
		const row = (r, s) => [
			r.name,
			`${r.ok}${r.failed ? ` (+${r.failed} failed)` : ''}`,
			(r.wallMs / 1000).toFixed(2),
			r.opsPerSecond.toFixed(1),
			ms(r.flow.p50),
			ms(r.flow.p99),
			ms(r.call.p50),
			ms(r.call.p99),
			r.cpuSecondsPerOp === undefined ? '–' : r.cpuSecondsPerOp.toFixed(3),
			ms(hashMs),
			pct(s.hashOverCallP50),
			pct(s.hashCpuShare),
			pct(s.hashWallShare),
			r.kioskCpuSecondsPerOp === undefined ? '–' : r.kioskCpuSecondsPerOp.toFixed(3),
		];
		const lines = [
			`mssante-kiosk serve — ${report.storage}, ${instanceCount} instance(s), ${preload} accounts already stored, ${practitioners} practitioners, ${concurrency} concurrent kiosks, ${report.machine.cpus} CPU (${report.machine.model}), Node ${process.version}`,
			'',
			...tableLines([
				['phase', 'ops', 'wall s', 'ops/s', 'flow p50 ms', 'flow p99 ms', 'call p50 ms', 'call p99 ms', 'CPU s/op', 'hash ms', 'hash/call p50', 'hash/CPU', 'hash×ops/wall', 'kiosks CPU s/op'],
				row(activations, report.activations),
				row(signIns, report.signIns),
			]),
			'',
			...tableLines([
				[`scrypt ×${hashCount} (this process)`, 'p50 ms', 'p99 ms', 'wall ms/hash', 'CPU s/hash'],
				['sequential', ms(hashSequential.latency.p50), ms(hashSequential.latency.p99), ms(hashSequential.msPerHashThroughput), hashSequential.cpuSecondsPerHash.toFixed(3)],
				[`${PARALLEL_HASHES} in parallel`, ms(hashParallel.latency.p50), ms(hashParallel.latency.p99), ms(hashParallel.msPerHashThroughput), hashParallel.cpuSecondsPerHash.toFixed(3)],
			]),
			'',
			'flow: activation = challenge+sign → verification → code from outbox → confirm → challenge+sign → activation;',
			'      sign-in = sign-in → code from outbox → confirm.  call: POST /v1/activations or POST /v1/sign-in alone.',
			'CPU s/op: service CPU (utime+stime, /proc) over the phase ÷ operations.  hash ms: sequential scrypt p50.',
			"hash/call p50: hash ms ÷ call p50 (the call includes waiting in the service's queue).",
			'hash/CPU: scrypt CPU s/hash (the lower of the two below) ÷ service CPU s/op, one hash per operation',
			'  (near or over 100 %: all of it, within the noise of two separate measurements).',
			'hash×ops/wall: ops × hash ms ÷ wall time, the share of the phase that hashes one after another would fill',
			'  (over 100 %: hashes overlapped).  kiosks CPU s/op: this process (the simulated kiosks, on the same CPUs).',
			`Activations and sign-ins hash concurrently on libuv's thread pool (only an activation's allocation and write are`,
			`one at a time): ${(1000 / hashParallel.msPerHashThroughput).toFixed(1)} hashes/s here with ${PARALLEL_HASHES} at a time bounds both.`,
		];
		console.log(lines.join('\n'));
		for (const r of [activations, signIns]) for (const failure of r.failures) console.log(`failed (${r.name}): ${failure}`);
	}
} catch (error) {
	if (interrupted) exitCode = 130;
	else {
		console.error(`backend-load: ${error.stack ?? error.message}`);
		for (const service of services) console.error(service.output());
		exitCode = 1;
	}
} finally {
	await cleanup();
}
process.exit(exitCode);
