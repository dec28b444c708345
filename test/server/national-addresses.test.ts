// The national directory when allocating (issue 12 item 9), against the real service over HTTP
// with a national extraction on disk: an address the file gives to another practitioner is never
// given to a homonym's card, an account's liste rouge hides only its own holder's national entry,
// and a practitioner's own national address is theirs, said as such by the availability check.
import {webcrypto} from 'node:crypto';
import {appendFileSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, expect, test} from 'vitest';
import type {CardProof, ProofPurpose} from '../../src/contract/domain/account.js';
import {createActivationService, type ActivationService} from '../../src/server/activation-service.js';
import {EXTRACTION_COLUMNS} from '../../src/server/directory/extraction.js';
import {writeExtraction} from '../../src/server/directory/generator.js';
import {extractionLine} from '../helpers/extraction.js';
import {lastCode} from '../helpers/walk.js';
import {RSA_SIGNING, createTestPki, type TestPki} from '../harness/pki.js';

const HOLDERS_ADDRESS = 'marie-helene.dupont-lajoie@medecin.mssante.fr';
// The other form of the name, given nationally to a third practitioner.
const THIRDS_ADDRESS = 'dupont-lajoie.marie-helene@medecin.mssante.fr';
const PASSWORD = 'Kiosque#Sante2026';
const options = (email: string, listeRouge: boolean) => ({email, otpChannel: 'mail', notify: false, publishMobile: false, listeRouge, paperless: false});

/** A personal mailbox of the national file, for the practitioner of national identifier `national` (8 + RPPS). */
const mailbox = (address: string, national: string, city = 'CAEN') =>
	extractionLine({
		'Type de BAL': 'PER',
		'Adresse BAL': address,
		'Type Identifiant PP': national.slice(0, 1),
		'Identifiant PP': national.slice(1),
		'Identification nationale PP': national,
		"Civilité d'exercice": 'DR',
		"Nom d'exercice": 'DUPONT-LAJOIE',
		"Prénom d'exercice": 'Marie-Hélène',
		'Code Profession': '10',
		'Libellé Profession': 'Médecin',
		'Code postal': '14000',
		L6LIGNEACHEMINEMENT: `14000 ${city}`,
	});

let holder: TestPki;
let homonym: TestPki;
let root: string;
let file: string;
beforeAll(async () => {
	// The default test card (RPPS 10001234567), and a card with the same names and another RPPS.
	holder = await createTestPki();
	homonym = await createTestPki({...holder.identity, cn: '810009999999'}, holder);
	root = mkdtempSync(path.join(tmpdir(), 'mssante-national-'));
	file = path.join(root, 'Extraction_Correspondance_MSSante.txt');
	writeFileSync(
		file,
		`${[
			EXTRACTION_COLUMNS.join('|'),
			mailbox(HOLDERS_ADDRESS, holder.identity.cn),
			mailbox(THIRDS_ADDRESS, '810005555555', 'BAYEUX'),
			// On the generic domain, the plain form is the third practitioner's, the holder's has suffix 3.
			mailbox('marie-helene.dupont-lajoie@pro.mssante.fr', '810005555555', 'BAYEUX'),
			mailbox('marie-helene.dupont-lajoie3@pro.mssante.fr', holder.identity.cn),
		].join('\n')}\n`,
	);
});
afterAll(() => rmSync(root, {recursive: true, force: true}));

let service: ActivationService | undefined;
let url = '';
afterEach(async () => {
	await service?.close();
	service = undefined;
});

/** The real service on loopback, reading `directory` as its national file. */
async function start(directory = file, directoryWaitMs?: number): Promise<void> {
	const dataDir = mkdtempSync(path.join(root, 'data-'));
	service = await createActivationService({dataDir, takenAddresses: [], trustAnchorsPem: holder.caCertificate.toString('pem'), directory: {kind: 'file', path: directory}, directoryWaitMs});
	url = await service.listen(0);
}

