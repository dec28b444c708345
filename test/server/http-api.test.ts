// The activation API over real HTTP on loopback: the server the kiosk embeds and `serve` runs.
import {spawn} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {createServer, type Server} from 'node:http';
import type {AddressInfo} from 'node:net';
import {startSmtp} from '../helpers/smtp.js';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, test} from 'vitest';
import {httpSmsGateway, smtpMailSender} from '../../src/server/delivery/delivery.js';
import {lastCode} from '../helpers/walk.js';
import {webcrypto} from 'node:crypto';
import {OPERATIONS} from '../../src/contract/api/operations.js';
import {createActivationService, type ActivationService} from '../../src/server/activation-service.js';
import {BackendError} from '../../src/contract/api/errors.js';
import type {CardProof} from '../../src/contract/domain/account.js';
import type {AccountService} from '../../src/server/accounts/account-service.js';
import {createApiClient} from '../../src/services/api-client.js';
import {writeExtraction} from '../../src/server/directory/generator.js';
import {addressProposals} from '../../src/contract/rules/address-rules.js';
import type {DirectoryPage} from '../../src/contract/domain/directory.js';
import {RSA_SIGNING, createTestPki, type TestPki} from '../harness/pki.js';

const ADDRESS = 'marie-helene.dupont-lajoie@medecin.mssante.fr';
const OPTIONS = {email: 'j.martin@exemple.fr', otpChannel: 'mail' as const, notify: false, publishMobile: false, listeRouge: false, paperless: false};
const PASSWORD = 'Kiosque#Sante2026';

let pki: TestPki;
let twin: TestPki;
let stranger: TestPki;
beforeAll(async () => {
	pki = await createTestPki();
	// The same name on another card, from the same CA.
	twin = await createTestPki({...pki.identity, cn: '810009999999'}, pki);
	// A card from a CA the service does not trust.
	stranger = await createTestPki();
});

