// The activation service under abuse (issue 12): a built `serve` (SQLite) flooded with wrong
// sign-ins by 40 concurrent clients while another client activates accounts and searches the
// directory — the p50/p99 of those, with and without the flood; then the service's memory after
// 100,000 unauthenticated requests of each kind. Run against any build: `--root` points at another
// checkout (a worktree of an older commit) to measure "before".
//
//   npm run build && npx vite-node bench/abuse-load.ts [-- --seconds 60 --requests 100000 --root DIR]
//
// Clients are told apart by X-Forwarded-For (serve runs with --trusted-proxy 127.0.0.1; an older
// build ignores the header, and sees one client). Figures are printed, never asserted.
import {spawn, type ChildProcess} from 'node:child_process';
import {webcrypto} from 'node:crypto';
import {readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {Agent, request} from 'node:http';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {parseArgs} from 'node:util';
import {identityFromCertificate} from '../src/contract/certificate/cps-certificate.js';
import {addressProposals} from '../src/contract/rules/address-rules.js';
import {writeExtraction} from '../src/server/directory/generator.js';
import {RSA_SIGNING, createTestPki, type TestPki} from '../test/harness/pki.js';
import {log, makeTempDir, percentile, removeDir, root, tableLines} from './lib.mjs';

const {values} = parseArgs({
	options: {
		seconds: {type: 'string', default: '60'},
		requests: {type: 'string', default: '100000'},
		root: {type: 'string'},
		cards: {type: 'string', default: '40'},
		kinds: {type: 'string', default: 'challenges,sign-in,directory,availability'},
		/** Only the memory part. */
		'memory-only': {type: 'boolean', default: false},
	},
	allowPositionals: true,
});
const seconds = Number(values.seconds);
const requests = Number(values.requests);
const checkout = path.resolve(values.root ?? root);
const dir = makeTempDir('mssante-abuse-');
const agent = new Agent({keepAlive: true, maxSockets: 256});
const PASSWORD = 'Kiosque#Sante2026';
const OPTIONS = {email: 'bench@exemple.fr', otpChannel: 'mail', notify: false, publishMobile: false, listeRouge: false, paperless: false};

type Answer = {status: number; json: Record<string, unknown>; ms: number};

/** One HTTP call from `client` (X-Forwarded-For); never throws (status 0: no answer). */
function call(base: string, method: string, route: string, body: unknown, client: string): Promise<Answer> {
	const started = performance.now();
	return new Promise(resolve => {
		const text = body === undefined ? '' : JSON.stringify(body);
		const sent = request(`${base}${route}`, {method, agent, headers: {'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-forwarded-for': client}}, response => {
			let data = '';
			response.on('data', chunk => (data += String(chunk)));
			response.on('end', () => {
				let json: Record<string, unknown> = {};
				try {
					json = JSON.parse(data) as Record<string, unknown>;
				} catch {}
				resolve({status: response.statusCode ?? 0, json, ms: performance.now() - started});
			});
		});
		sent.on('error', () => resolve({status: 0, json: {}, ms: performance.now() - started}));
		sent.end(text);
	});
}

/** The resident memory of process `pid`, in MB. */
function rssMb(pid: number): number {
	const line = readFileSync(`/proc/${pid}/status`, 'utf8')
		.split('\n')
		.find(entry => entry.startsWith('VmRSS:'));
	return Number(/\d+/.exec(line ?? '')?.[0] ?? 0) / 1024;
}

async function serve(dataDir: string, caFile: string, directory: string): Promise<{child: ChildProcess; base: string}> {
	const bin = path.join(checkout, 'bin/mssante-kiosk.js');
	// An older build has no --trusted-proxy (and sees every client as one).
	const help = await new Promise<string>(resolve => {
		const asked = spawn(process.execPath, [bin, 'serve', '--help'], {stdio: ['ignore', 'pipe', 'pipe']});
		let text = '';
		asked.stdout?.on('data', chunk => (text += String(chunk)));
		asked.stderr?.on('data', chunk => (text += String(chunk)));
		asked.once('exit', () => resolve(text));
	});
	const proxy = help.includes('--trusted-proxy') ? ['--trusted-proxy', '127.0.0.1'] : [];
	const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--data-dir', dataDir, '--trust-anchors', caFile, '--directory', directory, ...proxy], {
		stdio: ['ignore', 'pipe', 'inherit'],
		env: {...process.env, MSSANTE_DATABASE_URL: ''},
	});
	let output = '';
	child.stdout?.on('data', chunk => (output += String(chunk)));
	while (!/ sur (http:\/\/\S+)\/v1/.test(output)) {
		if (child.exitCode !== null) throw new Error(`serve exited: ${output}`);
		await sleep(20);
	}
	const base = / sur (http:\/\/\S+)\/v1/.exec(output)?.[1] as string;
	// Measured with the national file read.
	while (!JSON.stringify((await call(base, 'GET', '/v1/directory/status', undefined, '10.250.0.1')).json).includes('"ready"')) await sleep(250);
	return {child, base};
}

