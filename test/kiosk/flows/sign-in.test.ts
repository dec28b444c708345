// The sign-in without the card, without Ink, on a fake backend: what is sent, what is refused.
import {describe, expect, test} from 'vitest';
import {BackendError} from '../../../src/contract/api/errors.js';
import {currentScreen} from '../../../src/flows/navigation.js';
import {createSignIn} from '../../../src/flows/sign-in.js';
import {fakeApi, flush, sessionAfter, t, type FakeAnswers} from './fakes.js';

function signInScreen(answers: FakeAnswers) {
	const store = sessionAfter({type: 'navigation/go', screen: 'sign-in'});
	const api = fakeApi(answers);
	return {store, api, signIn: createSignIn(store, {api, t, lang: 'fr'})};
}

describe('sign-in without the card (fake backend)', () => {
	test('an address and a password are both needed before anything is sent', () => {
		const {store, api, signIn} = signInScreen({});
		signIn.edit('address', '  ');
		signIn.submit();
		expect(api.calls).toEqual([]);
		expect(store.get().signIn.request).toEqual({phase: 'failed', error: t.signIn.missing});
	});

	test('the address is sent trimmed and in lower case; the code screen opens over the sign-in', async () => {
		const sent = {id: 'sign-in-1', channel: 'sms' as const, destination: '06 •• •• •• 78', resendAfterSeconds: 60};
		const {store, api, signIn} = signInScreen({signIn: () => sent});
		signIn.edit('address', ' Marie@Medecin.MSSante.fr ');
		signIn.edit('password', 'secret');
		signIn.submit();
		expect(store.get().signIn.request).toEqual({phase: 'sending'});
		await flush();
		expect(api.of('signIn')).toEqual([{address: 'marie@medecin.mssante.fr', password: 'secret', lang: 'fr'}]);
		expect(store.get().code).toMatchObject({purpose: 'sign-in', key: 'marie@medecin.mssante.fr', sent, typed: '', request: {phase: 'idle'}});
		expect(store.get().navigation.stack.map(entry => entry.screen)).toEqual(['welcome', 'sign-in', 'code']);
	});

	test('a refusal is said, and typing again clears it', async () => {
		const {store, signIn} = signInScreen({signIn: () => Promise.reject(new BackendError('sign-in-refused', 'no'))});
		signIn.edit('address', 'marie@medecin.mssante.fr');
		signIn.edit('password', 'faux');
		signIn.submit();
		await flush();
		expect(store.get().signIn.request).toEqual({phase: 'failed', error: t.backendErrors['sign-in-refused'], code: 'sign-in-refused'});
		expect(currentScreen(store.get().navigation)).toBe('sign-in');
		signIn.edit('password', 'vrai');
		expect(store.get().signIn.request).toEqual({phase: 'idle'});
	});
});