// A real SMTP server receiving the codes and invitations, and an HTTP receiver standing for the
// SMS gateway, both in this process on loopback.
let mails: Array<{to: string; content: string}> = [];
const texts: Array<{to: string; content: string}> = [];
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let smtpPort: number;
let gateway: Server;
let gatewayUrl: string;
beforeAll(async () => {
	smtp = await startSmtp();
	smtpPort = smtp.port;
	mails = smtp.mails;
	gateway = createServer((request, response) => {
		let body = '';
		request.on('data', chunk => (body += String(chunk)));
		request.on('end', () => {
			const {to, text} = JSON.parse(body) as {to: string; text: string};
			texts.push({to, content: `\n\n${text}`});
			response.end('{}');
		});
	});
	await new Promise<void>(resolve => gateway.listen(0, '127.0.0.1', resolve));
	gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/sms`;
});
afterAll(async () => {
	await smtp.close();
	gateway.close();
});

let dataDir: string;
let backend: AccountService;
let server: ActivationService;
let url: string;
let clock = 0;
beforeEach(async () => {
	dataDir = mkdtempSync(path.join(tmpdir(), 'mssante-api-'));
	clock = Date.now();
	server = await createActivationService({
		dataDir,
		takenAddresses: [],
		trustAnchorsPem: pki.caCertificate.toString('pem'),
		now: () => clock,
		mail: smtpMailSender({host: '127.0.0.1', port: smtpPort, secure: false, from: 'ne-pas-repondre@mssante.fr'}),
		sms: httpSmsGateway({url: gatewayUrl}),
	});
	backend = server.accounts;
	url = await server.listen(0);
});
afterEach(async () => {
	await server.close();
	rmSync(dataDir, {recursive: true, force: true});
});

const post = (route: string, body: unknown) => fetch(`${url}${route}`, {method: 'POST', headers: {'content-type': 'application/json'}, body: typeof body === 'string' ? body : JSON.stringify(body)});

/** A fresh challenge signed by `card`'s key, with `card`'s certificate (or another key's signature). */
async function proof(card: TestPki = pki, signer: CryptoKey = card.privateKey): Promise<CardProof> {
	const {challengeId, challenge} = (await (await post('/v1/challenges', {})).json()) as {challengeId: string; challenge: string};
	const signature = await webcrypto.subtle.sign(RSA_SIGNING, signer, Buffer.from(challenge, 'base64'));
	return {challengeId, signature: Buffer.from(signature).toString('base64'), certificate: Buffer.from(card.certificateDer).toString('base64')};
}

/** Sends a code to `OPTIONS.email` for `card`, reads it from the received mail, confirms it. */
async function verifiedChannel(card: TestPki = pki): Promise<string> {
	// Past the resend interval of the previous code to the same address.
	clock += 61_000;
	const sent = (await (await post('/v1/verifications', {proof: await proof(card), channel: 'mail', destination: OPTIONS.email})).json()) as {id: string};
	const confirmed = await post('/v1/verifications/confirm', {verificationId: sent.id, code: lastCode(mails)});
	expect(confirmed.status).toBe(200);
	return sent.id;
}

/** Sends a code by SMS to `mobile` for `card`, reads it from the gateway, confirms it: a mobile that may be published. */
async function verifiedMobile(card: TestPki = pki, mobile = '+33612345678'): Promise<string> {
	clock += 61_000;
	const sent = (await (await post('/v1/verifications', {proof: await proof(card), channel: 'sms', destination: mobile})).json()) as {id: string};
	expect((await post('/v1/verifications/confirm', {verificationId: sent.id, code: lastCode(texts)})).status).toBe(200);
	return sent.id;
}

const activation = async (card: TestPki = pki, address = ADDRESS, requestId: string = crypto.randomUUID()) => ({
	requestId,
	verificationId: await verifiedChannel(card),
	proof: await proof(card),
	address,
	password: PASSWORD,
	options: OPTIONS,
});

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
		const routes = Object.values(OPERATIONS);
		expect(documented.sort()).toEqual(routes.map(route => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`).sort());
		expect(document.paths['/v1/activations']?.['post']?.requestBody).toBeDefined();
		// Every documented route answers something other than "no such route".
		for (const route of routes) {
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

	test('a path parameter whose percent-encoding is malformed: invalid-request, not a fault of the service', async () => {
		const response = await fetch(`${url}/v1/accounts/%E0%A4%A`, {method: 'PUT', headers: {'content-type': 'application/json'}, body: JSON.stringify({session: 'x', options: OPTIONS})});
		expect(response.status).toBe(400);
		expect(await response.json()).toMatchObject({code: 'invalid-request'});
	});

	test('the password policy is enforced by the server even when the kiosk is bypassed', async () => {
		const response = await post('/v1/activations', {...(await activation()), password: 'Azerty123'});
		expect(response.status).toBe(422);
		expect(await response.json()).toMatchObject({code: 'password-policy', details: {password: ['common']}});
		expect(await backend.accounts()).toHaveLength(0);
	});

	test('an activation retried with the same requestId (and a new proof) creates one account', async () => {
		const requestId = crypto.randomUUID();
		const first = await post('/v1/activations', await activation(pki, ADDRESS, requestId));
		const second = await post('/v1/activations', await activation(pki, ADDRESS, requestId));
		expect(first.status).toBe(201);
		expect(second.status).toBe(201);
		expect(await second.json()).toMatchObject({address: ADDRESS});
		expect(await backend.accounts()).toHaveLength(1);
	});

	test('the audit trail records activations and refusals, without any secret', async () => {
		await post('/v1/activations', {...(await activation()), password: 'Azerty123'});
		await post('/v1/activations', await activation());
		await backend.audit.flushed();
		const events = (await backend.audit.since()).filter(event => event.action === 'activate');
		expect(events.map(event => [event.action, event.outcome, event.detail ?? event.address])).toEqual([
			['activate', 'refused', 'password-policy'],
			['activate', 'ok', ADDRESS],
		]);
		const stored = JSON.stringify(await backend.db.selectFrom('audit_events').selectAll().execute());
		expect(stored).toContain('password-policy');
		expect(stored).not.toMatch(/Azerty123|Kiosque#Sante2026/);
	});

	test("the identity is the certificate's: fields a client adds are ignored", async () => {
		const response = await post('/v1/activations', {...(await activation()), identity: {givenName: 'Intrus', surname: 'X', profession: 'Médecin', nationalId: '10000000000', idType: 'RPPS'}});
		expect(response.status).toBe(201);
		expect((await backend.accounts())[0]?.identity).toMatchObject({givenName: 'Marie-Hélène', surname: 'DUPONT-LAJOIE', nationalId: '10001234567'});
	});

	test('card proofs refused: replayed or expired challenge, another key, an untrusted CA', async () => {
		const used = await proof();
		expect((await post('/v1/accounts/lookup', {proof: used})).status).toBe(404);
		const replayed = await post('/v1/accounts/lookup', {proof: used});
		expect(replayed.status).toBe(401);
		expect(await replayed.json()).toMatchObject({code: 'card-proof', message: 'Défi inconnu, déjà utilisé ou expiré : recommencez', details: {card: ['challenge']}});
		const late = await proof();
		clock += 3 * 60 * 1000;
		expect(await (await post('/v1/accounts/lookup', {proof: late})).json()).toMatchObject({code: 'card-proof', message: 'Défi inconnu, déjà utilisé ou expiré : recommencez'});
		const otherKey = await proof(pki, stranger.privateKey);
		expect(await (await post('/v1/accounts/lookup', {proof: otherKey})).json()).toMatchObject({
			code: 'card-proof',
			message: 'Signature du défi invalide : la carte ne correspond pas au certificat',
			details: {card: ['signature']},
		});
		const untrusted = await proof(stranger);
		expect(await (await post('/v1/accounts/lookup', {proof: untrusted})).json()).toMatchObject({
			code: 'card-proof',
			message: 'Certificat de carte non émis par une autorité reconnue',
			details: {card: ['untrusted']},
		});
		const strangerActivation = {requestId: crypto.randomUUID(), verificationId: crypto.randomUUID(), proof: await proof(stranger), address: ADDRESS, password: PASSWORD, options: OPTIONS};
		expect((await post('/v1/activations', strangerActivation)).status).toBe(401);
		expect(await backend.accounts()).toHaveLength(0);
	});

	test('two concurrent activations of the same name get two distinct addresses', async () => {
		const client = createApiClient(url);
		const [one, two] = await Promise.allSettled([client.activate(await activation()), client.activate(await activation(twin))]);
		// The second one, allocated meanwhile, is told which address is free now.
		const refused = ([one, two].find(result => result.status === 'rejected') as PromiseRejectedResult | undefined)?.reason as BackendError | undefined;
		expect(refused).toBeInstanceOf(BackendError);
		expect(refused?.code).toBe('address-taken');
		const suggestion = refused?.details?.['address']?.[0];
		expect(suggestion).toBe('marie-helene.dupont-lajoie2@medecin.mssante.fr');
		await client.activate(await activation(one.status === 'rejected' ? pki : twin, suggestion));
		expect((await backend.accounts()).map(account => account.address).sort()).toEqual(['marie-helene.dupont-lajoie2@medecin.mssante.fr', ADDRESS]);
		expect(two.status === 'rejected' || one.status === 'rejected').toBe(true);
	});
});

