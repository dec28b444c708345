// A revoked card, and one whose revocation cannot be checked, told at step 1 in a practitioner's
// words (issue 12 item 2): the kiosk on the demo card talks over loopback HTTP to a real service
// trusting a test root, whose CRL a real HTTP server on loopback publishes. The demo card's
// certificate is swapped, in the kiosk's HTTP client, for a test card issued by that root and its
// signature of the same challenge: everything else — the challenge, the proof's check, the CRL's
// download, the refusal and what the kiosk shows — is the real thing.
import {createServer, type Server} from 'node:http';
import type {AddressInfo} from 'node:net';
import {webcrypto} from 'node:crypto';
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import type {ApiClient} from '../../src/contract/api/operations.js';
import type {CardProof} from '../../src/contract/domain/account.js';
import {RSA_SIGNING, createTestAuthority, createTestCrl, issueTestCard, type TestAuthority, type TestPki} from '../harness/pki.js';
import {startKiosk} from '../helpers/kiosk.js';

let crlServer: Server;
let crlBase: string;
let root: TestAuthority;
let revoked: TestPki;
let unreachable: TestPki;
beforeAll(async () => {
	root = await createTestAuthority();
	crlServer = createServer();
	await new Promise<void>(resolve => crlServer.listen(0, '127.0.0.1', resolve));
	crlBase = `http://127.0.0.1:${(crlServer.address() as AddressInfo).port}`;
	revoked = await issueTestCard(root, {crlUrls: [`${crlBase}/root.crl`]});
	const crl = await createTestCrl(root, [revoked.certificate]);
	crlServer.on('request', (request, response) => {
		if (request.url === '/root.crl') response.writeHead(200, {'content-type': 'application/pkix-crl'}).end(Buffer.from(crl));
		else response.writeHead(404).end();
	});
	// A distribution point where nothing answers: a port that was free a moment ago.
	const closed = createServer();
	await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve));
	const dead = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/root.crl`;
	await new Promise<void>(resolve => closed.close(() => resolve()));
	unreachable = await issueTestCard(root, {crlUrls: [dead]});
});
afterAll(() => {
	crlServer.close();
});

let kiosk: Awaited<ReturnType<typeof startKiosk>> | undefined;
afterEach(async () => {
	await kiosk?.stop();
	kiosk = undefined;
});

/** The kiosk's client, whose card proofs are made by `card` instead of the demo card: same challenge, `card`'s certificate and signature. */
function provedBy(card: TestPki): (client: ApiClient) => ApiClient {
	return client => {
		const challenges = new Map<string, string>();
		const swap = async (proof: CardProof): Promise<CardProof> => {
			const challenge = Buffer.from(challenges.get(proof.challengeId) ?? '', 'base64');
			const signature = await webcrypto.subtle.sign(RSA_SIGNING, card.privateKey, challenge);
			return {challengeId: proof.challengeId, signature: Buffer.from(signature).toString('base64'), certificate: Buffer.from(card.certificateDer).toString('base64')};
		};
		return {
			...client,
			challenge: async (input, options) => {
				const answer = await client.challenge(input, options);
				challenges.set(answer.challengeId, answer.challenge);
				return answer;
			},
			lookup: async (input, options) => client.lookup({...input, proof: await swap(input.proof)}, options),
		};
	};
}

async function refusalAfterPin(card: TestPki): Promise<string> {
	kiosk = await startKiosk({trustAnchorsPem: root.pem, wrapBackend: provedBy(card)});
	const {pilot} = kiosk;
	await pilot.press('enter');
	await pilot.waitFor('Entrez le code porteur');
	await pilot.type('1234\r');
	const frame = await pilot.waitFor('Carte refusée par le service d’activation');
	expect(frame).not.toContain('Continuer');
	return frame.replace(/\s+/g, ' ');
}

describe('revocation told at step 1', () => {
	test('a card revoked in its authority’s CRL: "carte révoquée", no way on', async () => {
		const frame = await refusalAfterPin(revoked);
		expect(frame).toContain('carte révoquée — elle a été déclarée perdue, volée ou remplacée');
		expect(frame).toContain('utilisez votre nouvelle carte CPS');
	});

	test('the CRL out of reach: the kiosk says the check is impossible and to try again in a few minutes', async () => {
		const frame = await refusalAfterPin(unreachable);
		expect(frame).toContain('impossible de vérifier si la carte est révoquée');
		expect(frame).toContain('réessayez dans quelques minutes');
	});
});
