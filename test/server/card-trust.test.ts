// Trust in the card (issue 12, items 1–4), attacked over real HTTP on loopback: the activation
// service started as the kiosk and `serve` start it, a test PKI shaped like IGC-Santé's (root →
// intermediate → card), and a real HTTP server on loopback publishing the CRLs.
import {mkdtempSync, rmSync} from 'node:fs';
import {createServer, type Server} from 'node:http';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {sign as nodeSign, webcrypto} from 'node:crypto';
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import {createActivationService, type ActivationService, type ActivationServiceOptions} from '../../src/server/activation-service.js';
import type {CardProof} from '../../src/contract/domain/account.js';
import {x509} from '../../src/contract/certificate/cps-certificate.js';
import {EC_SIGNING, RSA_SIGNING, createTestAuthority, createTestCrl, issueTestCard, type TestAuthority, type TestPki} from '../harness/pki.js';

/** The CRL publication point: a real HTTP server on loopback, its files changeable by the tests. */
const published = new Map<string, Uint8Array | 'hang'>();
const downloads = new Map<string, number>();
let crlServer: Server;
let crlBase: string;
/** A loopback port where nothing listens: the distribution point of a CRL server that is down. */
let deadBase: string;

beforeAll(async () => {
	crlServer = createServer((request, response) => {
		const name = request.url ?? '';
		downloads.set(name, (downloads.get(name) ?? 0) + 1);
		const body = published.get(name);
		if (body === 'hang') return; // never answers
		if (!body) {
			response.writeHead(404).end();
			return;
		}
		response.writeHead(200, {'content-type': 'application/pkix-crl'}).end(Buffer.from(body));
	});
	await new Promise<void>(resolve => crlServer.listen(0, '127.0.0.1', resolve));
	crlBase = `http://127.0.0.1:${(crlServer.address() as AddressInfo).port}`;
	const closed = createServer();
	await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve));
	deadBase = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
	await new Promise<void>(resolve => closed.close(() => resolve()));
});
afterAll(() => {
	crlServer.closeAllConnections();
	crlServer.close();
});

// IGC-Santé's shape: a root, the "FORT PERSONNES" intermediate under it, cards under the intermediate.
let root: TestAuthority;
let intermediate: TestAuthority;
let card: TestPki;
beforeAll(async () => {
	root = await createTestAuthority({subject: 'CN=TEST IGC-SANTE ROOT, O=mssante-kiosk tests, C=FR', pathLength: 1});
	intermediate = await createTestAuthority({subject: 'CN=TEST AC IGC-SANTE FORT PERSONNES, O=mssante-kiosk tests, C=FR', issuer: root, pathLength: 0, crlUrls: [`${crlBase}/root.crl`]});
	card = await issueTestCard(intermediate, {crlUrls: [`${crlBase}/fort-personnes.crl`]});
	ROOT_CRL = [`${crlBase}/root.crl`];
	published.set('/root.crl', await createTestCrl(root));
	published.set('/fort-personnes.crl', await createTestCrl(intermediate));
});

let service: ActivationService | undefined;
let dataDir: string | undefined;
afterEach(async () => {
	await service?.close();
	if (dataDir) rmSync(dataDir, {recursive: true, force: true});
	service = undefined;
	dataDir = undefined;
});

/** A service trusting `anchors` only (the root by default), with `cardTrust` options; its base URL. */
async function start(cardTrust: ActivationServiceOptions['cardTrust'] = {intermediatesPem: intermediate.pem}, anchors: TestAuthority[] = [root]): Promise<string> {
	dataDir = mkdtempSync(path.join(tmpdir(), 'mssante-card-trust-'));
	service = await createActivationService({dataDir, takenAddresses: [], trustAnchorsPem: anchors.map(anchor => anchor.pem).join('\n'), cardTrust});
	return service.listen(0);
}

/** A fresh challenge signed by `holder`'s key (raw r‖s for ECDSA, as PKCS#11 gives it; DER when asked). */
async function proof(base: string, holder: TestPki, options: {derSignature?: boolean; intermediates?: string[]} = {}): Promise<CardProof> {
	const {challengeId, challenge} = (await (await fetch(`${base}/v1/challenges`, {method: 'POST', headers: {'content-type': 'application/json'}, body: '{}'})).json()) as {
		challengeId: string;
		challenge: string;
	};
	const bytes = Buffer.from(challenge, 'base64');
	let signature: Uint8Array;
	if (holder.privateKey.algorithm.name === 'ECDSA' && options.derSignature) {
		const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', holder.privateKey));
		signature = nodeSign('sha256', bytes, {key: pkcs8, format: 'der', type: 'pkcs8', dsaEncoding: 'der'});
	} else {
		signature = new Uint8Array(await webcrypto.subtle.sign(holder.privateKey.algorithm.name === 'ECDSA' ? EC_SIGNING : RSA_SIGNING, holder.privateKey, bytes));
	}
	return {
		challengeId,
		signature: Buffer.from(signature).toString('base64'),
		certificate: Buffer.from(holder.certificateDer).toString('base64'),
		...(options.intermediates ? {intermediates: options.intermediates} : {}),
	};
}