describe('one-time codes', () => {
	test('activation needs the preferred channel verified by a code', async () => {
		const unverified = {...(await activation()), verificationId: crypto.randomUUID()};
		const refused = await post('/v1/activations', unverified);
		expect(refused.status).toBe(403);
		expect(await refused.json()).toMatchObject({code: 'channel-not-verified'});
		// A code verified for another destination does not count either.
		const other = {...(await activation()), options: {...OPTIONS, email: 'autre@exemple.fr'}};
		expect((await post('/v1/activations', other)).status).toBe(403);
		expect((await post('/v1/activations', await activation())).status).toBe(201);
	});

	test('the code travels by real mail, masked in the answer; a wrong code is refused, 5 wrong ones burn it', async () => {
		clock += 61_000;
		const sent = (await (await post('/v1/verifications', {proof: await proof(), channel: 'mail', destination: OPTIONS.email})).json()) as {id: string; destination: string};
		expect(sent.destination).toBe('j•••@exemple.fr');
		const mail = mails.at(-1);
		expect(mail?.to).toBe(OPTIONS.email);
		const code = lastCode(mails);
		const wrong = code === '000000' ? '111111' : '000000';
		// Each wrong one says how many tries are left (issue 10 item 7).
		for (let i = 0; i < 4; i++) {
			const refused = await post('/v1/verifications/confirm', {verificationId: sent.id, code: wrong});
			expect(refused.status).toBe(401);
			expect(await refused.json()).toMatchObject({code: 'code-refused', triesLeft: 4 - i});
		}
		// The fifth wrong one burns the code: "too many tries".
		expect(await (await post('/v1/verifications/confirm', {verificationId: sent.id, code: wrong})).json()).toMatchObject({code: 'code-expired', message: 'Trop d’essais : demandez un nouveau code'});
		expect(await (await post('/v1/verifications/confirm', {verificationId: sent.id, code})).json()).toMatchObject({code: 'code-expired'});
	});

	test('codes by SMS go through the gateway; resending is rate-limited, and the answers say when a new code can be asked', async () => {
		clock += 61_000;
		const first = await post('/v1/verifications', {proof: await proof(), channel: 'sms', destination: '06 12 34 56 78'});
		expect(await first.json()).toMatchObject({channel: 'sms', destination: '06 •• •• •• 78', resendAfterSeconds: 60});
		expect(texts.at(-1)?.to).toBe('+33612345678');
		clock += 20_000;
		const again = await post('/v1/verifications', {proof: await proof(), channel: 'sms', destination: '06 12 34 56 78'});
		expect(again.status).toBe(429);
		expect(again.headers.get('retry-after')).toBe('40');
		expect(await again.json()).toMatchObject({code: 'rate-limited', retryAfterSeconds: 40});
		// The kiosk's client hands the wait over with the refusal.
		const refusal = await createApiClient(url)
			.verifyChannel({proof: await proof(), channel: 'sms', destination: '06 12 34 56 78'})
			.catch((error: unknown) => error);
		expect(refusal).toBeInstanceOf(BackendError);
		expect((refusal as BackendError).facts).toEqual({retryAfterSeconds: 40, triesLeft: undefined});
		clock += 41_000;
		expect((await post('/v1/verifications', {proof: await proof(), channel: 'sms', destination: '06 12 34 56 78'})).status).toBe(200);
	});

	test('a Réunion mobile, national or international, is one number: the SMS goes to +262', async () => {
		clock += 61_000;
		const national = await post('/v1/verifications', {proof: await proof(), channel: 'sms', destination: '0692 12 34 56'});
		expect(await national.json()).toMatchObject({channel: 'sms', destination: '06 •• •• •• 56'});
		expect(texts.at(-1)?.to).toBe('+262692123456');
		// The same number written the international way is the same binding: too soon for another code.
		const international = await post('/v1/verifications', {proof: await proof(), channel: 'sms', destination: '+262 692 12 34 56'});
		expect(await international.json()).toMatchObject({code: 'rate-limited'});
	});

	test('the code message follows the kiosk’s language', async () => {
		clock += 61_000;
		await post('/v1/verifications', {proof: await proof(), channel: 'mail', destination: OPTIONS.email, lang: 'en'});
		const english = mails.at(-1)?.content ?? '';
		expect(english).toMatch(/^Subject: .*Checking.your.MSSant/m);
		expect(english).toContain('Here is the code you asked for to check this contact');
		expect(english).not.toContain('Bonjour');
		clock += 61_000;
		await post('/v1/verifications', {proof: await proof(), channel: 'sms', destination: '06 12 34 56 78', lang: 'en'});
		expect(texts.at(-1)?.content).toMatch(/Your MSSanté code: \d{6} \(valid 10 minutes\)\. Do not share it\./);
		// Without a language: French, as before.
		clock += 61_000;
		await post('/v1/verifications', {proof: await proof(), channel: 'mail', destination: OPTIONS.email});
		expect(mails.at(-1)?.content).toContain('Bonjour,');
	});

	test('a code expires after 10 minutes and is single use', async () => {
		clock += 61_000;
		const sent = (await (await post('/v1/verifications', {proof: await proof(), channel: 'mail', destination: OPTIONS.email})).json()) as {id: string};
		const code = lastCode(mails);
		clock += 10 * 60 * 1000 + 1;
		expect(await (await post('/v1/verifications/confirm', {verificationId: sent.id, code})).json()).toMatchObject({code: 'code-expired'});
		clock += 61_000;
		const fresh = (await (await post('/v1/verifications', {proof: await proof(), channel: 'mail', destination: OPTIONS.email})).json()) as {id: string};
		const freshCode = lastCode(mails);
		expect((await post('/v1/verifications/confirm', {verificationId: fresh.id, code: freshCode})).status).toBe(200);
		expect(await (await post('/v1/verifications/confirm', {verificationId: fresh.id, code: freshCode})).json()).toMatchObject({code: 'code-expired'});
	});

	test('sign-in without the card: password, then the code; the session changes the account but not its contact details', async () => {
		expect((await post('/v1/activations', await activation())).status).toBe(201);
		clock += 61_000;
		const wrong = await post('/v1/sign-in', {address: ADDRESS, password: 'Mauvais#Passe99'});
		expect(wrong.status).toBe(401);
		expect(await wrong.json()).toMatchObject({code: 'sign-in-refused', message: 'Adresse ou mot de passe incorrect'});
		const unknown = await post('/v1/sign-in', {address: 'personne@medecin.mssante.fr', password: PASSWORD});
		expect(await unknown.json()).toMatchObject({code: 'sign-in-refused', message: 'Adresse ou mot de passe incorrect'});
		const sent = (await (await post('/v1/sign-in', {address: ADDRESS, password: PASSWORD})).json()) as {id: string; channel: string; destination: string};
		expect(sent).toMatchObject({channel: 'mail', destination: 'j•••@exemple.fr'});
		const signedIn = (await (await post('/v1/sign-in/confirm', {signInId: sent.id, code: lastCode(mails)})).json()) as {session: string; account: {address: string}};
		expect(signedIn.account.address).toBe(ADDRESS);
		const put = (body: unknown) => fetch(`${url}/v1/accounts/${encodeURIComponent(ADDRESS)}`, {method: 'PUT', headers: {'content-type': 'application/json'}, body: JSON.stringify(body)});
		expect((await put({session: signedIn.session, options: {...OPTIONS, notify: true}})).status).toBe(200);
		const redirect = await put({session: signedIn.session, options: {...OPTIONS, email: 'pirate@exemple.fr'}});
		expect(redirect.status).toBe(403);
		expect(await redirect.json()).toMatchObject({code: 'card-required'});
		// Nor the mobile, even while codes go by mail, nor the channel (ASVS 7.5.1: the card re-authenticates).
		expect(await (await put({session: signedIn.session, options: {...OPTIONS, mobile: '06 12 34 56 78'}})).json()).toMatchObject({code: 'card-required'});
		// The same mobile in another writing is no change.
		expect((await put({session: signedIn.session, options: {...OPTIONS, mobile: '', notify: true}})).status).toBe(200);
		expect((await put({session: 'forged', options: OPTIONS})).status).toBe(401);
		clock += 16 * 60 * 1000;
		expect((await put({session: signedIn.session, options: OPTIONS})).status).toBe(401);
		expect((await backend.accounts())[0]?.options).toMatchObject({notify: true, email: OPTIONS.email});
	});
});

