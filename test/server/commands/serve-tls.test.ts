// `serve` and transport (issue 12 item 14) on the built program: a non-loopback --host without TLS
// is refused (passwords, sessions and card proofs would cross the network in clear text); with
// --tls-cert/--tls-key it answers HTTPS only; --tls-proxy says a TLS proxy is in front.
import {execFileSync, spawn, type ChildProcess} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {request as httpRequest} from 'node:http';
import {request as httpsRequest} from 'node:https';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, expect, test} from 'vitest';

const folder = mkdtempSync(path.join(tmpdir(), 'mssante-tls-'));
const children: ChildProcess[] = [];
afterEach(() => {
	for (const child of children.splice(0)) child.kill('SIGTERM');
});
afterAll(() => rmSync(folder, {recursive: true, force: true}));

/** `serve` with `args`: its URL once it listens, or its exit code and output when it refuses to start. */
async function serve(...args: string[]): Promise<{url?: string; code?: number; output: string}> {
	const child = spawn(process.execPath, ['bin/mssante-kiosk.js', 'serve', '--port', '0', '--data-dir', mkdtempSync(path.join(folder, 'data-')), ...args], {
		stdio: ['ignore', 'pipe', 'pipe'],
		env: {...process.env, MSSANTE_DATABASE_URL: ''},
	});
	children.push(child);
	let output = '';
	child.stdout?.on('data', chunk => (output += String(chunk)));
	child.stderr?.on('data', chunk => (output += String(chunk)));
	return new Promise(resolve => {
		const listening = setInterval(() => {
			const url = / sur (https?:\/\/\S+)\/v1/.exec(output)?.[1];
			if (url) {
				clearInterval(listening);
				resolve({url, output});
			}
		}, 20);
		child.once('exit', code => {
			clearInterval(listening);
			resolve({code: code ?? -1, output});
		});
	});
}

/** GET /v1/health on `port` over HTTP or HTTPS (trusting `ca`): the status, or the error's code. */
function health(scheme: 'http' | 'https', port: number, ca?: string): Promise<number | string> {
	return new Promise(resolve => {
		const options = {host: '127.0.0.1', port, path: '/v1/health', ca, servername: 'localhost', timeout: 5_000};
		const request = (scheme === 'https' ? httpsRequest : httpRequest)(options, response => {
			response.resume();
			resolve(response.statusCode ?? 0);
		});
		request.on('error', error => resolve((error as NodeJS.ErrnoException).code ?? error.message));
		request.on('timeout', () => request.destroy(new Error('timeout')));
		request.end();
	});
}

test('a non-loopback --host without TLS is refused with one clear line, before anything listens', async () => {
	const refused = await serve('--host', '0.0.0.0');
	expect(refused.code).toBe(2);
	expect(refused.output).toContain(
		'--host 0.0.0.0 exposerait mots de passe, sessions et preuves de carte en clair : donnez --tls-cert et --tls-key, ou --tls-proxy si un proxy TLS est devant le service',
	);
	expect(refused.output).not.toMatch(/ sur https?:\/\//);
	const half = await serve('--host', '0.0.0.0', '--tls-cert', path.join(folder, 'cert.pem'));
	expect(half.code).toBe(2);
	expect(half.output).toContain('--tls-cert et --tls-key vont ensemble');
});

test('--tls-proxy: a TLS proxy in front, so clear text on a non-loopback address is allowed', async () => {
	const started = await serve('--host', '0.0.0.0', '--tls-proxy');
	expect(started.url).toMatch(/^http:\/\//);
	expect(await health('http', Number(new URL(started.url ?? '').port))).toBe(200);
});

test('--tls-cert and --tls-key: HTTPS on any address, and nothing in clear text', async () => {
	const cert = path.join(folder, 'cert.pem');
	const key = path.join(folder, 'key.pem');
	execFileSync(
		'openssl',
		['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', key, '-out', cert],
		{stdio: 'ignore'},
	);
	const started = await serve('--host', '0.0.0.0', '--tls-cert', cert, '--tls-key', key);
	expect(started.url).toMatch(/^https:\/\//);
	const port = Number(new URL(started.url ?? '').port);
	expect(await health('https', port, readFileSync(cert, 'utf8'))).toBe(200);
	// A client that does not know the certificate is refused; plain HTTP gets no answer from the service.
	expect(await health('https', port)).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|DEPTH_ZERO/);
	expect(await health('http', port)).not.toBe(200);
});
