// The activation API over real HTTP on loopback: the server the kiosk embeds and `serve` runs.
import {spawn} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import type {CardIdentity} from '../src/hardware/cps-token.js';
import {ROUTES} from '../src/server/api.js';
import {BackendServer} from '../src/server/http-server.js';
import {BackendError} from '../src/services/backend-client.js';
import {EmbeddedBackend} from '../src/services/embedded-backend.js';
import {HttpBackendClient} from '../src/services/http-backend-client.js';

const IDENTITY: CardIdentity = {givenName: 'Jeanne', surname: 'MARTIN', profession: 'Médecin', professionCode: '10', nationalId: '10000000001', idType: 'RPPS'};
const OPTIONS = {email: 'j.martin@exemple.fr', otpChannel: 'mail' as const, notify: false, publishMobile: false, listeRouge: false, paperless: false};
const PASSWORD = 'Kiosque#Sante2026';

let dataDir: string;
let backend: EmbeddedBackend;
let server: BackendServer;
let url: string;
beforeEach(async () => {
	dataDir = mkdtempSync(path.join(tmpdir(), 'mssante-api-'));
	backend = await EmbeddedBackend.open({dataDir, takenAddresses: []});
	server = new BackendServer(backend);
	url = await server.listen(0);
});
afterEach(async () => {
	await server.close();
	await backend.close();
	rmSync(dataDir, {recursive: true, force: true});
});

const post = (route: string, body: unknown) => fetch(`${url}${route}`, {method: 'POST', headers: {'content-type': 'application/json'}, body: typeof body === 'string' ? body : JSON.stringify(body)});
const activation = (identity = IDENTITY, address = 'jeanne.martin@medecin.mssante.fr', requestId = crypto.randomUUID()) => ({requestId, identity, address, password: PASSWORD, options: OPTIONS});

