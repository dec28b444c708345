// A card proof is good for one operation (issue 12 item 5), against the real service over HTTP: a
// challenge is issued for a purpose, and a proof of it is refused by any other operation — a proof
// intercepted from a lookup cannot change the password nor activate nor invite.
import {webcrypto} from 'node:crypto';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, expect, test} from 'vitest';
import {identityFromCertificate} from '../../src/contract/certificate/cps-certificate.js';
import type {CardProof, ProofPurpose} from '../../src/contract/domain/account.js';
import {addressProposals} from '../../src/contract/rules/address-rules.js';
import {createActivationService, type ActivationService} from '../../src/server/activation-service.js';
import {RSA_SIGNING, createTestPki, type TestPki} from '../harness/pki.js';

const OPTIONS = {email: 'jean.dupont@exemple.fr', otpChannel: 'mail', notify: false, publishMobile: false, listeRouge: false, paperless: false} as const;
const PASSWORD = 'Kiosque#Sante2026';
let dataDir: string;
let service: ActivationService;
let url: string;
let card: TestPki;
let address: string;

beforeAll(async () => {
	card = await createTestPki();
	dataDir = mkdtempSync(path.join(tmpdir(), 'mssante-purpose-'));
	service = await createActivationService({dataDir, takenAddresses: [], trustAnchorsPem: card.caCertificate.toString('pem')});
	url = await service.listen(0);
	const identity = identityFromCertificate(card.certificateDer);
	({address} = await service.accounts.activate({
		requestId: 'r1',
		identity,
		address: addressProposals(identity)[0]?.address ?? '',
		password: PASSWORD,
		options: OPTIONS,
	}));
});
afterAll(async () => {
	await service.close();
	rmSync(dataDir, {recursive: true, force: true});
});

const call = (method: string, route: string, body: unknown) => fetch(`${url}${route}`, {method, headers: {'content-type': 'application/json'}, body: JSON.stringify(body)});

/** A challenge issued for `purpose`, signed by the card. */
async function proofFor(purpose: ProofPurpose): Promise<CardProof> {
	const {challengeId, challenge} = (await (await call('POST', '/v1/challenges', {purpose})).json()) as {challengeId: string; challenge: string};
	const signature = await webcrypto.subtle.sign(RSA_SIGNING, card.privateKey, Buffer.from(challenge, 'base64'));
	return {challengeId, signature: Buffer.from(signature).toString('base64'), certificate: Buffer.from(card.certificateDer).toString('base64')};
}

test('a proof made for a lookup looks up, and nothing else: not a password change, an activation, invitations or a session', async () => {
	expect((await call('POST', '/v1/accounts/lookup', {proof: await proofFor('lookup')})).status).toBe(200);
	const change = await call('PUT', `/v1/accounts/${encodeURIComponent(address)}`, {proof: await proofFor('lookup'), options: OPTIONS, password: 'Nouveau#Secret2027'});
	expect(change.status).toBe(401);
	expect(await change.json()).toMatchObject({code: 'card-proof', details: {card: ['challenge']}});
	expect(await service.accounts.checkSignIn(address, PASSWORD)).not.toBeNull();
	expect((await call('POST', '/v1/invitations', {proof: await proofFor('lookup'), emails: ['confrere@exemple.fr']})).status).toBe(401);
	expect((await call('POST', '/v1/sessions', {proof: await proofFor('lookup')})).status).toBe(401);
	expect((await call('POST', '/v1/verifications', {proof: await proofFor('lookup'), channel: 'mail', destination: OPTIONS.email})).status).toBe(401);
	const activation = await call('POST', '/v1/activations', {
		requestId: crypto.randomUUID(),
		proof: await proofFor('session'),
		verificationId: crypto.randomUUID(),
		address,
		password: PASSWORD,
		options: OPTIONS,
	});
	expect(activation.status).toBe(401);
});

test('a proof made for a change changes the account; a purpose that is not one of the operations is refused', async () => {
	const change = await call('PUT', `/v1/accounts/${encodeURIComponent(address)}`, {proof: await proofFor('update'), options: {...OPTIONS, listeRouge: true}});
	expect(change.status).toBe(200);
	expect(await change.json()).toMatchObject({options: {listeRouge: true}});
	expect((await call('POST', '/v1/challenges', {purpose: 'everything'})).status).toBe(400);
});

test('which addresses exist is said only to a proven card, for its own proposals (issue 12 item 8)', async () => {
	// Without a proof: refused, whatever the address.
	const anonymous = await call('POST', '/v1/addresses/availability', {addresses: [address, 'jean.martin@medecin.mssante.fr']});
	expect(anonymous.status).toBe(400);
	expect(JSON.stringify(await anonymous.json())).not.toContain('jean.martin2');
	// A proven card asking about someone else's address: refused, and nothing said about it.
	const probe = await call('POST', '/v1/addresses/availability', {proof: await proofFor('address'), addresses: ['jean.martin@medecin.mssante.fr']});
	expect(probe.status).toBe(403);
	expect(await probe.json()).toMatchObject({code: 'address-not-allowed'});
	// Its own proposals: answered (the first one is its own account's, so the next free suffix).
	const own = await call('POST', '/v1/addresses/availability', {proof: await proofFor('address'), addresses: [address]});
	expect(own.status).toBe(200);
	expect(await own.json()).toEqual({results: [{requested: address, available: address.replace('@', '2@')}]});
	// A proof made for anything else does not do.
	expect((await call('POST', '/v1/addresses/availability', {proof: await proofFor('lookup'), addresses: [address]})).status).toBe(401);
});
