// Step 3 and the activation without Ink, on a fake backend and a fake password policy: the option
// rules, the problems shown, the code asked before activating, the activation, the change, retries.
import {describe, expect, test} from 'vitest';
import {BackendError} from '../../../src/contract/api/errors.js';
import type {PasswordAssessment} from '../../../src/contract/rules/password-policy.js';
import {accountProblems, createAccount} from '../../../src/flows/account.js';
import {currentScreen} from '../../../src/flows/navigation.js';
import type {SessionAction} from '../../../src/state/session.js';
import {ACCOUNT, PROOF, deferred, fakeApi, fakeProve, flush, sessionAfter, t, TO_STEP3, type FakeAnswers} from './fakes.js';

const PASSWORD = 'Kiosque#Sante2026';

/** A fake password policy: "Azerty123" is a common password, anything else passes. */
const fakeAssess = async (password: string): Promise<PasswordAssessment> => (password === 'Azerty123' ? {problems: ['common'], score: 0} : {problems: [], score: 4});

/** The form filled with valid values. */
const FILLED: SessionAction[] = [
	{type: 'account/edit-field', field: 'password', value: PASSWORD},
	{type: 'account/edit-field', field: 'passwordConfirm', value: PASSWORD},
	{type: 'account/edit-field', field: 'email', value: 'mh@exemple.fr'},
	{type: 'account/edit-field', field: 'mobile', value: '06 12 34 56 78'},
];

const SENT = {id: '11111111-1111-4111-8111-111111111111', channel: 'mail' as const, destination: 'm•••@exemple.fr', resendAfterSeconds: 60};

function step3(answers: FakeAnswers, ...actions: SessionAction[]) {
	const store = sessionAfter(...TO_STEP3, ...actions);
	const api = fakeApi(answers);
	const account = createAccount(store, {api, prove: fakeProve, assess: fakeAssess, t, lang: 'fr', uuid: () => 'request-1'});
	return {store, api, account, screen: () => currentScreen(store.get().navigation)};
}

describe('account form rules', () => {
	test('liste rouge turns publishing the mobile off and says why', () => {
		const {store, account} = step3({}, ...FILLED);
		account.toggleOption('publishMobile');
		expect(store.get().account.form.publishMobile).toBe(true);
		account.toggleOption('listeRouge');
		expect(store.get().account.form).toMatchObject({listeRouge: true, publishMobile: false});
		expect(store.get().account.fieldNotes).toEqual({publishMobile: 'liste-rouge-turned-off-publish'});
	});

	test('SMS needs a valid mobile: refused with a note, accepted once there is one', () => {
		const {store, account} = step3({});
		account.toggleChannel();
		expect(store.get().account.form.otpChannel).toBe('mail');
		expect(store.get().account.fieldNotes).toEqual({otpChannel: 'sms-refused'});
		account.edit('mobile', '0612345678');
		account.toggleChannel();
		expect(store.get().account.form.otpChannel).toBe('sms');
		expect(store.get().account.fieldNotes).toEqual({});
	});

	test("the dictionary's verdict counts for the password it assessed, not for one typed since", async () => {
		const {store, account} = step3({}, ...FILLED, {type: 'account/edit-field', field: 'password', value: 'Azerty123'});
		account.assessPassword('Azerty123');
		await flush();
		expect(accountProblems(store.get().account).password).toBe('common');
		account.edit('password', 'Azerty1234');
		expect(accountProblems(store.get().account).password).toBeUndefined();
	});

	test('a form with problems sends nothing, and counts the attempt (the focus goes to the first one)', async () => {
		const {store, api, account} = step3({}, {type: 'account/edit-field', field: 'password', value: 'abc'});
		account.submit();
		await flush();
		expect(api.calls).toEqual([]);
		expect(store.get().account).toMatchObject({submitAttempted: true, submitAttempts: 1, submit: {phase: 'idle'}});
		expect(Object.keys(accountProblems(store.get().account))).toContain('password');
	});
});

