// Step 1 without Ink, on a fake token and a fake backend: the PIN's tries, the identity, the account
// found for the card, and an answer arriving after the session was wiped.
import {describe, expect, test} from 'vitest';
import {createCardAndPin, proveCard} from '../../../src/flows/card-and-pin.js';
import {currentScreen} from '../../../src/flows/navigation.js';
import type {LoginResult} from '../../../src/hardware/cps-token.js';
import {DEMO_IDENTITY} from '../../../src/hardware/demo-card.js';
import {BackendError} from '../../../src/contract/api/errors.js';
import {fr} from '../../../src/contract/i18n/fr.js';
import {createSessionStore} from '../../../src/state/session-store.js';
import {ACCOUNT, deferred, fakeApi, fakeProve, fakeToken, flush} from './fakes.js';

function step1(token = fakeToken(), api = fakeApi({lookup: () => ACCOUNT})) {
	const store = createSessionStore();
	store.dispatch({type: 'navigation/go', screen: 'step1'});
	return {store, token, api, card: createCardAndPin(store, {token, api, prove: fakeProve, t: fr})};
}

describe('card and PIN (fake token, fake backend)', () => {
	test('a wrong PIN decrements the tries the card reports, the third locks it', async () => {
		const {store, card} = step1();
		card.submitPin('0000');
		expect(store.get().card.pin.phase).toBe('checking');
		await flush();
		expect(store.get().card.pin).toEqual({phase: 'entry', status: null, lastAttempt: 'incorrect', triesLeft: 2});
		card.submitPin('1111');
		await flush();
		expect(store.get().card.pin).toMatchObject({lastAttempt: 'incorrect', triesLeft: 1});
		card.checkPinStatus();
		await flush();
		expect(store.get().card.pin).toMatchObject({status: {state: 'final-try'}});
		card.submitPin('2222');
		await flush();
		expect(store.get().card.pin).toEqual({phase: 'locked'});
	});

	test('a PIN that is not 4 digits never reaches the card', () => {
		const {store, card, token} = step1();
		card.submitPin('12');
		expect(token.logins).toEqual([]);
		expect(store.get().card.pin).toMatchObject({phase: 'entry', lastAttempt: 'too-short'});
	});

	test('the right PIN reads the identity and looks up the account with a card proof', async () => {
		const {store, card, api} = step1();
		card.submitPin('1234');
		await flush();
		expect(store.get().card).toEqual({pin: {phase: 'ok'}, identity: DEMO_IDENTITY, check: {phase: 'accepted'}});
		expect(store.get().account.activated).toEqual(ACCOUNT);
		expect(api.of('lookup')).toEqual([{proof: await fakeProve()}]);
	});

	test('a card without an account yet (404) is accepted: the wizard goes on to step 2', async () => {
		const {store, card} = step1(
			fakeToken(),
			fakeApi({
				lookup: () => {
					throw new BackendError('not-found', 'Aucun compte');
				},
			}),
		);
		card.submitPin('1234');
		await flush();
		expect(store.get().card.check).toEqual({phase: 'accepted'});
		expect(store.get().account.activated).toBeNull();
		card.continueAfterLogin();
		expect(currentScreen(store.get().navigation)).toBe('step2');
	});

	test('a card the service refuses is said at once, with the service’s reason, and the wizard stops there', async () => {
		const {store, card} = step1(
			fakeToken(),
			fakeApi({
				lookup: () => {
					throw new BackendError('card-proof', 'Certificat de carte non émis par une autorité reconnue', {card: ['untrusted']});
				},
			}),
		);
		card.submitPin('1234');
		await flush();
		expect(store.get().card.check).toEqual({phase: 'refused', reason: fr.cardRefusals.untrusted});
		card.continueAfterLogin();
		expect(currentScreen(store.get().navigation)).toBe('step1');
	});

	test('the service unreachable right after the PIN: said, and "Réessayer" checks again without the PIN', async () => {
		let reachable = false;
		const api = fakeApi({
			lookup: () => {
				if (!reachable) throw new BackendError('unavailable', 'injoignable');
				return ACCOUNT;
			},
		});
		const {store, card, token} = step1(fakeToken(), api);
		card.submitPin('1234');
		await flush();
		expect(store.get().card.check).toEqual({phase: 'failed', error: fr.backendErrors.unavailable});
		reachable = true;
		card.recheckCard();
		await flush();
		expect(store.get().card.check).toEqual({phase: 'accepted'});
		expect(store.get().account.activated).toEqual(ACCOUNT);
		expect(token.logins).toEqual(['1234']);
	});

	test('with the account already activated, "Continuer" settles on step 4', async () => {
		const {store, card} = step1();
		card.submitPin('1234');
		await flush();
		card.continueAfterLogin();
		expect(store.get().navigation.stack.map(entry => entry.screen)).toEqual(['step4']);
	});

	test('"Continuer" does nothing before the card is read', () => {
		const {store, card} = step1();
		card.continueAfterLogin();
		expect(currentScreen(store.get().navigation)).toBe('step1');
	});

	test('the card removed during the check, or a token error, is said', async () => {
		const results: LoginResult[] = [{kind: 'card-removed'}, {kind: 'error', message: 'CKR_DEVICE_ERROR'}];
		const token = {...fakeToken(), login: async () => results.shift() as LoginResult};
		const {store, card} = step1(token);
		card.submitPin('1234');
		await flush();
		expect(store.get().card.pin).toEqual({phase: 'entry', status: null, lastAttempt: 'card-removed'});
		card.submitPin('1234');
		await flush();
		expect(store.get().card.pin).toEqual({phase: 'entry', status: null, error: 'CKR_DEVICE_ERROR'});
	});

	test('a wiped session drops the late answer of the card', async () => {
		const login = deferred<LoginResult>();
		const {store, card} = step1({...fakeToken(), login: () => login.promise});
		card.submitPin('1234');
		store.wipe('card-removed');
		login.resolve({kind: 'ok', identity: DEMO_IDENTITY});
		await flush();
		expect(store.get().card.identity).toBeNull();
		expect(currentScreen(store.get().navigation)).toBe('welcome');
		expect(store.get().navigation.notice).toBe('card-removed');
	});

	test('the card proof is the backend challenge signed by the card, with its certificate', async () => {
		const asked: unknown[] = [];
		const api = fakeApi({
			challenge: input => {
				asked.push(input);
				return {challengeId: 'c-1', challenge: Buffer.from('défi').toString('base64'), expiresAt: '2026-01-01T00:02:00.000Z'};
			},
		});
		const signed: Uint8Array[] = [];
		const token = {
			...fakeToken(),
			sign: async (bytes: Uint8Array) => {
				signed.push(bytes);
				return new Uint8Array([9]);
			},
		};
		expect(await proveCard({api, token}, 'lookup')).toEqual({challengeId: 'c-1', signature: 'CQ==', certificate: 'BAUG'});
		// The challenge is asked for the operation the proof is for: the service accepts it for that one only.
		expect(asked).toEqual([{purpose: 'lookup'}]);
		expect(Buffer.from(signed[0] ?? []).toString()).toBe('défi');
	});
});
