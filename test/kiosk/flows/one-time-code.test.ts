// The one-time code without Ink, on a fake backend: a code verified resumes the activation that asked
// for it; a sign-in code opens the account; "Renvoyer le code" asks again.
import {describe, expect, test} from 'vitest';
import {BackendError} from '../../../src/contract/api/errors.js';
import type {PasswordAssessment} from '../../../src/contract/rules/password-policy.js';
import {createAccount} from '../../../src/flows/account.js';
import {currentScreen} from '../../../src/flows/navigation.js';
import {createOneTimeCode} from '../../../src/flows/one-time-code.js';
import {createSignIn} from '../../../src/flows/sign-in.js';
import type {SessionAction} from '../../../src/state/session.js';
import {ACCOUNT, PROOF, fakeApi, fakeProve, flush, sessionAfter, t, TO_STEP3, type FakeAnswers} from './fakes.js';

const PASSWORD = 'Kiosque#Sante2026';
const SENT = {id: '22222222-2222-4222-8222-222222222222', channel: 'mail' as const, destination: 'm•••@exemple.fr'};
const fakeAssess = async (): Promise<PasswordAssessment> => ({problems: [], score: 4});

function flows(answers: FakeAnswers, ...actions: SessionAction[]) {
	const store = sessionAfter(...actions);
	const api = fakeApi(answers);
	const account = createAccount(store, {api, prove: fakeProve, assess: fakeAssess, t, uuid: () => 'request-1'});
	const signIn = createSignIn(store, {api, t});
	const code = createOneTimeCode(store, {api, t, account, signIn});
	return {store, api, account, signIn, code, screen: () => currentScreen(store.get().navigation)};
}

const FILLED: SessionAction[] = [
	...TO_STEP3,
	{type: 'account/edit-field', field: 'password', value: PASSWORD},
	{type: 'account/edit-field', field: 'passwordConfirm', value: PASSWORD},
	{type: 'account/edit-field', field: 'email', value: 'mh@exemple.fr'},
];

describe('one-time code (fake backend)', () => {
	test('a code verified resumes the activation that asked for it, which then carries the verification', async () => {
		const {store, api, account, code, screen} = flows({verifyChannel: () => SENT, confirmChannel: () => ({verified: true}), activate: () => ACCOUNT}, ...FILLED);
		account.submit();
		await flush();
		expect(screen()).toBe('code');
		code.submit('123456');
		await flush();
		expect(api.of('confirmChannel')).toEqual([{verificationId: SENT.id, code: '123456'}]);
		expect(api.of('activate')).toEqual([expect.objectContaining({proof: PROOF, verificationId: SENT.id, requestId: 'request-1'})]);
		expect(store.get().code).toBeNull();
		expect(store.get().account.verified).toEqual({key: 'mail:mh@exemple.fr', id: SENT.id});
		expect(screen()).toBe('step4');
	});

	test('a code that is not 6 digits is not sent', () => {
		const {store, api, code} = flows({}, ...FILLED, {type: 'code/sent', purpose: 'verify-channel', sent: SENT}, {type: 'navigation/open', screen: 'code'});
		code.submit('12a');
		expect(api.calls).toEqual([]);
		expect(store.get().code?.request).toEqual({phase: 'failed', error: t.code.sixDigits});
	});

	test('a wrong code is said, and the code screen stays', async () => {
		const {store, code, screen} = flows(
			{confirmChannel: () => Promise.reject(new BackendError('code-refused', 'no'))},
			...FILLED,
			{type: 'code/sent', purpose: 'verify-channel', sent: SENT},
			{type: 'navigation/open', screen: 'code'},
		);
		code.submit('000000');
		await flush();
		expect(store.get().code?.request).toEqual({phase: 'failed', error: t.backendErrors['code-refused'], code: 'code-refused'});
		expect(screen()).toBe('code');
	});

	test('"Renvoyer le code" goes back to the form and submits it again: a new code', async () => {
		const {api, account, code, screen} = flows({verifyChannel: () => SENT}, ...FILLED);
		account.submit();
		await flush();
		code.resend();
		await flush();
		expect(api.of('verifyChannel')).toHaveLength(2);
		expect(screen()).toBe('code');
	});

	test('a sign-in code opens the account on step 4, the password forgotten', async () => {
		const {store, api, signIn, code, screen} = flows({signIn: () => SENT, confirmSignIn: () => ({session: 'session-1', account: ACCOUNT})}, {type: 'navigation/go', screen: 'sign-in'});
		signIn.edit('address', ACCOUNT.address);
		signIn.edit('password', PASSWORD);
		signIn.submit();
		await flush();
		expect(screen()).toBe('code');
		code.submit('654321');
		await flush();
		expect(api.of('confirmSignIn')).toEqual([{signInId: SENT.id, code: '654321'}]);
		expect(store.get().signIn).toEqual({address: ACCOUNT.address, password: '', request: {phase: 'idle'}, session: 'session-1'});
		expect(store.get().account).toMatchObject({activated: ACCOUNT, lastSave: null});
		expect(store.get().navigation.stack.map(entry => entry.screen)).toEqual(['step4']);
	});

	test('"Renvoyer le code" of a sign-in signs in again', async () => {
		const {api, signIn, code} = flows({signIn: () => SENT}, {type: 'navigation/go', screen: 'sign-in'});
		signIn.edit('address', ACCOUNT.address);
		signIn.edit('password', PASSWORD);
		signIn.submit();
		await flush();
		code.resend();
		await flush();
		expect(api.of('signIn')).toHaveLength(2);
	});
});
