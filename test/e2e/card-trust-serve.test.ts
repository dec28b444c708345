// The BUILT `serve` with the trust of a real deployment (issue 12 items 1–2): the root as the only
// anchor, the intermediate from --intermediates, revocation lists from --crl files (two of them,
// one per authority) under --require-revocation. Run `npm run build` first.
import {type ChildProcess, spawn} from 'node:child_process';
import {webcrypto} from 'node:crypto';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {afterAll, beforeAll, expect, test} from 'vitest';
import {RSA_SIGNING, createTestAuthority, createTestCrl, issueTestCard, type TestAuthority, type TestPki} from '../harness/pki.js';
import {assertBuilt, BIN, ROOT} from '../helpers/pty.js';

let folder: string;
let root: TestAuthority;
let intermediate: TestAuthority;
let revoked: TestPki;
let valid: TestPki;
const children: ChildProcess[] = [];

beforeAll(async () => {
	assertBuilt();
	folder = mkdtempSync(path.join(tmpdir(), 'mssante-serve-trust-'));
	root = await createTestAuthority({pathLength: 1});
	intermediate = await createTestAuthority({issuer: root, pathLength: 0});
	// No distribution point on these: only the configured lists can tell, and --require-revocation demands one.
	revoked = await issueTestCard(intermediate);
	valid = await issueTestCard(intermediate);
	writeFileSync(path.join(folder, 'root.pem'), root.pem);
	writeFileSync(path.join(folder, 'intermediates.pem'), intermediate.pem);
	writeFileSync(path.join(folder, 'root.crl'), await createTestCrl(root));
	const intermediateCrl = Buffer.from(await createTestCrl(intermediate, [revoked.certificate])).toString('base64');
	writeFileSync(path.join(folder, 'intermediate.crl.pem'), `-----BEGIN X509 CRL-----\n${intermediateCrl.replace(/.{64}/g, '$&\n')}\n-----END X509 CRL-----\n`);
	writeFileSync(path.join(folder, 'garbage.crl'), 'not a CRL');
});
afterAll(() => {
	for (const child of children) child.kill('SIGKILL');
	rmSync(folder, {recursive: true, force: true});
});

/** Starts the built `serve` with `args`; its URL once it listens, or its output when it exits first. */
async function serve(args: string[]): Promise<{url?: string; output: string; code: number | null}> {
	const dataDir = mkdtempSync(path.join(folder, 'data-'));
	const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data-dir', dataDir, '--trust-anchors', path.join(folder, 'root.pem'), ...args], {
		cwd: ROOT,
		stdio: ['ignore', 'pipe', 'pipe'],
		env: {...process.env, MSSANTE_DATABASE_URL: ''},
	});
	children.push(child);
	let output = '';
	child.stdout?.on('data', chunk => (output += String(chunk)));
	child.stderr?.on('data', chunk => (output += String(chunk)));
	const deadline = Date.now() + 30_000;
	while (!/sur (http:\/\/\S+)\/v1/.test(output)) {
		if (child.exitCode !== null) return {output, code: child.exitCode};
		if (Date.now() > deadline) throw new Error(`serve did not start: ${output}`);
		await sleep(20);
	}
	return {url: /sur (http:\/\/\S+)\/v1/.exec(output)?.[1], output, code: null};
}

async function lookup(url: string, card: TestPki): Promise<{status: number; reason?: string}> {
	const post = (route: string, body: unknown) => fetch(`${url}${route}`, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify(body)});
	const {challengeId, challenge} = (await (await post('/v1/challenges', {})).json()) as {challengeId: string; challenge: string};
	const signature = await webcrypto.subtle.sign(RSA_SIGNING, card.privateKey, Buffer.from(challenge, 'base64'));
	const response = await post('/v1/accounts/lookup', {
		proof: {challengeId, signature: Buffer.from(signature).toString('base64'), certificate: Buffer.from(card.certificateDer).toString('base64')},
	});
	return {status: response.status, reason: ((await response.json()) as {details?: {card?: string[]}}).details?.card?.[0]};
}

test('serve --intermediates --crl --crl --require-revocation: a card under the intermediate accepted, the revoked one refused', async () => {
	const crls = ['--crl', path.join(folder, 'root.crl'), '--crl', path.join(folder, 'intermediate.crl.pem')];
	const {url, output} = await serve(['--intermediates', path.join(folder, 'intermediates.pem'), ...crls, '--require-revocation']);
	expect(url, output).toBeDefined();
	expect(await lookup(url as string, valid)).toEqual({status: 404, reason: undefined});
	expect(await lookup(url as string, revoked)).toEqual({status: 401, reason: 'revoked'});
	// Without the intermediate's list, --require-revocation refuses: its status cannot be established.
	const partial = await serve(['--intermediates', path.join(folder, 'intermediates.pem'), '--crl', path.join(folder, 'root.crl'), '--require-revocation']);
	expect(await lookup(partial.url as string, valid)).toEqual({status: 401, reason: 'revocation-unknown'});
});

test('serve --crl with an unreadable file stops at once, saying which', async () => {
	const {url, output, code} = await serve(['--crl', path.join(folder, 'garbage.crl')]);
	expect(url).toBeUndefined();
	expect(code).not.toBe(0);
	expect(output).toContain('garbage.crl : liste de révocation illisible');
});