describe('directory over HTTP', () => {
	const search = async (query: string, session?: string) => {
		const response = await fetch(`${url}/v1/directory?${query}`, {headers: session ? {authorization: `Bearer ${session}`} : {}});
		expect(response.status, await response.clone().text()).toBe(200);
		return (await response.json()) as DirectoryPage;
	};

	test('a just-activated account is found at once; its mobile only when published, and only with a session', async () => {
		const published = {...OPTIONS, mobile: '+33612345678', publishMobile: true};
		expect((await post('/v1/activations', {...(await activation()), mobileVerificationId: await verifiedMobile(), options: published})).status).toBe(201);
		const anonymous = await search('q=dupont-laj');
		expect(anonymous.entries.map(entry => entry.address)).toEqual([ADDRESS]);
		expect(anonymous.entries[0]?.mobile).toBeUndefined();
		expect((await search('q=dupont', 'forged-session-token-that-is-long')).entries[0]?.mobile).toBeUndefined();
		// The card holder opens a session with a card proof: published mobiles are shown to them.
		const opened = await post('/v1/sessions', {proof: await proof()});
		expect(opened.status).toBe(200);
		const {session} = (await opened.json()) as {session: string};
		expect((await search('q=dupont', session)).entries[0]?.mobile).toBe('+33612345678');
		// The kiosk's client carries it too, and checks the answer.
		const client = createApiClient(url);
		expect((await client.directory({q: 'marie-helene'}, {session})).entries[0]?.mobile).toBe('+33612345678');
		expect((await client.directory({q: 'marie-helene'})).entries[0]?.mobile).toBeUndefined();
		// That session is for the directory only: it cannot change the account.
		const put = await fetch(`${url}/v1/accounts/${encodeURIComponent(ADDRESS)}`, {method: 'PUT', headers: {'content-type': 'application/json'}, body: JSON.stringify({session, options: OPTIONS})});
		expect(put.status).toBe(401);
		// A card without an account gets no session.
		expect(await (await post('/v1/sessions', {proof: await proof(twin)})).json()).toMatchObject({code: 'not-found'});
		// Signed in without the card: the same.
		clock += 61_000;
		const sent = (await (await post('/v1/sign-in', {address: ADDRESS, password: PASSWORD})).json()) as {id: string};
		const signedIn = (await (await post('/v1/sign-in/confirm', {signInId: sent.id, code: lastCode(mails)})).json()) as {session: string};
		expect((await search('q=dupont', signedIn.session)).entries[0]?.mobile).toBe('+33612345678');
		// Sessions end.
		clock += 16 * 60 * 1000;
		expect((await search('q=dupont', session)).entries[0]?.mobile).toBeUndefined();
	});

	test('an answer carries the published fields only, never the index’s own (words, lead, key)', async () => {
		const published = {...OPTIONS, mobile: '+33612345678', publishMobile: true};
		expect((await post('/v1/activations', {...(await activation()), mobileVerificationId: await verifiedMobile(), options: published})).status).toBe(201);
		const {session} = (await (await post('/v1/sessions', {proof: await proof()})).json()) as {session: string};
		const fields = ['type', 'address', 'civility', 'surname', 'givenName', 'professionCode', 'profession', 'specialty', 'organisation', 'service', 'street', 'postalCode', 'city', 'departement'];
		for (const [query, viewer] of [
			['q=dupont', undefined],
			['q=dupont', session],
			['', undefined],
		] as const) {
			const [entry] = (await search(query, viewer)).entries;
			expect(Object.keys(entry ?? {}).sort(), `${query} ${viewer ? 'signed in' : 'anonymous'}`).toEqual((viewer ? [...fields, 'mobile'] : fields).sort());
		}
	});

	test('liste rouge: the account disappears from the directory as soon as it is chosen', async () => {
		expect((await post('/v1/activations', await activation())).status).toBe(201);
		expect((await search('q=dupont')).total).toBe(1);
		const put = await fetch(`${url}/v1/accounts/${encodeURIComponent(ADDRESS)}`, {
			method: 'PUT',
			headers: {'content-type': 'application/json'},
			body: JSON.stringify({proof: await proof(), options: {...OPTIONS, listeRouge: true}}),
		});
		expect(put.status).toBe(200);
		expect((await search('q=dupont')).total).toBe(0);
		expect((await search('')).entries.map(entry => entry.address)).not.toContain(ADDRESS);
	});

	test('bad parameters are refused with invalid-request, never a crash', async () => {
		for (const query of ['limit=abc', 'place=ZZ', `q=${'a'.repeat(101)}`, 'offset=-1', 'profession=m%C3%A9decin']) {
			const response = await fetch(`${url}/v1/directory?${query}`);
			expect(response.status, query).toBe(400);
			expect(await response.json()).toMatchObject({code: 'invalid-request'});
		}
	});

	test('a national file: requests are answered while it loads, then filters and pages work on it', async () => {
		const folder = mkdtempSync(path.join(tmpdir(), 'mssante-api-directory-'));
		const file = path.join(folder, 'extraction.txt');
		await writeExtraction(file, {rows: 60_000, seed: 9});
		const service = await createActivationService({dataDir: folder, takenAddresses: [], directory: {kind: 'file', path: file}, trustAnchorsPem: '', sms: httpSmsGateway({url: gatewayUrl})});
		const national = service.accounts;
		const base = await service.listen(0);
		try {
			const started = performance.now();
			const status = (await (await fetch(`${base}/v1/directory/status`)).json()) as DirectoryPage['state'];
			const during = (await (await fetch(`${base}/v1/directory?q=mar`)).json()) as DirectoryPage;
			// Answered at once, while the file is still being read in the directory's thread.
			expect(status.phase).toBe('loading');
			expect(during.state.phase).toBe('loading');
			expect(performance.now() - started).toBeLessThan(1000);
			let ready = during.state;
			while (ready.phase === 'loading') {
				await new Promise(resolve => setTimeout(resolve, 100));
				ready = (await (await fetch(`${base}/v1/directory/status`)).json()) as DirectoryPage['state'];
			}
			expect(ready).toMatchObject({phase: 'ready', entries: 60_000});
			expect(ready.professions[0]).toMatchObject({code: '10', label: 'Médecin'});
			const page = (await (await fetch(`${base}/v1/directory?q=ma&profession=10&place=75&limit=5`)).json()) as DirectoryPage;
			expect(page.total).toBeGreaterThan(5);
			expect(page.entries).toHaveLength(5);
			for (const entry of page.entries) {
				expect(entry.professionCode).toBe('10');
				expect(entry.postalCode.startsWith('75')).toBe(true);
			}
			const next = (await (await fetch(`${base}/v1/directory?q=ma&profession=10&place=75&limit=5&offset=5`)).json()) as DirectoryPage;
			expect(next.total).toBe(page.total);
			expect(next.entries.map(entry => entry.address)).not.toContain(page.entries[0]?.address);
			const city = (await (await fetch(`${base}/v1/directory?city=h%C3%A9rouville&limit=100`)).json()) as DirectoryPage;
			expect(city.total).toBeGreaterThan(0);
			expect(city.entries.every(entry => entry.city === 'HEROUVILLE ST CLAIR')).toBe(true);
			// An account activated now is counted and found at once.
			const identity = {surname: 'ZYGOMATIQUE', givenName: 'Léa', profession: 'Médecin', professionCode: '10', nationalId: '810000000042', idType: 'RPPS' as const};
			const account = await national.activate({requestId: crypto.randomUUID(), identity, address: addressProposals(identity)[0]?.address ?? '', password: PASSWORD, options: OPTIONS});
			const after = (await (await fetch(`${base}/v1/directory?q=zygo`)).json()) as DirectoryPage;
			expect(after.entries.map(entry => entry.address)).toEqual([account.address]);
			expect(after.state.entries).toBe(60_001);
		} finally {
			await service.close();
			rmSync(folder, {recursive: true, force: true});
		}
	});

	test('a national file that cannot be read: said in the state, and searches still answer', async () => {
		const folder = mkdtempSync(path.join(tmpdir(), 'mssante-api-directory-'));
		const national = (await createActivationService({dataDir: folder, takenAddresses: [], directory: {kind: 'file', path: path.join(folder, 'absent.txt')}, trustAnchorsPem: ''})).accounts;
		try {
			national.directory.load();
			let state = national.directory.state;
			while (state.phase === 'loading') {
				await new Promise(resolve => setTimeout(resolve, 20));
				state = national.directory.state;
			}
			expect(state).toMatchObject({phase: 'failed', error: expect.stringContaining('ENOENT')});
			expect((await national.searchDirectory({text: 'x'}, {signedIn: false})).total).toBe(0);
		} finally {
			await national.close();
			rmSync(folder, {recursive: true, force: true});
		}
	});
});

