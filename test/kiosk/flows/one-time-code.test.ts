// The one-time code without Ink, on a fake backend: a code verified resumes the activation that asked
// for it; a sign-in code opens the account; "Renvoyer le code" asks again.
import {describe, expect, test} from 'vitest';
import {BackendError} from '../../../src/contract/api/errors.js';
import type {PasswordAssessment} from '../../../src/contract/rules/password-policy.js';
import {createAccount} from '../../../src/flows/account.js';
import {currentScreen} from '../../../src/flows/navigation.js';
import {codeSent, createOneTimeCode} from '../../../src/flows/one-time-code.js';
import {createSignIn} from '../../../src/flows/sign-in.js';
import type {SessionAction} from '../../../src/state/session.js';
import {ACCOUNT, PROOF, fakeApi, fakeProve, flush, sessionAfter, t, TO_STEP3, type FakeAnswers} from './fakes.js';

const PASSWORD = 'Kiosque#Sante2026';
const SENT = {id: '22222222-2222-4222-8222-222222222222', channel: 'mail' as const, destination: 'm•••@exemple.fr', resendAfterSeconds: 60};
const NEW_SENT = {...SENT, id: '33333333-3333-4333-8333-333333333333'};
const fakeAssess = async (): Promise<PasswordAssessment> => ({problems: [], score: 4});

function flows(answers: FakeAnswers, ...actions: SessionAction[]) {
	const store = sessionAfter(...actions);
	const api = fakeApi(answers);
	const clock = {now: 1_000_000};
	const account = createAccount(store, {api, prove: fakeProve, assess: fakeAssess, t, lang: 'en', uuid: () => 'request-1'});
	const signIn = createSignIn(store, {api, t, lang: 'en'});
	const code = createOneTimeCode(store, {api, t, account, signIn, now: () => clock.now});
	return {store, api, account, signIn, code, clock, screen: () => currentScreen(store.get().navigation)};
}

const FILLED: SessionAction[] = [
	...TO_STEP3,
	{type: 'account/edit-field', field: 'password', value: PASSWORD},
	{type: 'account/edit-field', field: 'passwordConfirm', value: PASSWORD},
	{type: 'account/edit-field', field: 'email', value: 'mh@exemple.fr'},
];

/** The code screen open for a channel verification, the code sent at `at` (the flows' clock). */
const ON_CODE = (at = 1_000_000): SessionAction[] => [...FILLED, codeSent('verify-channel', 'mail:mh@exemple.fr', SENT, at), {type: 'navigation/open', screen: 'code'}];