describe('activation (fake backend)', () => {
	test('the code channel is verified first: a code is sent and the code screen opens over the form', async () => {
		const {store, api, account, screen} = step3({verifyChannel: () => SENT}, ...FILLED);
		account.submit();
		await flush();
		expect(api.of('verifyChannel')).toEqual([{proof: PROOF, channel: 'mail', destination: 'mh@exemple.fr', lang: 'fr'}]);
		expect(api.of('activate')).toEqual([]);
		expect(screen()).toBe('code');
		expect(store.get().code).toMatchObject({purpose: 'verify-channel', key: 'mail:mh@exemple.fr', sent: SENT, typed: '', request: {phase: 'idle'}, resend: {phase: 'idle'}, resent: false});
		expect(store.get().account.submit).toEqual({phase: 'idle'});
	});

	test('back on the form, submitting again while its code is pending reopens the code screen instead of asking a new one', async () => {
		const {api, account, screen} = step3({verifyChannel: () => SENT}, ...FILLED);
		account.submit();
		await flush();
		account.submit();
		await flush();
		expect(api.of('verifyChannel')).toHaveLength(1);
		expect(screen()).toBe('code');
	});

	test('signed in without the card: the e-mail, the mobile and the code channel do not change; the other fields do', () => {
		const {store, account} = step3({}, {type: 'sign-in/signed-in', session: 'session-1'}, {type: 'account/found', account: ACCOUNT}, {type: 'account/edit'});
		account.edit('mobile', '07 00 00 00 00');
		account.edit('email', 'autre@exemple.fr');
		account.setChannel('sms');
		account.toggleChannel();
		account.edit('password', PASSWORD);
		account.toggleOption('notify');
		expect(store.get().account.form).toMatchObject({mobile: '06 12 34 56 78', email: ACCOUNT.options.email, otpChannel: 'mail', password: PASSWORD, notify: true});
		expect(store.get().account.submit).toEqual({phase: 'idle'});
	});

	test('once verified, the activation carries the verification, the chosen address and the request id; step 4 follows, the password forgotten', async () => {
		const verified: SessionAction = {type: 'account/channel-verified', key: 'mail:mh@exemple.fr', id: SENT.id};
		const {store, api, account, screen} = step3({activate: () => ACCOUNT}, ...FILLED, verified);
		account.submit();
		await flush();
		expect(api.of('activate')).toEqual([
			{
				requestId: 'request-1',
				proof: PROOF,
				verificationId: SENT.id,
				address: ACCOUNT.address,
				password: PASSWORD,
				options: {email: 'mh@exemple.fr', mobile: '+33612345678', otpChannel: 'mail', notify: false, publishMobile: false, listeRouge: false, paperless: false},
			},
		]);
		expect(store.get().navigation.stack.map(entry => entry.screen)).toEqual(['step4']);
		expect(screen()).toBe('step4');
		expect(store.get().account).toMatchObject({activated: ACCOUNT, lastSave: 'activated', passwordCheck: null});
		expect(JSON.stringify(store.get())).not.toContain(PASSWORD);
	});

	test('a published mobile gets its own code after the code channel (issue 12 item 10); the activation carries both verifications', async () => {
		const mailVerified: SessionAction = {type: 'account/channel-verified', key: 'mail:mh@exemple.fr', id: SENT.id};
		const smsSent = {...SENT, id: '22222222-2222-4222-8222-222222222222', channel: 'sms' as const, destination: '06 •• •• •• 78'};
		const {store, api, account, screen} = step3({verifyChannel: () => smsSent, activate: () => ACCOUNT}, ...FILLED, mailVerified, {type: 'account/toggle-option', field: 'publishMobile'});
		account.submit();
		await flush();
		// Not activated yet: a code to the mobile first.
		expect(api.of('activate')).toEqual([]);
		expect(api.of('verifyChannel')).toEqual([{proof: PROOF, channel: 'sms', destination: '+33612345678', lang: 'fr'}]);
		expect(screen()).toBe('code');
		expect(store.get().code).toMatchObject({purpose: 'verify-channel', key: 'sms:+33612345678'});
		store.dispatch({type: 'account/channel-verified', key: 'sms:+33612345678', id: smsSent.id}, {type: 'code/done'}, {type: 'navigation/close', screen: 'code'});
		account.submit();
		await flush();
		expect(api.of('activate')).toEqual([expect.objectContaining({verificationId: SENT.id, mobileVerificationId: smsSent.id, options: expect.objectContaining({publishMobile: true})})]);
		expect(api.of('verifyChannel')).toHaveLength(1);
	});

	test('a failed activation keeps everything typed; "Réessayer" sends the same request id', async () => {
		let fail = true;
		const activate = () => {
			if (fail) throw new BackendError('unavailable', 'connexion perdue');
			return ACCOUNT;
		};
		const {store, api, account} = step3({activate}, ...FILLED, {type: 'account/channel-verified', key: 'mail:mh@exemple.fr', id: SENT.id});
		account.submit();
		await flush();
		expect(store.get().account.submit).toEqual({phase: 'failed', error: t.backendErrors.unavailable, code: 'unavailable'});
		expect(store.get().account.form.password).toBe(PASSWORD);
		fail = false;
		account.submit();
		await flush();
		expect(api.of('activate').map(input => (input as {requestId: string}).requestId)).toEqual(['request-1', 'request-1']);
		expect(store.get().account.lastSave).toBe('activated');
	});

	test('the address taken meanwhile sends step 2 back to the backend for availability', async () => {
		const {store, account} = step3({activate: () => Promise.reject(new BackendError('address-taken', 'taken'))}, ...FILLED, {type: 'account/channel-verified', key: 'mail:mh@exemple.fr', id: SENT.id});
		account.submit();
		await flush();
		expect(store.get().account.submit).toMatchObject({phase: 'failed', code: 'address-taken'});
		expect(store.get().address).toMatchObject({availability: null, request: {phase: 'idle'}, chosen: 0});
	});

	test('a second press while one is on its way sends nothing more', async () => {
		const activation = deferred<typeof ACCOUNT>();
		const {api, account} = step3({activate: () => activation.promise}, ...FILLED, {type: 'account/channel-verified', key: 'mail:mh@exemple.fr', id: SENT.id});
		account.submit();
		await flush();
		account.submit();
		await flush();
		expect(api.of('activate')).toHaveLength(1);
	});

	test('a wiped session drops the late answer of the activation', async () => {
		const activation = deferred<typeof ACCOUNT>();
		const {store, account, screen} = step3({activate: () => activation.promise}, ...FILLED, {type: 'account/channel-verified', key: 'mail:mh@exemple.fr', id: SENT.id});
		account.submit();
		await flush();
		store.wipe('idle');
		activation.resolve(ACCOUNT);
		await flush();
		expect(screen()).toBe('welcome');
		expect(store.get().account.activated).toBeNull();
	});
});