/** The newest code in the outbox. */
function lastCode(outbox: string): string {
	const newest = readdirSync(outbox)
		.filter(name => name.endsWith('.eml'))
		.sort()
		.at(-1);
	return newest ? (/^ {4}(\d{6})\r?$/m.exec(readFileSync(path.join(outbox, newest), 'utf8'))?.[1] ?? '') : '';
}

async function proof(base: string, card: TestPki, purpose: string, client: string) {
	const {json} = await call(base, 'POST', '/v1/challenges', {purpose}, client);
	const signature = await webcrypto.subtle.sign(RSA_SIGNING, card.privateKey, Buffer.from(String(json['challenge']), 'base64'));
	return {challengeId: json['challengeId'], signature: Buffer.from(signature).toString('base64'), certificate: Buffer.from(card.certificateDer).toString('base64')};
}

/** One practitioner's activation from the legitimate kiosk: the channel's code, then the activation; the activation call's time. */
async function activate(base: string, outbox: string, card: TestPki, kiosk: number): Promise<Answer> {
	// Each practitioner at a kiosk of its own (one kiosk asks 60 challenges a minute at most).
	const client = `10.200.${(kiosk >> 8) & 255}.${kiosk & 255}`;
	const identity = identityFromCertificate(card.certificateDer);
	const email = `${identity.nationalId}@exemple.fr`;
	const sent = await call(base, 'POST', '/v1/verifications', {proof: await proof(base, card, 'verify-channel', client), channel: 'mail', destination: email}, client);
	const code = lastCode(outbox);
	await call(base, 'POST', '/v1/verifications/confirm', {verificationId: sent.json['id'], code}, client);
	const address = addressProposals(identity)[0]?.address ?? '';
	return call(
		base,
		'POST',
		'/v1/activations',
		{requestId: crypto.randomUUID(), proof: await proof(base, card, 'activate', client), verificationId: sent.json['id'], address, password: PASSWORD, options: {...OPTIONS, email}},
		client,
	);
}

type Figures = {activation: number[]; search: number[]; activationsFailed: number; floodAnswers: Record<number, number>};

/** For `seconds`: activations one after another and a search every 200 ms from two clients, with or without the flood. */
async function phase(base: string, outbox: string, cards: TestPki[], flood: 'none' | 'one-address' | 'fresh-clients'): Promise<Figures> {
	const figures: Figures = {activation: [], search: [], activationsFailed: 0, floodAnswers: {}};
	const until = performance.now() + seconds * 1000;
	const floods = Array.from({length: flood === 'none' ? 0 : 40}, async (_unused, client) => {
		for (let guess = 0; performance.now() < until; guess++) {
			// One victim's address from 40 clients, or (a botnet) each guess from a new client on a new address.
			const fresh = flood === 'fresh-clients';
			const answer = await call(
				base,
				'POST',
				'/v1/sign-in',
				{address: fresh ? `inconnu${client}.${guess}@medecin.mssante.fr` : 'victime.dupont@medecin.mssante.fr', password: `Mauvais#${guess}x`},
				fresh ? `10.${client}.${(guess >> 8) & 255}.${guess & 255}` : `10.100.0.${client}`,
			);
			figures.floodAnswers[answer.status] = (figures.floodAnswers[answer.status] ?? 0) + 1;
		}
	});
	const searches = (async () => {
		while (performance.now() < until) {
			figures.search.push((await call(base, 'GET', '/v1/directory?q=dupont', undefined, '10.201.0.1')).ms);
			await sleep(200);
		}
	})();
	const activations = (async () => {
		for (let kiosk = 0; performance.now() < until && cards.length > 0; kiosk++) {
			const answer = await activate(base, outbox, cards.shift() as TestPki, kiosk);
			if (answer.status === 201) figures.activation.push(answer.ms);
			else figures.activationsFailed++;
		}
	})();
	await Promise.all([...floods, searches, activations]);
	return figures;
}

/** `count` requests of one kind, 50 at a time; the service's RSS after them. */
async function memoryAfter(pid: number, name: string, count: number, one: (index: number) => Promise<unknown>): Promise<[string, string, string]> {
	let next = 0;
	const before = rssMb(pid);
	await Promise.all(
		Array.from({length: 50}, async () => {
			while (next < count) await one(next++);
		}),
	);
	return [name, before.toFixed(0), rssMb(pid).toFixed(0)];
}