describe('one-time code (fake backend)', () => {
	test('a code verified resumes the activation that asked for it, which then carries the verification', async () => {
		const {store, api, account, code, screen} = flows({verifyChannel: () => SENT, confirmChannel: () => ({verified: true}), activate: () => ACCOUNT}, ...FILLED);
		account.submit();
		await flush();
		expect(screen()).toBe('code');
		code.type('123456');
		code.submit();
		await flush();
		expect(api.of('confirmChannel')).toEqual([{verificationId: SENT.id, code: '123456'}]);
		expect(api.of('activate')).toEqual([expect.objectContaining({proof: PROOF, verificationId: SENT.id, requestId: 'request-1'})]);
		expect(store.get().code).toBeNull();
		expect(store.get().account.verified).toEqual({'mail:mh@exemple.fr': SENT.id});
		expect(screen()).toBe('step4');
	});

	test('the code is asked in the session’s language', async () => {
		const {api, account} = flows({verifyChannel: () => SENT}, ...FILLED);
		account.submit();
		await flush();
		expect(api.of('verifyChannel')).toEqual([expect.objectContaining({lang: 'en'})]);
	});

	test('a code that is not 6 digits is not sent', () => {
		const {store, api, code} = flows({}, ...ON_CODE());
		code.type('12');
		code.submit();
		expect(api.calls).toEqual([]);
		expect(store.get().code?.request).toEqual({phase: 'failed', error: t.code.sixDigits});
	});

	test('a wrong code says the tries left and is cleared; the code screen stays', async () => {
		const {store, code, screen} = flows({confirmChannel: () => Promise.reject(new BackendError('code-refused', 'no', undefined, {triesLeft: 3}))}, ...ON_CODE());
		code.type('000000');
		code.submit();
		await flush();
		expect(store.get().code).toMatchObject({request: {phase: 'failed', error: t.code.wrong(3), code: 'code-refused'}, typed: ''});
		expect(screen()).toBe('code');
	});

	test('a code that could not reach the service is kept, and the screen says so', async () => {
		const {store, code} = flows({confirmChannel: () => Promise.reject(new BackendError('unavailable', 'injoignable'))}, ...ON_CODE());
		code.type('123456');
		code.submit();
		await flush();
		expect(store.get().code).toMatchObject({request: {phase: 'failed', error: t.code.unreachable}, typed: '123456'});
	});

	test('"Renvoyer le code" before the wait is over asks nothing: the screen counts down', async () => {
		const {api, code, clock, screen} = flows({verifyChannel: () => NEW_SENT}, ...ON_CODE());
		clock.now += 59_999;
		code.resend();
		await flush();
		expect(api.calls).toEqual([]);
		expect(screen()).toBe('code');
	});

	test('"Renvoyer le code" once the wait is over: a new code, said so, on the same screen, the next wait counted from now', async () => {
		const {store, api, code, clock, screen} = flows({verifyChannel: () => NEW_SENT}, ...ON_CODE());
		code.type('12');
		clock.now += 60_000;
		code.resend();
		expect(store.get().code?.resend).toEqual({phase: 'sending'});
		await flush();
		expect(api.of('verifyChannel')).toEqual([{proof: PROOF, channel: 'mail', destination: 'mh@exemple.fr', lang: 'en'}]);
		expect(store.get().code).toMatchObject({sent: NEW_SENT, typed: '', resent: true, resend: {phase: 'idle'}, resendAt: clock.now + 60_000});
		expect(screen()).toBe('code');
		code.type('1');
		expect(store.get().code?.resent).toBe(false);
	});

	test('"Renvoyer le code" refused as too soon: the wait the service gives is counted down, the code screen stays', async () => {
		const {store, code, clock, screen} = flows({verifyChannel: () => Promise.reject(new BackendError('rate-limited', 'trop', undefined, {retryAfterSeconds: 42}))}, ...ON_CODE());
		clock.now += 60_000;
		code.resend();
		await flush();
		expect(store.get().code).toMatchObject({resend: {phase: 'failed', error: t.code.tooMany(42), code: 'rate-limited'}, resendAt: clock.now + 42_000, sent: SENT});
		expect(t.code.tooMany(42)).toContain('42 s');
		// A day's quota (issue 12 item 11): hours, not seconds.
		expect(t.code.tooMany(86_000)).toContain('24 h');
		expect(t.code.tooMany(600)).toContain('10 min');
		expect(screen()).toBe('code');
	});

	test('a sign-in code opens the account on step 4, the password forgotten', async () => {
		const {store, api, signIn, code, screen} = flows({signIn: () => SENT, confirmSignIn: () => ({session: 'session-1', account: ACCOUNT})}, {type: 'navigation/go', screen: 'sign-in'});
		signIn.edit('address', ACCOUNT.address);
		signIn.edit('password', PASSWORD);
		signIn.submit();
		await flush();
		expect(screen()).toBe('code');
		code.type('654321');
		code.submit();
		await flush();
		expect(api.of('confirmSignIn')).toEqual([{signInId: SENT.id, code: '654321'}]);
		expect(store.get().signIn).toEqual({address: ACCOUNT.address, password: '', request: {phase: 'idle'}, session: 'session-1'});
		expect(store.get().account).toMatchObject({activated: ACCOUNT, lastSave: null});
		expect(store.get().navigation.stack.map(entry => entry.screen)).toEqual(['step4']);
	});

	test('"Renvoyer le code" of a sign-in signs in again, in the session’s language, and stays on the code screen', async () => {
		const {api, signIn, code, clock, screen} = flows({signIn: () => SENT}, {type: 'navigation/go', screen: 'sign-in'});
		signIn.edit('address', ACCOUNT.address);
		signIn.edit('password', PASSWORD);
		signIn.submit();
		await flush();
		clock.now = Date.now() + 60_000;
		code.resend();
		await flush();
		expect(api.of('signIn')).toEqual([
			{address: ACCOUNT.address, password: PASSWORD, lang: 'en'},
			{address: ACCOUNT.address, password: PASSWORD, lang: 'en'},
		]);
		expect(screen()).toBe('code');
	});
});