describe('"Modifier mon compte" (fake backend)', () => {
	/** Step 4 of an activated account, then "Modifier mon compte". */
	const EDITING: SessionAction[] = [
		{type: 'account/saved', account: ACCOUNT},
		{type: 'navigation/restart', screen: 'step4'},
	];

	test('starts from the stored account over step 4, and Esc returns there', () => {
		const {store, account, screen} = step3({}, ...EDITING);
		account.startEditing();
		expect(screen()).toBe('step3');
		expect(store.get().account).toMatchObject({mode: 'edit', form: {email: 'mh@exemple.fr', mobile: '06 12 34 56 78', password: ''}});
		store.dispatch({type: 'navigation/back'});
		expect(screen()).toBe('step4');
	});

	test('with the code channel unchanged, the change is saved with the card at once', async () => {
		const {store, api, account} = step3({update: () => ({...ACCOUNT, options: {...ACCOUNT.options, notify: true}})}, ...EDITING);
		account.startEditing();
		account.toggleOption('notify');
		account.submit();
		await flush();
		expect(api.of('verifyChannel')).toEqual([]);
		expect(api.of('update')).toEqual([{address: ACCOUNT.address, proof: PROOF, options: {...ACCOUNT.options, notify: true}, password: undefined, verificationId: undefined}]);
		expect(store.get().account.lastSave).toBe('updated');
		expect(currentScreen(store.get().navigation)).toBe('step4');
	});

	test('signed in without the card, the change goes with the session, not a card proof', async () => {
		const {api, account} = step3({update: () => ACCOUNT}, ...EDITING, {type: 'sign-in/signed-in', session: 'session-1'});
		account.startEditing();
		account.toggleOption('paperless');
		account.submit();
		await flush();
		expect(api.of('update')).toEqual([{address: ACCOUNT.address, session: 'session-1', options: {...ACCOUNT.options, paperless: true}, password: undefined}]);
	});
});
