// Once the session is wiped, nothing of it reaches the service (issue 10 item 10): the kiosk on the
// demo card and the real service over HTTP.
import {afterEach, describe, expect, test} from 'vitest';
import {BackendError} from '../../src/contract/api/errors.js';
import type {ApiClient} from '../../src/contract/api/operations.js';
import {DEMO_IDENTITY, type DemoCard} from '../../src/hardware/demo-card.js';
import type {CpsToken} from '../../src/hardware/cps-token.js';
import {createApiClient} from '../../src/services/api-client.js';
import {bindToSession, SessionEnded} from '../../src/state/session-bound.js';
import {startKiosk} from '../helpers/kiosk.js';
import {settle} from '../helpers/pilot.js';
import {fillAccount, lastCode, pressActivate, toStep3} from '../helpers/walk.js';

let kiosk: Awaited<ReturnType<typeof startKiosk>> | undefined;
afterEach(async () => {
	await kiosk?.stop();
	kiosk = undefined;
});

/**
 * Fake (the demo card refuses to sign once out, a real C_Sign already sent to the card may still
 * complete): the demo card's token, whose next signature comes back only after the card was pulled.
 */
function tokenPulledWhileSigning(card: () => DemoCard) {
	const state = {armed: false, pulled: false};
	const token: CpsToken = {
		pinStatus: () => card().pinStatus(),
		login: pin => card().login(pin),
		certificate: () => card().certificate(),
		logout: () => card().logout(),
		async sign(challenge) {
			const signature = await card().sign(challenge);
			if (state.armed) {
				state.armed = false;
				card().toggleCard();
				state.pulled = true;
				await new Promise(resolve => setTimeout(resolve, 30));
			}
			return signature;
		},
	};
	return {token, state};
}

describe('a session that ended sends nothing more', () => {
	test('the card pulled while the activation is being signed (fake: the signature completes after removal): no account on the service', async () => {
		let demo: DemoCard | undefined;
		const {token, state} = tokenPulledWhileSigning(() => demo as DemoCard);
		const calls: string[] = [];
		kiosk = await startKiosk({
			props: {token},
			wrapBackend: client =>
				new Proxy(client, {
					get: (target, operation) => (input: unknown, options: unknown) => {
						calls.push(String(operation));
						return (target[operation as keyof ApiClient] as (i: unknown, o: unknown) => Promise<unknown>)(input, options);
					},
				}),
		});
		demo = kiosk.card;
		const {pilot, backend} = kiosk;
		await toStep3(pilot);
		await fillAccount(pilot);
		await pressActivate(pilot);
		await pilot.waitFor('Saisissez le code à usage unique');
		state.armed = true;
		await pilot.type(`${lastCode(backend.outbox.list())}\r`);
		await pilot.waitFor('Carte retirée : session fermée.');
		await settle(300);
		expect(state.pulled).toBe(true);
		expect(calls).not.toContain('activate');
		expect(await backend.accountFor(DEMO_IDENTITY.nationalId)).toBeNull();
	});

	test('a request made with a proof of an ended session is not sent, and one in flight is abandoned', async () => {
		// A real HTTP server that never answers: the request in flight can only end by abandon.
		const {createServer} = await import('node:http');
		const received: string[] = [];
		const server = createServer(request => void received.push(request.url ?? ''));
		await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
		const {port} = server.address() as {port: number};
		try {
			let session = new AbortController();
			const client = createApiClient(`http://127.0.0.1:${port}`, {timeoutMs: 60_000, retryDelayMs: 10});
			const {api} = bindToSession(client, {sign: async () => new Uint8Array(), certificate: async () => new Uint8Array()}, () => session.signal);
			const inFlight = api.lookup({proof: {challengeId: 'c', signature: 's', certificate: 'x'}});
			await new Promise(resolve => setTimeout(resolve, 100));
			expect(received).toHaveLength(1);
			const started = Date.now();
			session.abort();
			session = new AbortController();
			await expect(inFlight).rejects.not.toBeInstanceOf(BackendError);
			expect(Date.now() - started).toBeLessThan(1_000);
			// The next session's requests go through.
			const next = api.lookup({proof: {challengeId: 'd', signature: 's', certificate: 'x'}});
			await new Promise(resolve => setTimeout(resolve, 100));
			expect(received).toHaveLength(2);
			session.abort();
			await expect(next).rejects.toBeDefined();
		} finally {
			server.closeAllConnections();
			server.close();
		}
	});

	test('a proof signed for a session is refused after that session ended, before anything is sent', async () => {
		let session = new AbortController();
		const sent: string[] = [];
		const client = new Proxy({} as ApiClient, {
			get: (_target, operation) => async () => {
				sent.push(String(operation));
				return {challengeId: 'c', challenge: Buffer.from('défi').toString('base64')};
			},
		});
		const {api, prove} = bindToSession(client, {sign: async () => new Uint8Array([1]), certificate: async () => new Uint8Array([2])}, () => session.signal);
		const proof = await prove('activate');
		session.abort();
		session = new AbortController();
		await expect(api.activate({requestId: 'r', proof, verificationId: 'v', address: 'a@b', password: 'p', options: {} as never})).rejects.toBeInstanceOf(SessionEnded);
		expect(sent).toEqual(['challenge']);
	});
});