/** The lookup of `holder`'s account: 404 when the card is accepted (no account yet), 401 with the reason when refused. */
async function lookup(base: string, holder: TestPki, options?: {derSignature?: boolean; intermediates?: string[]}): Promise<{status: number; reason?: string; message?: string}> {
	const response = await fetch(`${base}/v1/accounts/lookup`, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify({proof: await proof(base, holder, options)})});
	const body = (await response.json()) as {message?: string; details?: {card?: string[]}};
	return {status: response.status, reason: body.details?.card?.[0], message: body.message};
}

const ACCEPTED = {status: 404};
/** The distribution point of the root's CRL (cards issued by the root directly, as the old service accepted them). */
let ROOT_CRL: string[];

describe('real certification paths (item 1)', () => {
	test('root → intermediate → card is accepted with the root as the only anchor', async () => {
		const base = await start();
		expect(await lookup(base, card)).toMatchObject(ACCEPTED);
	});

	test('the intermediate given as an anchor beside the root (the kiosk’s embedded service): accepted', async () => {
		expect(await lookup(await start({}, [root, intermediate]), card)).toMatchObject(ACCEPTED);
	});

	test('without the intermediate configured, the same card is untrusted', async () => {
		const base = await start({});
		expect(await lookup(base, card)).toMatchObject({status: 401, reason: 'untrusted'});
	});

	test('the intermediate carried in the proof (as the card holds it): accepted with the root alone configured; a rogue one carried, or garbage, is not', async () => {
		const base = await start({});
		const der = (authority: TestAuthority) => Buffer.from(authority.certificate.rawData).toString('base64');
		expect(await lookup(base, card, {intermediates: [der(intermediate)]})).toMatchObject(ACCEPTED);
		const rogue = await createTestAuthority({subject: intermediate.certificate.subject});
		expect(await lookup(base, await issueTestCard(rogue), {intermediates: [der(rogue)]})).toMatchObject({status: 401, reason: 'untrusted'});
		expect(await lookup(base, card, {intermediates: [Buffer.from('garbage').toString('base64')]})).toMatchObject({status: 401, reason: 'unreadable'});
		expect((await lookup(base, card, {intermediates: Array.from({length: 5}, () => der(intermediate))})).status).toBe(400);
	});

	test('a rogue intermediate with the real one’s name, not signed by the root, gives no path', async () => {
		const rogue = await createTestAuthority({subject: intermediate.certificate.subject});
		const forged = await issueTestCard(rogue, {crlUrls: [`${crlBase}/fort-personnes.crl`]});
		const base = await start({intermediatesPem: `${intermediate.pem}\n${rogue.pem}`});
		expect(await lookup(base, forged)).toMatchObject({status: 401, reason: 'untrusted'});
	});

	test('path-length constraint: an intermediate under a root limited to no intermediate is refused', async () => {
		const strictRoot = await createTestAuthority({pathLength: 0});
		const under = await createTestAuthority({issuer: strictRoot});
		const base = await start({intermediatesPem: under.pem}, [strictRoot]);
		expect(await lookup(base, await issueTestCard(under))).toMatchObject({status: 401, reason: 'untrusted'});
	});

	test('a card under a "leaf" (CA:FALSE issuer signed by the root) is refused', async () => {
		const leafIssuer = await createTestAuthority({issuer: root, ca: false});
		const base = await start({intermediatesPem: leafIssuer.pem});
		expect(await lookup(base, await issueTestCard(leafIssuer))).toMatchObject({status: 401, reason: 'untrusted'});
	});
});