const call = async (method: string, route: string, body?: unknown) => {
	const response = await fetch(`${url}${route}`, {method, headers: {'content-type': 'application/json'}, body: body === undefined ? undefined : JSON.stringify(body)});
	return {status: response.status, body: (await response.json()) as Record<string, unknown>};
};

/** A challenge issued for `purpose`, signed by `card`. */
async function proofFor(card: TestPki, purpose: ProofPurpose): Promise<CardProof> {
	const {body} = await call('POST', '/v1/challenges', {purpose});
	const signature = await webcrypto.subtle.sign(RSA_SIGNING, card.privateKey, Buffer.from(body.challenge as string, 'base64'));
	return {challengeId: body.challengeId as string, signature: Buffer.from(signature).toString('base64'), certificate: Buffer.from(card.certificateDer).toString('base64')};
}

/** Step 2's question, asked by `card` for its own proposals. */
const availability = async (card: TestPki, addresses: string[]) => call('POST', '/v1/addresses/availability', {proof: await proofFor(card, 'address'), addresses});

/** An activation by `card` over HTTP, its e-mail verified by the code the service sent (outbox). */
async function activate(card: TestPki, address: string, email: string, listeRouge: boolean) {
	const sent = await call('POST', '/v1/verifications', {proof: await proofFor(card, 'verify-channel'), channel: 'mail', destination: email});
	expect(sent.status).toBe(200);
	let code = '';
	for (let waited = 0; code === '' && waited < 100; waited++) {
		const mails = (service as ActivationService).accounts.outbox.list().filter(mail => mail.content.includes(`To: ${email}`));
		code = mails.length > 0 ? lastCode(mails) : '';
		if (code === '') await new Promise(resolve => setTimeout(resolve, 50));
	}
	expect((await call('POST', '/v1/verifications/confirm', {verificationId: sent.body.id, code})).status).toBe(200);
	return call('POST', '/v1/activations', {
		requestId: crypto.randomUUID(),
		verificationId: sent.body.id,
		proof: await proofFor(card, 'activate'),
		address,
		password: PASSWORD,
		options: options(email, listeRouge),
	});
}

/** Addresses a search for the name finds, once the national file is read (or could not be). */
async function found(text: string): Promise<string[]> {
	for (let tries = 0; ; tries++) {
		const {body} = await call('GET', `/v1/directory?q=${encodeURIComponent(text)}`);
		if (['ready', 'failed'].includes((body.state as {phase: string}).phase) || tries > 200) return (body.entries as Array<{address: string}>).map(entry => entry.address).sort();
		await new Promise(resolve => setTimeout(resolve, 50));
	}
}

test('a homonym’s card is never given the address the national file gives to someone else, and its liste rouge does not hide the holder', async () => {
	await start();
	// Step 2 for the homonym: both forms of the name belong nationally to others, so each gets a suffix.
	const asked = await availability(homonym, [HOLDERS_ADDRESS, THIRDS_ADDRESS]);
	expect(asked.status).toBe(200);
	expect(asked.body.results).toEqual([
		{requested: HOLDERS_ADDRESS, available: 'marie-helene.dupont-lajoie2@medecin.mssante.fr'},
		{requested: THIRDS_ADDRESS, available: 'dupont-lajoie.marie-helene2@medecin.mssante.fr'},
	]);
	// Asking for the holder's address anyway, on liste rouge: refused, the free one named.
	const taken = await activate(homonym, HOLDERS_ADDRESS, 'homonyme@exemple.fr', true);
	expect(taken.status).toBe(409);
	expect(taken.body).toMatchObject({code: 'address-taken', details: {address: ['marie-helene.dupont-lajoie2@medecin.mssante.fr']}});
	expect(await service?.accounts.accounts()).toEqual([]);
	// The suffixed one is the homonym's; on liste rouge it hides no one else.
	const own = await activate(homonym, 'marie-helene.dupont-lajoie2@medecin.mssante.fr', 'homonyme2@exemple.fr', true);
	expect(own.status).toBe(201);
	// The four national mailboxes, the holder's included; the homonym's own account is on liste rouge.
	expect(await found('dupont-lajoie')).toEqual([HOLDERS_ADDRESS, THIRDS_ADDRESS, 'marie-helene.dupont-lajoie@pro.mssante.fr', 'marie-helene.dupont-lajoie3@pro.mssante.fr'].sort());
});