describe('HTTP client', () => {
	test('a server that is gone: "unavailable", after retries, never a crash', async () => {
		await server.close();
		const client = createApiClient(url, {retries: 1, retryDelayMs: 10, timeoutMs: 1000});
		await expect(client.challenge({purpose: 'lookup'})).rejects.toMatchObject({code: 'unavailable'});
	});

	test('an answer that is not what the API promises: "unavailable"', async () => {
		const {createServer} = await import('node:http');
		const liar = createServer((_request, response) => response.end(JSON.stringify({results: 'nope'})));
		await new Promise<void>(resolve => liar.listen(0, '127.0.0.1', resolve));
		const address = liar.address() as {port: number};
		const client = createApiClient(`http://127.0.0.1:${address.port}`, {retries: 0});
		await expect(client.challenge({purpose: 'lookup'})).rejects.toMatchObject({code: 'unavailable', message: 'Réponse inattendue du service d’activation'});
		liar.close();
	});

	test('escape sequences sent by a service (OSC 52, OSC 8, SGR, bidi) never come out of the client (issue 10 item 13)', async () => {
		const {createServer} = await import('node:http');
		const osc52 = '\u001B]52;c;ZWNobyBwd25lZA==\u0007';
		const link = '\u001B]8;;https://evil.example\u001B\\';
		const account = {
			address: `jean.dupont${osc52}@medecin.mssante.fr`,
			identity: {givenName: `Jean${'\u001B[31m'}`, surname: 'DUPONT\u202E', profession: 'Médecin', nationalId: '810000000001', idType: 'RPPS'},
			options: {email: `${link}j.dupont@exemple.fr`, otpChannel: 'mail' as const, notify: false, publishMobile: false, listeRouge: false, paperless: false},
			createdAt: '2026-01-01T00:00:00Z',
			updatedAt: '2026-01-01T00:00:00Z',
		};
		const dirty = createServer((request, response) => {
			response.writeHead(request.url === '/v1/accounts/lookup' ? 200 : 409, {'content-type': 'application/json'});
			response.end(JSON.stringify(request.url === '/v1/accounts/lookup' ? account : {code: 'address-taken', message: `pris${osc52}`, details: {address: [`x${osc52}@pro.mssante.fr`]}}));
		});
		await new Promise<void>(resolve => dirty.listen(0, '127.0.0.1', resolve));
		try {
			const client = createApiClient(`http://127.0.0.1:${(dirty.address() as {port: number}).port}`, {retries: 0});
			const looked = await client.lookup({proof: {challengeId: crypto.randomUUID(), signature: 'AA==', certificate: 'AA=='}});
			expect(JSON.stringify(looked)).not.toMatch(/\\u001b|\\u0007|\\u202e/i);
			expect(looked.options.email).toBe(']8;;https://evil.example\\j.dupont@exemple.fr');
			expect(looked.identity.givenName).toBe('Jean[31m');
			expect(looked.address).toBe('jean.dupont]52;c;ZWNobyBwd25lZA==@medecin.mssante.fr');
			const refused = await client
				.activate({
					requestId: crypto.randomUUID(),
					proof: {challengeId: crypto.randomUUID(), signature: 'AA==', certificate: 'AA=='},
					verificationId: crypto.randomUUID(),
					address: 'a@pro.mssante.fr',
					password: 'x',
					options: account.options,
				})
				.catch((error: unknown) => error as BackendError);
			expect(refused).toMatchObject({code: 'address-taken', message: 'pris]52;c;ZWNobyBwd25lZA==', details: {address: ['x]52;c;ZWNobyBwd25lZA==@pro.mssante.fr']}});
		} finally {
			dirty.close();
		}
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