describe('revocation from the CRLs the certificates name (item 2)', () => {
	test('a card issued by the anchor and revoked in its CRL, served over HTTP, is refused as revoked', async () => {
		const revoked = await issueTestCard(root, {crlUrls: [`${crlBase}/root-direct.crl`]});
		published.set('/root-direct.crl', await createTestCrl(root, [revoked.certificate]));
		const base = await start();
		expect(await lookup(base, revoked)).toMatchObject({status: 401, reason: 'revoked'});
	});

	test('a card revoked in its intermediate’s CRL, served over HTTP, is refused as revoked: no lookup, no activation', async () => {
		const revoked = await issueTestCard(intermediate, {crlUrls: [`${crlBase}/revoked-card.crl`]});
		published.set('/revoked-card.crl', await createTestCrl(intermediate, [revoked.certificate]));
		const base = await start();
		expect(await lookup(base, revoked)).toMatchObject({status: 401, reason: 'revoked', message: 'Carte révoquée par son autorité de certification'});
		const activation = await fetch(`${base}/v1/activations`, {
			method: 'POST',
			headers: {'content-type': 'application/json'},
			body: JSON.stringify({
				requestId: crypto.randomUUID(),
				verificationId: crypto.randomUUID(),
				proof: await proof(base, revoked),
				address: 'marie-helene.dupont-lajoie@medecin.mssante.fr',
				password: 'Kiosque#Sante2026',
				options: {email: 'j.martin@exemple.fr', otpChannel: 'mail', notify: false, publishMobile: false, listeRouge: false, paperless: false},
			}),
		});
		expect(activation.status).toBe(401);
		expect(await service?.accounts.accounts()).toHaveLength(0);
		// The card not listed, from the same intermediate and the same list: accepted.
		const sibling = await issueTestCard(intermediate, {crlUrls: [`${crlBase}/revoked-card.crl`]});
		expect(await lookup(base, sibling)).toMatchObject(ACCEPTED);
	});

	test('an intermediate revoked in the root’s CRL: its cards are refused', async () => {
		const revokedCa = await createTestAuthority({issuer: root, crlUrls: [`${crlBase}/root-revoking.crl`]});
		published.set('/root-revoking.crl', await createTestCrl(root, [revokedCa.certificate]));
		const base = await start({intermediatesPem: revokedCa.pem});
		expect(await lookup(base, await issueTestCard(revokedCa))).toMatchObject({status: 401, reason: 'revoked'});
	});

	test('the CRL server down: refused, "cannot establish" (fail closed)', async () => {
		const orphan = await issueTestCard(root, {crlUrls: [`${deadBase}/root.crl`]});
		const base = await start();
		expect(await lookup(base, orphan)).toMatchObject({status: 401, reason: 'revocation-unknown'});
	});

	test('a CRL server that never answers: refused within the download timeout', async () => {
		published.set('/hang.crl', 'hang');
		const stuck = await issueTestCard(root, {crlUrls: [`${crlBase}/hang.crl`]});
		const base = await start({intermediatesPem: intermediate.pem, fetchTimeoutMs: 500});
		const started = Date.now();
		expect(await lookup(base, stuck)).toMatchObject({status: 401, reason: 'revocation-unknown'});
		expect(Date.now() - started).toBeLessThan(3000);
	});

	test('a stale CRL (next update passed), one signed by another key, one over the size cap, a 404: all "cannot establish"', async () => {
		const impostor = await createTestAuthority({subject: intermediate.certificate.subject});
		published.set('/stale.crl', await createTestCrl(intermediate, [], {thisUpdate: new Date(Date.now() - 3 * 86_400_000), nextUpdate: new Date(Date.now() - 86_400_000)}));
		published.set('/forged.crl', await createTestCrl(impostor));
		published.set(
			'/huge.crl',
			await createTestCrl(
				intermediate,
				Array.from({length: 400}, (_, index) => `7${index.toString(16).padStart(6, '0')}`),
			),
		);
		const base = await start({intermediatesPem: intermediate.pem, maxCrlBytes: 4096});
		for (const name of ['stale', 'forged', 'huge', 'missing']) {
			const holder = await issueTestCard(intermediate, {crlUrls: [`${crlBase}/${name}.crl`]});
			expect({name, ...(await lookup(base, holder))}).toMatchObject({name, status: 401, reason: 'revocation-unknown'});
		}
	});

	test('a CRL is downloaded once and kept until its next update, shared by concurrent proofs', async () => {
		published.set('/cached.crl', await createTestCrl(intermediate));
		const holder = await issueTestCard(intermediate, {crlUrls: [`${crlBase}/cached.crl`]});
		const base = await start();
		const results = await Promise.all(Array.from({length: 8}, () => lookup(base, holder)));
		expect(results.every(result => result.status === 404)).toBe(true);
		expect(await lookup(base, holder)).toMatchObject(ACCEPTED);
		expect(downloads.get('/cached.crl')).toBe(1);
	});

	test('a list fetched again after refreshMs; its server down then, the list already had serves until its next update', async () => {
		published.set('/flaky.crl', await createTestCrl(intermediate));
		const holder = await issueTestCard(intermediate, {crlUrls: [`${crlBase}/flaky.crl`]});
		const base = await start({intermediatesPem: intermediate.pem, refreshMs: 0, retryAfterMs: 0});
		expect(await lookup(base, holder)).toMatchObject(ACCEPTED);
		expect(await lookup(base, holder)).toMatchObject(ACCEPTED);
		expect(downloads.get('/flaky.crl')).toBe(2);
		published.delete('/flaky.crl');
		expect(await lookup(base, holder)).toMatchObject(ACCEPTED);
		expect(downloads.get('/flaky.crl')).toBe(3);
		// Revoked meanwhile: the next download says so.
		published.set('/flaky.crl', await createTestCrl(intermediate, [holder.certificate]));
		expect(await lookup(base, holder)).toMatchObject({status: 401, reason: 'revoked'});
	});

	test('CRLs configured as files: a card without a distribution point is checked against them', async () => {
		const plain = await issueTestCard(intermediate);
		const crl = await createTestCrl(intermediate, [plain.certificate]);
		const base = await start({intermediatesPem: intermediate.pem, crls: [crl]});
		expect(await lookup(base, plain)).toMatchObject({status: 401, reason: 'revoked'});
	});

	test('no distribution point and no CRL configured: unchecked by default, refused with requireRevocation', async () => {
		const plain = await issueTestCard(intermediate);
		// The intermediate itself names the root's CRL, which is published.
		expect(await lookup(await start(), plain)).toMatchObject(ACCEPTED);
		await service?.close();
		expect(await lookup(await start({intermediatesPem: intermediate.pem, requireRevocation: true}), plain)).toMatchObject({status: 401, reason: 'revocation-unknown'});
	});
});

