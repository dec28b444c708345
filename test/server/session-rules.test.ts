// Sessions of "Me connecter sans carte CPS" (issue 12 item 10), against the real service over HTTP:
// a session must give the current password to change it, and a new password or a new code channel
// ends every other session — including one opened before, by someone who had the old password.
import {webcrypto} from 'node:crypto';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, expect, test} from 'vitest';
import {identityFromCertificate} from '../../src/contract/certificate/cps-certificate.js';
import type {CardProof, ProofPurpose} from '../../src/contract/domain/account.js';
import {addressProposals} from '../../src/contract/rules/address-rules.js';
import {createActivationService, type ActivationService} from '../../src/server/activation-service.js';
import {RSA_SIGNING, createTestPki, type TestPki} from '../harness/pki.js';
import {lastCode} from '../helpers/walk.js';

const OPTIONS = {email: 'jean.dupont@exemple.fr', otpChannel: 'mail', notify: false, publishMobile: false, listeRouge: false, paperless: false} as const;
const PASSWORD = 'Kiosque#Sante2026';
const NEW_PASSWORD = 'Nouveau#Secret2027';
let dataDir: string;
let service: ActivationService;
let url: string;
let card: TestPki;
let address: string;
let clock = Date.now();

beforeEach(async () => {
	card ??= await createTestPki();
	dataDir = mkdtempSync(path.join(tmpdir(), 'mssante-sessions-'));
	clock = Date.now();
	service = await createActivationService({dataDir, takenAddresses: [], trustAnchorsPem: card.caCertificate.toString('pem'), now: () => clock, trustedProxies: ['127.0.0.1']});
	url = await service.listen(0);
	const identity = identityFromCertificate(card.certificateDer);
	({address} = await service.accounts.activate({requestId: 'r1', identity, address: addressProposals(identity)[0]?.address ?? '', password: PASSWORD, options: OPTIONS}));
});
afterEach(async () => {
	await service.close();
	rmSync(dataDir, {recursive: true, force: true});
});

async function call(method: string, route: string, body: unknown, client = '10.0.0.7'): Promise<{status: number; json: Record<string, unknown>}> {
	const response = await fetch(`${url}${route}`, {method, headers: {'content-type': 'application/json', 'x-forwarded-for': client}, body: JSON.stringify(body)});
	return {status: response.status, json: (await response.json()) as Record<string, unknown>};
}

/** A session of a sign-in without the card: the password, then the code mailed to the account's e-mail. */
async function signIn(password = PASSWORD): Promise<string> {
	clock += 61_000;
	const sent = await call('POST', '/v1/sign-in', {address, password});
	expect(sent.status).toBe(200);
	const confirmed = await call('POST', '/v1/sign-in/confirm', {signInId: sent.json['id'], code: lastCode(service.accounts.outbox.list())});
	expect(confirmed.status).toBe(200);
	return String(confirmed.json['session']);
}

async function proofFor(purpose: ProofPurpose): Promise<CardProof> {
	const {json} = await call('POST', '/v1/challenges', {purpose});
	const signature = await webcrypto.subtle.sign(RSA_SIGNING, card.privateKey, Buffer.from(String(json['challenge']), 'base64'));
	return {challengeId: String(json['challengeId']), signature: Buffer.from(signature).toString('base64'), certificate: Buffer.from(card.certificateDer).toString('base64')};
}

const update = (body: Record<string, unknown>) => call('PUT', `/v1/accounts/${encodeURIComponent(address)}`, {options: OPTIONS, ...body});