describe('HTTP API', () => {
	test('health', async () => {
		const response = await fetch(`${url}/v1/health`);
		expect(response.status).toBe(200);
		expect(await response.json()).toEqual({status: 'ok'});
	});

	test('the OpenAPI document describes exactly the routes served, with their body schemas', async () => {
		const document = (await (await fetch(`${url}/v1/openapi.json`)).json()) as {openapi: string; paths: Record<string, Record<string, {requestBody?: unknown}>>};
		expect(document.openapi).toBe('3.1.0');
		const documented = Object.entries(document.paths).flatMap(([route, methods]) => Object.keys(methods).map(method => `${method.toUpperCase()} ${route}`));
		expect(documented.sort()).toEqual(ROUTES.map(route => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`).sort());
		expect(document.paths['/v1/activations']?.['post']?.requestBody).toBeDefined();
		// Every documented route answers something other than "no such route".
		for (const route of ROUTES) {
			const response = await fetch(`${url}${route.path.replace(/:\w+/g, 'x')}`, {method: route.method, headers: {'content-type': 'application/json'}, body: route.method === 'GET' ? undefined : '{}'});
			const body = (await response.json()) as {message?: string};
			expect(body.message ?? '', `${route.method} ${route.path}`).not.toMatch(/^Aucune route/);
		}
	});

	test('an unknown route, a bad body, bad JSON: stable error codes as {code, message}', async () => {
		const unknown = await fetch(`${url}/v2/anything`);
		expect(unknown.status).toBe(404);
		expect(await unknown.json()).toMatchObject({code: 'not-found'});
		const invalid = await post('/v1/activations', {requestId: 'nope'});
		expect(invalid.status).toBe(400);
		const problem = (await invalid.json()) as {code: string; details: Record<string, string[]>};
		expect(problem.code).toBe('invalid-request');
		expect(Object.keys(problem.details)).toContain('requestId');
		const garbage = await post('/v1/activations', '{not json');
		expect(await garbage.json()).toMatchObject({code: 'invalid-request', message: 'Corps de requête : JSON invalide'});
		const huge = await post('/v1/invitations', {from: 'a@b.fr', emails: ['x'.repeat(70_000)]});
		expect(huge.status).toBe(400);
	});

	test('the password policy is enforced by the server even when the kiosk is bypassed', async () => {
		const response = await post('/v1/activations', {...activation(), password: 'Azerty123'});
		expect(response.status).toBe(422);
		expect(await response.json()).toMatchObject({code: 'password-policy', details: {password: ['common']}});
		expect(backend.accounts()).toHaveLength(0);
	});

	test('an activation retried with the same requestId creates one account', async () => {
		const request = activation();
		const first = await post('/v1/activations', request);
		const second = await post('/v1/activations', request);
		expect(first.status).toBe(201);
		expect(second.status).toBe(201);
		expect(await second.json()).toMatchObject({address: 'jeanne.martin@medecin.mssante.fr'});
		expect(backend.accounts()).toHaveLength(1);
	});

	test('two concurrent activations of the same name get two distinct addresses', async () => {
		const twin = {...IDENTITY, nationalId: '10000000002'};
		const client = new HttpBackendClient(url);
		const [one, two] = await Promise.allSettled([
			client.activate(activation()),
			client.activate(activation(twin)),
		]);
		// The second one, allocated meanwhile, is told which address is free now.
		const refused = [one, two].find(result => result.status === 'rejected') as PromiseRejectedResult | undefined;
		expect(refused?.reason).toBeInstanceOf(BackendError);
		expect((refused?.reason as BackendError).code).toBe('address-taken');
		const suggestion = (refused?.reason as BackendError).details?.['address']?.[0];
		expect(suggestion).toBe('jeanne.martin2@medecin.mssante.fr');
		await client.activate(activation(one.status === 'rejected' ? IDENTITY : twin, suggestion));
		expect(backend.accounts().map(account => account.address).sort()).toEqual(['jeanne.martin2@medecin.mssante.fr', 'jeanne.martin@medecin.mssante.fr']);
	});
});

describe('HTTP client', () => {
	test('a server that is gone: "unavailable", after retries, never a crash', async () => {
		await server.close();
		const client = new HttpBackendClient(url, {retries: 1, retryDelayMs: 10, timeoutMs: 1000});
		await expect(client.availability(['a@medecin.mssante.fr'])).rejects.toMatchObject({code: 'unavailable'});
	});

	test('an answer that is not what the API promises: "unavailable"', async () => {
		const {createServer} = await import('node:http');
		const liar = createServer((_request, response) => response.end(JSON.stringify({results: 'nope'})));
		await new Promise<void>(resolve => liar.listen(0, '127.0.0.1', resolve));
		const address = liar.address() as {port: number};
		const client = new HttpBackendClient(`http://127.0.0.1:${address.port}`, {retries: 0});
		await expect(client.availability(['a@medecin.mssante.fr'])).rejects.toMatchObject({code: 'unavailable', message: 'Réponse inattendue du service d’activation'});
		liar.close();
	});
});

describe('mssante-kiosk serve', () => {
	test('serves on the given port, answers health, and stops gracefully on SIGTERM', async () => {
		const dir = mkdtempSync(path.join(tmpdir(), 'mssante-serve-'));
		const child = spawn(process.execPath, ['bin/mssante-kiosk.js', 'serve', '--port', '0', '--data-dir', dir], {stdio: ['ignore', 'pipe', 'pipe']});
		let output = '';
		child.stdout.on('data', chunk => (output += String(chunk)));
		const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)));
		try {
			const started = Date.now();
			while (!/sur (http:\/\/\S+)\/v1/.test(output) && Date.now() - started < 10_000) await new Promise(resolve => setTimeout(resolve, 50));
			const base = /sur (http:\/\/\S+)\/v1/.exec(output)?.[1];
			expect(base, output).toBeDefined();
			expect(await (await fetch(`${base}/v1/health`)).json()).toEqual({status: 'ok'});
			child.kill('SIGTERM');
			expect(await exited).toBe(0);
			expect(output).toContain('arrêté');
		} finally {
			child.kill('SIGKILL');
			rmSync(dir, {recursive: true, force: true});
		}
	});
});
