// "Modifier mon compte" attacked over HTTP (issue 12 item 7): a valid card changing someone else's
// account. The caller's right to the account is checked before anything the body says is
// evaluated, so the refusal is the same whether the address exists, and whether the guessed e-mail
// or mobile is the holder's: no probe of private contact details, nor of which accounts exist.
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {webcrypto} from 'node:crypto';
import {afterEach, beforeAll, beforeEach, describe, expect, test, vi} from 'vitest';
import type {CardProof} from '../../src/contract/domain/account.js';
import type {CardIdentity} from '../../src/contract/domain/card-identity.js';
import {createActivationService, type ActivationService} from '../../src/server/activation-service.js';
import {DEFAULT_TEST_IDENTITY, RSA_SIGNING, createTestPki, type TestPki} from '../harness/pki.js';

const PASSWORD = 'Kiosque#Sante2026';
const VICTIM_ADDRESS = 'paul.martin@medecin.mssante.fr';
const VICTIM: CardIdentity = {givenName: 'Paul', surname: 'MARTIN', profession: 'Médecin', professionCode: '10', nationalId: '10009999999', idType: 'RPPS'};
const VICTIM_OPTIONS = {email: 'paul.martin@exemple.fr', mobile: '+33612345678', otpChannel: 'mail', notify: false, publishMobile: false, listeRouge: false, paperless: false} as const;
// The attacker's card (DEFAULT_TEST_IDENTITY: RPPS 10001234567), with an account of its own.
const ATTACKER_ADDRESS = 'marie-helene.dupont-lajoie@medecin.mssante.fr';
const ATTACKER: CardIdentity = {givenName: 'Marie-Hélène', surname: 'DUPONT-LAJOIE', profession: 'Médecin', professionCode: '10', nationalId: '10001234567', idType: 'RPPS'};
const ATTACKER_OPTIONS = {email: 'mh.dupont@exemple.fr', otpChannel: 'mail', notify: false, publishMobile: false, listeRouge: false, paperless: false} as const;

let attacker: TestPki;
let victimCard: TestPki;
beforeAll(async () => {
	attacker = await createTestPki();
	victimCard = await createTestPki({...DEFAULT_TEST_IDENTITY, cn: '810009999999', sn: 'MARTIN', gn: 'PAUL'}, attacker);
});

let dataDir: string;
let service: ActivationService;
let url: string;
beforeEach(async () => {
	dataDir = mkdtempSync(path.join(tmpdir(), 'mssante-update-authz-'));
	service = await createActivationService({dataDir, takenAddresses: [], trustAnchorsPem: attacker.caCertificate.toString('pem')});
	url = await service.listen(0, '127.0.0.1');
	await service.accounts.activate({requestId: crypto.randomUUID(), identity: VICTIM, address: VICTIM_ADDRESS, password: PASSWORD, options: VICTIM_OPTIONS});
});
afterEach(async () => {
	vi.restoreAllMocks();
	await service.close();
	rmSync(dataDir, {recursive: true, force: true});
});

async function proof(card: TestPki): Promise<CardProof> {
	const {challengeId, challenge} = (await (await fetch(`${url}/v1/challenges`, {method: 'POST'})).json()) as {challengeId: string; challenge: string};
	const signature = await webcrypto.subtle.sign(RSA_SIGNING, card.privateKey, Buffer.from(challenge, 'base64'));
	return {challengeId, signature: Buffer.from(signature).toString('base64'), certificate: Buffer.from(card.certificateDer).toString('base64')};
}

async function put(address: string, body: object): Promise<{status: number; body: unknown}> {
	const response = await fetch(`${url}/v1/accounts/${encodeURIComponent(address)}`, {method: 'PUT', headers: {'content-type': 'application/json'}, body: JSON.stringify(body)});
	return {status: response.status, body: await response.json()};
}

// What the attacker may put in the body: the holder's true e-mail (and mobile), a wrong guess,
// a channel change with a made-up verification, a weak password.
const BODIES = [
	{options: VICTIM_OPTIONS},
	{options: {...VICTIM_OPTIONS, email: 'devine@exemple.fr'}},
	{options: {...VICTIM_OPTIONS, mobile: '+33698765432'}},
	{options: {...VICTIM_OPTIONS, otpChannel: 'sms'}, verificationId: crypto.randomUUID()},
	{options: VICTIM_OPTIONS, password: 'faible'},
	{options: {...VICTIM_OPTIONS, email: 'devine@exemple.fr'}, password: 'faible'},
];

describe('changing an account that is not the card’s', () => {
	test('one refusal, whatever the body guesses and whether the address exists (card with an account of its own)', async () => {
		await service.accounts.activate({requestId: crypto.randomUUID(), identity: ATTACKER, address: ATTACKER_ADDRESS, password: PASSWORD, options: ATTACKER_OPTIONS});
		const answers = new Set<string>();
		for (const target of [VICTIM_ADDRESS, 'personne.inconnue@medecin.mssante.fr']) {
			for (const body of BODIES) answers.add(JSON.stringify(await put(target, {...body, proof: await proof(attacker)})));
		}
		expect([...answers]).toHaveLength(1);
		expect(JSON.parse([...answers][0] ?? '{}')).toMatchObject({status: 404, body: {code: 'not-found'}});
		// Nothing changed, and the holder still changes its own account with its card.
		expect((await service.accounts.accountAt(VICTIM_ADDRESS))?.options).toEqual(VICTIM_OPTIONS);
		const own = await put(VICTIM_ADDRESS, {proof: await proof(victimCard), options: {...VICTIM_OPTIONS, notify: true}});
		expect(own.status).toBe(200);
		// And the attacker its own.
		expect((await put(ATTACKER_ADDRESS, {proof: await proof(attacker), options: {...ATTACKER_OPTIONS, notify: true}})).status).toBe(200);
	});

	test('a card without an account: the same single refusal', async () => {
		const answers = new Set<string>();
		for (const target of [VICTIM_ADDRESS, 'personne.inconnue@medecin.mssante.fr']) {
			for (const body of BODIES) answers.add(JSON.stringify(await put(target, {...body, proof: await proof(attacker)})));
		}
		expect([...answers]).toHaveLength(1);
	});

	test('the same work whether the account exists or not: the target address is never looked up for a card that does not hold it', async () => {
		const lookups = vi.spyOn(service.accounts, 'accountAt');
		await put(VICTIM_ADDRESS, {proof: await proof(attacker), options: VICTIM_OPTIONS});
		await put(VICTIM_ADDRESS, {proof: await proof(attacker), options: {...VICTIM_OPTIONS, email: 'devine@exemple.fr'}});
		await put('personne.inconnue@medecin.mssante.fr', {proof: await proof(attacker), options: VICTIM_OPTIONS});
		expect(lookups).not.toHaveBeenCalled();
		// No event tells them apart either: each attempt is recorded refused, not-found.
		await service.accounts.audit.flushed();
		const refused = (await service.accounts.audit.since()).filter(event => event.action === 'update');
		expect(refused.map(event => [event.outcome, event.detail])).toEqual([
			['refused', 'not-found'],
			['refused', 'not-found'],
			['refused', 'not-found'],
		]);
	});
});
