// Unbounded work against the real service over HTTP (issue 12 item 12): challenges asked without
// end, searches that read every mailbox repeated by many clients, and slow bodies holding
// connections. Clients are told apart by their source address on loopback (127.0.0.x) or, behind
// the trusted proxy, by X-Forwarded-For.
import {mkdtempSync, rmSync} from 'node:fs';
import {get} from 'node:http';
import {connect, type Socket} from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import type {DirectoryPage} from '../../src/contract/domain/directory.js';
import {createActivationService, type ActivationServiceOptions} from '../../src/server/activation-service.js';
import {writeExtraction} from '../../src/server/directory/generator.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(options: Partial<ActivationServiceOptions> = {}): Promise<{url: string; port: number; count(table: 'challenges'): Promise<number>}> {
	const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mssante-unbounded-'));
	const service = await createActivationService({dataDir, takenAddresses: [], trustAnchorsPem: '', ...options});
	cleanups.push(() => rmSync(dataDir, {recursive: true, force: true}));
	cleanups.push(() => service.close());
	const url = await service.listen(0, '0.0.0.0');
	const port = Number(new URL(url).port);
	return {
		url: `http://127.0.0.1:${port}`,
		port,
		count: async table =>
			Number(
				(
					await service.accounts.db
						.selectFrom(table)
						.select(eb => eb.fn.countAll().as('n'))
						.executeTakeFirstOrThrow()
				).n,
			),
	};
}

/** A request from `client` (via X-Forwarded-For: the service trusts loopback as its proxy). */
async function from(client: string, url: string, init: RequestInit = {}): Promise<Response> {
	return fetch(url, {...init, headers: {...(init.headers as Record<string, string>), 'x-forwarded-for': client}});
}

describe('unauthenticated requests are limited per client', () => {
	test('challenges: one client asking 100 gets 60, then waits the minute out; the challenges stored stay bounded; another client is served', async () => {
		const service = await start({trustedProxies: ['127.0.0.1']});
		const statuses: number[] = [];
		let retryAfter = 0;
		for (let ask = 0; ask < 100; ask++) {
			const response = await from('10.0.0.66', `${service.url}/v1/challenges`, {method: 'POST'});
			statuses.push(response.status);
			if (response.status === 429) retryAfter = Number(response.headers.get('retry-after'));
		}
		expect(statuses.filter(status => status === 200 || status === 201).length).toBeLessThanOrEqual(61);
		expect(statuses.filter(status => status === 429).length).toBeGreaterThanOrEqual(39);
		expect(retryAfter).toBeGreaterThan(0);
		expect(retryAfter).toBeLessThanOrEqual(60);
		expect(await service.count('challenges')).toBeLessThanOrEqual(61);
		expect((await from('10.0.0.7', `${service.url}/v1/challenges`, {method: 'POST'})).ok).toBe(true);
	});

	test('searches that read every mailbox (q=@…, 60 clients at once, again and again) leave an ordinary search fast; the excess is told to narrow it', async () => {
		const folder = mkdtempSync(path.join(os.tmpdir(), 'mssante-unbounded-directory-'));
		cleanups.push(() => rmSync(folder, {recursive: true, force: true}));
		const file = path.join(folder, 'extraction.txt');
		await writeExtraction(file, {rows: 150_000, seed: 12});
		const service = await start({trustedProxies: ['127.0.0.1'], directory: {kind: 'file', path: file}});
		for (let state = ''; state !== 'ready'; ) {
			state = ((await (await fetch(`${service.url}/v1/directory/status`)).json()) as DirectoryPage['state']).phase;
			await new Promise(resolve => setTimeout(resolve, 100));
		}
		const search = async (client: string, query: string) => {
			const started = performance.now();
			const response = await from(client, `${service.url}/v1/directory?${query}`);
			await response.arrayBuffer();
			return {ms: performance.now() - started, status: response.status};
		};
		const alone = await search('10.0.0.7', 'q=@&offset=9900');
		let flooding = true;
		const refused: number[] = [];
		const flood = Array.from({length: 60}, async (_unused, client) => {
			while (flooding) {
				const {status} = await search(`10.4.0.${client}`, 'q=@&offset=9900');
				if (status === 429) refused.push(status);
			}
		});
		await new Promise(resolve => setTimeout(resolve, 300));
		const ordinary: number[] = [];
		for (let ask = 0; ask < 5; ask++) ordinary.push((await search('10.0.0.8', 'q=dupont')).ms);
		flooding = false;
		await Promise.all(flood);
		console.log(`a search reading every mailbox alone: ${alone.ms.toFixed(0)} ms; an ordinary one under 60 clients repeating it: ${ordinary.map(ms => ms.toFixed(0)).join(', ')} ms`);
		expect(refused.length).toBeGreaterThan(0);
		// Before the lane, 60 such clients made an ordinary search wait 18–25 s at national size.
		expect(ordinary.sort((a, b) => a - b)[2]).toBeLessThan(Math.max(1_000, 4 * alone.ms));
	}, 90_000);
});

/** GET /v1/health from the loopback address `local`: its status. */
function healthFrom(port: number, local: string): Promise<number> {
	return new Promise((resolve, reject) => {
		const request = get({host: '127.0.0.1', port, path: '/v1/health', localAddress: local, agent: false}, response => {
			response.resume();
			resolve(response.statusCode ?? 0);
		});
		request.on('error', reject);
	});
}

describe('connections', () => {
	/** A connection from `local` that sends a request's headers and then its body one byte every 200 ms. */
	function slowBody(port: number, local: string): {socket: Socket; closed: Promise<void>} {
		const socket = connect({port, host: '127.0.0.1', localAddress: local});
		socket.on('error', () => undefined);
		// Read what the service says (a 408, the end of the connection), so that its close is seen.
		socket.resume();
		socket.write('POST /v1/challenges HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n');
		const trickle = setInterval(() => socket.writable && socket.write(' '), 200);
		const closed = new Promise<void>(resolve => socket.once('close', () => resolve()));
		void closed.then(() => clearInterval(trickle));
		cleanups.push(() => {
			clearInterval(trickle);
			socket.destroy();
		});
		return {socket, closed};
	}

	test('300 slow bodies from one client: at most 64 held at once, each cut after the request time (5 s here, 15 s by default); another client is answered meanwhile', async () => {
		const service = await start({connections: {requestTimeoutMs: 5_000, headersTimeoutMs: 1_000}});
		const started = performance.now();
		const attackers = Array.from({length: 300}, () => slowBody(service.port, '127.0.0.1'));
		let open = attackers.length;
		for (const {closed} of attackers) void closed.then(() => open--);
		// Once every connection is accepted (the service runs in this process, so that takes a moment):
		// at most 64 are held; the request time (5 s) has not run out yet.
		const counts: number[] = [];
		for (let tick = 0; tick < 8; tick++) {
			await new Promise(resolve => setTimeout(resolve, 500));
			counts.push(open);
		}
		console.log(`attacker's connections open, every 500 ms: ${counts.join(', ')}`);
		expect(counts.at(-2)).toBeGreaterThan(0);
		expect(counts.at(-2)).toBeLessThanOrEqual(64);
		// Another client (another loopback address) gets its answer while the attacker holds what it may.
		expect(await healthFrom(service.port, '127.0.0.2')).toBe(200);
		await Promise.all(attackers.map(({closed}) => closed));
		expect(performance.now() - started).toBeLessThan(9_000);
	}, 30_000);
});