describe('certificate profile (item 3)', () => {
	test('a certificate with only keyEncipherment and serverAuth is refused', async () => {
		const server = await issueTestCard(root, {crlUrls: ROOT_CRL, keyUsages: x509.KeyUsageFlags.keyEncipherment, extendedKeyUsages: [x509.ExtendedKeyUsage.serverAuth]});
		const base = await start();
		expect(await lookup(base, server)).toMatchObject({status: 401, reason: 'profile'});
	});

	test('digitalSignature but only serverAuth as extended usage is refused; clientAuth is accepted', async () => {
		const base = await start();
		expect(await lookup(base, await issueTestCard(root, {crlUrls: ROOT_CRL, extendedKeyUsages: [x509.ExtendedKeyUsage.serverAuth]}))).toMatchObject({status: 401, reason: 'profile'});
		expect(await lookup(base, await issueTestCard(root, {crlUrls: ROOT_CRL, extendedKeyUsages: [x509.ExtendedKeyUsage.clientAuth]}))).toMatchObject(ACCEPTED);
	});

	test('a CA:TRUE certificate presented as a card is refused', async () => {
		const base = await start();
		expect(await lookup(base, await issueTestCard(root, {crlUrls: ROOT_CRL, ca: true, keyUsages: x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign}))).toMatchObject({
			status: 401,
			reason: 'profile',
		});
	});

	test('a card under an expired anchor is refused', async () => {
		const expiredRoot = await createTestAuthority({notBefore: new Date(Date.now() - 3 * 365 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000)});
		const base = await start({}, [expiredRoot]);
		expect(await lookup(base, await issueTestCard(expiredRoot))).toMatchObject({status: 401, reason: 'authority-validity'});
	});

	test('a card under an expired intermediate is refused', async () => {
		const expired = await createTestAuthority({issuer: root, notBefore: new Date(Date.now() - 3 * 365 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000)});
		const base = await start({intermediatesPem: expired.pem});
		expect(await lookup(base, await issueTestCard(expired))).toMatchObject({status: 401, reason: 'authority-validity'});
	});

	test('an expired card is refused (validity)', async () => {
		const base = await start();
		const old = await issueTestCard(intermediate, {notBefore: new Date(Date.now() - 400 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000)});
		expect(await lookup(base, old)).toMatchObject({status: 401, reason: 'validity'});
	});
});

describe('ECDSA cards (item 4)', () => {
	test('a P-256 card signing as CKM_ECDSA_SHA256 does (raw r‖s) is accepted; DER-encoded too; a wrong signature is a 401, never a 5xx', async () => {
		const ec = await issueTestCard(root, {key: 'ec-p256', crlUrls: ROOT_CRL});
		const base = await start();
		expect(await lookup(base, ec)).toMatchObject(ACCEPTED);
		expect(await lookup(base, ec, {derSignature: true})).toMatchObject(ACCEPTED);
		const other = await issueTestCard(root, {key: 'ec-p256'});
		const forged = {...(await proof(base, other)), certificate: Buffer.from(ec.certificateDer).toString('base64')};
		const response = await fetch(`${base}/v1/accounts/lookup`, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify({proof: forged})});
		expect(response.status).toBe(401);
		expect(await response.json()).toMatchObject({details: {card: ['signature']}});
		const garbage = {...(await proof(base, ec)), signature: Buffer.from('not a signature').toString('base64')};
		expect((await fetch(`${base}/v1/accounts/lookup`, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify({proof: garbage})})).status).toBe(401);
	});
});