test('a session changes the password only with the current one, and the change ends every other session', async () => {
	const mine = await signIn();
	const other = await signIn();
	// Without the current password, or with a wrong one: refused, nothing changed.
	expect(await update({session: mine, password: NEW_PASSWORD})).toMatchObject({status: 401, json: {code: 'current-password'}});
	expect(await update({session: mine, password: NEW_PASSWORD, currentPassword: 'Mauvais#2026abc'})).toMatchObject({status: 401, json: {code: 'current-password'}});
	expect(await service.accounts.checkSignIn(address, PASSWORD)).not.toBeNull();
	// With it: changed, and the other session is over; this one goes on.
	expect((await update({session: mine, password: NEW_PASSWORD, currentPassword: PASSWORD})).status).toBe(200);
	expect(await service.accounts.checkSignIn(address, NEW_PASSWORD)).not.toBeNull();
	expect(await update({session: other, options: {...OPTIONS, notify: true}})).toMatchObject({status: 401, json: {code: 'sign-in-refused'}});
	expect((await update({session: mine, options: {...OPTIONS, notify: true}})).status).toBe(200);
});

test('a session that guesses the current password is slowed like a sign-in', async () => {
	const mine = await signIn();
	const statuses: number[] = [];
	for (let guess = 0; guess < 8; guess++) statuses.push((await update({session: mine, password: NEW_PASSWORD, currentPassword: `Mauvais#${guess}abc`})).status);
	expect(statuses.filter(status => status === 429).length).toBeGreaterThan(0);
});

test('the holder changing the password or the code channel with the card ends every session', async () => {
	const first = await signIn();
	expect((await update({proof: await proofFor('update'), password: NEW_PASSWORD})).status).toBe(200);
	expect(await update({session: first, options: {...OPTIONS, notify: true}})).toMatchObject({status: 401, json: {code: 'sign-in-refused'}});
	const second = await signIn(NEW_PASSWORD);
	// Codes to a mobile now (verified first, with the card): the session opened with a code by e-mail is over.
	clock += 61_000;
	const sent = await call('POST', '/v1/verifications', {proof: await proofFor('verify-channel'), channel: 'sms', destination: '0612345678'});
	expect(sent.status).toBe(200);
	const code = lastCode(service.accounts.outbox.list());
	expect((await call('POST', '/v1/verifications/confirm', {verificationId: sent.json['id'], code})).status).toBe(200);
	const moved = await update({proof: await proofFor('update'), verificationId: sent.json['id'], options: {...OPTIONS, mobile: '0612345678', otpChannel: 'sms'}});
	expect(moved.status).toBe(200);
	expect(await update({session: second, options: {...OPTIONS, mobile: '0612345678', otpChannel: 'sms', notify: true}})).toMatchObject({status: 401, json: {code: 'sign-in-refused'}});
});

test('a mobile is published only once a code was received on it with the card: not by a session, not at activation without it', async () => {
	const withMobile = {...OPTIONS, mobile: '+33612345678'};
	expect((await update({proof: await proofFor('update'), options: withMobile})).status).toBe(200);
	// A session cannot publish a mobile never proven.
	const session = await signIn();
	expect(await update({session, options: {...withMobile, publishMobile: true}})).toMatchObject({status: 403, json: {code: 'channel-not-verified', details: {mobile: ['not-verified']}}});
	// Nor can the card without a code to that mobile.
	expect(await update({proof: await proofFor('update'), options: {...withMobile, publishMobile: true}})).toMatchObject({json: {code: 'channel-not-verified'}});
	// With the card and a code received on it: published; a session may then keep it or hide it.
	clock += 61_000;
	const sent = await call('POST', '/v1/verifications', {proof: await proofFor('verify-channel'), channel: 'sms', destination: '06 12 34 56 78'});
	expect((await call('POST', '/v1/verifications/confirm', {verificationId: sent.json['id'], code: lastCode(service.accounts.outbox.list())})).status).toBe(200);
	expect((await update({proof: await proofFor('update'), mobileVerificationId: sent.json['id'], options: {...withMobile, publishMobile: true}})).status).toBe(200);
	expect((await update({session: await signIn(), options: {...withMobile, publishMobile: false}})).status).toBe(200);
	expect((await update({session: await signIn(), options: {...withMobile, publishMobile: true}})).status).toBe(200);
});