test('the practitioner gets their own national address, and step 2 says it is already theirs', async () => {
	await start();
	const asked = await availability(holder, [HOLDERS_ADDRESS, THIRDS_ADDRESS, 'marie-helene.dupont-lajoie@pro.mssante.fr']);
	expect(asked.status).toBe(200);
	expect(asked.body.results).toEqual([
		{requested: HOLDERS_ADDRESS, available: HOLDERS_ADDRESS, alreadyYours: true},
		{requested: THIRDS_ADDRESS, available: 'dupont-lajoie.marie-helene2@medecin.mssante.fr'},
		// Their own suffixed address rather than a new one (…2@) beside it.
		{requested: 'marie-helene.dupont-lajoie@pro.mssante.fr', available: 'marie-helene.dupont-lajoie3@pro.mssante.fr', alreadyYours: true},
	]);
	// For the homonym, the generic one is the third practitioner's and suffix 3 the holder's.
	expect((await availability(homonym, ['marie-helene.dupont-lajoie@pro.mssante.fr'])).body.results).toEqual([
		{requested: 'marie-helene.dupont-lajoie@pro.mssante.fr', available: 'marie-helene.dupont-lajoie2@pro.mssante.fr'},
	]);
	// Activated on liste rouge: the account hides its own holder's national entry, and only it.
	const activated = await activate(holder, HOLDERS_ADDRESS, 'titulaire@exemple.fr', true);
	expect(activated.status).toBe(201);
	expect(activated.body).toMatchObject({address: HOLDERS_ADDRESS});
	expect(await found('dupont-lajoie')).toEqual(['marie-helene.dupont-lajoie3@pro.mssante.fr', 'marie-helene.dupont-lajoie@pro.mssante.fr', THIRDS_ADDRESS].sort());
});

test('a national file that cannot be read allocates nothing: 503, said as such', async () => {
	await start(path.join(root, 'absent.txt'));
	await found('dupont-lajoie');
	const asked = await availability(homonym, [HOLDERS_ADDRESS]);
	expect(asked.status).toBe(503);
	expect(asked.body).toMatchObject({code: 'unavailable', details: {directory: ['failed']}});
	expect(JSON.stringify(asked.body)).not.toContain(root);
});

test('while the national file is read, step 2 waits for it a moment, else says to try again: nothing is allocated blind', async () => {
	// A file large enough to take a while to read, with the two mailboxes at its end.
	const large = path.join(root, 'large.txt');
	await writeExtraction(large, {rows: 60_000, seed: 9});
	appendFileSync(large, `${[mailbox(HOLDERS_ADDRESS, holder.identity.cn), mailbox(THIRDS_ADDRESS, '810005555555', 'BAYEUX')].join('\n')}\n`);
	// Not waiting at all: refused while it loads, and said so.
	await start(large, 0);
	const early = await availability(homonym, [HOLDERS_ADDRESS]);
	expect(early.status).toBe(503);
	expect(early.body).toMatchObject({code: 'unavailable', details: {directory: ['loading']}, retryAfterSeconds: 5});
	const refused = await activate(homonym, HOLDERS_ADDRESS, 'homonyme@exemple.fr', false);
	expect(refused).toMatchObject({status: 503, body: {details: {directory: ['loading']}}});
	expect(await service?.accounts.accounts()).toEqual([]);
	await service?.close();
	// With the default wait (5 s): the first question waits for the file, then is answered from it.
	await start(large);
	const answered = await availability(homonym, [HOLDERS_ADDRESS]);
	expect(answered.status).toBe(200);
	expect(answered.body.results).toEqual([{requested: HOLDERS_ADDRESS, available: 'marie-helene.dupont-lajoie2@medecin.mssante.fr'}]);
});