// The service, stopped whatever happens.
let service: ChildProcess | undefined;
try {
	log(`Checkout measured: ${checkout}`);
	const authority = await createTestPki({cn: '810000000000', sn: 'AUTORITE', gn: 'BENCH', title: 'Médecin'});
	const cards = await Promise.all(
		Array.from({length: Number(values.cards) * 3}, (_unused, index) =>
			createTestPki({cn: `8100000${String(index + 1).padStart(5, '0')}`, sn: `BENCH${index}`, gn: 'JEANNE', title: 'Médecin'}, authority),
		),
	);
	const caFile = path.join(dir, 'ca.pem');
	writeFileSync(caFile, authority.caCertificate.toString('pem'));
	const directory = path.join(dir, 'annuaire.txt');
	await writeExtraction(directory, {rows: 600_000, seed: 7});
	const dataDir = path.join(dir, 'data');
	const {child, base} = await serve(dataDir, caFile, directory);
	service = child;
	const outbox = path.join(dataDir, 'outbox');
	const per = Number(values.cards);
	const rows: string[][] = [];
	for (const [flood, batch] of values['memory-only']
		? []
		: ([
				['none', cards.slice(0, per)],
				['one-address', cards.slice(per, 2 * per)],
				['fresh-clients', cards.slice(2 * per)],
			] as const)) {
		log(`${seconds} s: activations and searches, flood ${flood}…`);
		const figures = await phase(base, outbox, [...batch], flood);
		rows.push([
			flood,
			String(figures.activation.length),
			String(figures.activationsFailed),
			figures.activation.length ? percentile(figures.activation, 50).toFixed(0) : '–',
			figures.activation.length ? percentile(figures.activation, 99).toFixed(0) : '–',
			String(figures.search.length),
			percentile(figures.search, 50).toFixed(0),
			percentile(figures.search, 99).toFixed(0),
			Object.entries(figures.floodAnswers)
				.map(([status, count]) => `${status}×${count}`)
				.join(' '),
		]);
	}
	if (rows.length > 0)
		console.log(`serve at ${checkout}; 40 flooding clients for ${seconds} s; activation = POST /v1/activations alone (ms); search = GET /v1/directory?q=dupont on 600,000 mailboxes (ms)`);
	if (rows.length > 0) for (const line of tableLines([['flood', 'activations', 'failed', 'act p50', 'act p99', 'searches', 'search p50', 'search p99', 'flood answers'], ...rows])) console.log(line);
	log(`Memory: ${requests} requests of each kind…`);
	const memory: string[][] = [];
	const kinds = new Set((values.kinds ?? '').split(','));
	const address = (index: number, second: number) => `10.${second}.${(index >> 8) & 255}.${index & 255}`;
	if (kinds.has('challenges'))
		memory.push(await memoryAfter(child.pid as number, 'POST /v1/challenges', requests, index => call(base, 'POST', '/v1/challenges', {purpose: 'lookup'}, address(index, 60))));
	if (kinds.has('sign-in'))
		memory.push(
			// From 40 clients: a new client each time would hash each one (100,000 take hours here).
			await memoryAfter(child.pid as number, 'POST /v1/sign-in (wrong, 40 clients)', requests, index =>
				call(base, 'POST', '/v1/sign-in', {address: `x${index}@medecin.mssante.fr`, password: 'Mauvais#1x'}, `10.61.0.${index % 40}`),
			),
		);
	if (kinds.has('directory'))
		memory.push(
			await memoryAfter(child.pid as number, 'GET /v1/directory', requests, index =>
				call(base, 'GET', `/v1/directory?q=${['martin', 'dupont', 'bernard', 'petit'][index % 4]}`, undefined, address(index, 62)),
			),
		);
	if (kinds.has('availability'))
		memory.push(
			await memoryAfter(child.pid as number, 'POST /v1/addresses/availability', requests, index =>
				call(base, 'POST', '/v1/addresses/availability', {addresses: [`x${index}@medecin.mssante.fr`]}, address(index, 63)),
			),
		);
	console.log(`service RSS (MB) before and after ${requests} requests of each kind, 50 at a time, each from its own client address (sign-ins: 40 clients)`);
	for (const line of tableLines([['requests', 'RSS before', 'RSS after'], ...memory])) console.log(line);
	child.kill('SIGTERM');
	await new Promise(resolve => child.once('exit', resolve));
} finally {
	service?.kill('SIGTERM');
	agent.destroy();
	removeDir(dir);
}
