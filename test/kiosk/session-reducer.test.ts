import {describe, expect, test} from 'vitest';
import {DEMO_IDENTITY} from '../../src/hardware/demo-card.js';
import {EMPTY_ACCOUNT_FORM} from '../../src/contract/rules/account-rules.js';
import type {AccountView} from '../../src/contract/domain/account.js';
import {INITIAL_SESSION, isPristine, sessionReducer, stepOf, type Session, type SessionAction} from '../../src/state/session.js';

function run(state: Session, ...actions: SessionAction[]): Session {
	return actions.reduce(sessionReducer, state);
}

/** A session at step 3 with a valid mobile typed. */
const STEP3: Session = run(
	INITIAL_SESSION,
	{type: 'go', screen: 'step1'},
	{type: 'pin-ok', identity: DEMO_IDENTITY, account: null},
	{type: 'go', screen: 'step2'},
	{type: 'toggle-cgu'},
	{type: 'go', screen: 'step3'},
	{type: 'edit-field', field: 'password', value: 'Kiosque#Sante2026'},
	{type: 'edit-field', field: 'passwordConfirm', value: 'Kiosque#Sante2026'},
	{type: 'edit-field', field: 'email', value: 'mh@exemple.fr'},
	{type: 'edit-field', field: 'mobile', value: '06 12 34 56 78'},
);

const ACCOUNT: AccountView = {
	address: 'marie-helene.lefevre-durand@medecin.mssante.fr',
	identity: DEMO_IDENTITY,
	options: {email: 'mh@exemple.fr', mobile: '+33612345678', otpChannel: 'mail', notify: false, publishMobile: false, listeRouge: false, paperless: false},
	createdAt: '2026-01-01T00:00:00.000Z',
	updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('liste rouge and publishing the mobile', () => {
	test('ticking liste rouge turns publishMobile off and says why', () => {
		const published = run(STEP3, {type: 'toggle-option', field: 'publishMobile'});
		expect(published.form.publishMobile).toBe(true);
		expect(published.fieldNotes).toEqual({});

		const red = run(published, {type: 'toggle-option', field: 'listeRouge'});
		expect(red.form.listeRouge).toBe(true);
		expect(red.form.publishMobile).toBe(false);
		expect(red.fieldNotes).toEqual({publishMobile: 'liste-rouge-turned-off-publish'});
	});

	test('ticking publishMobile turns liste rouge off and says why', () => {
		const red = run(STEP3, {type: 'toggle-option', field: 'listeRouge'});
		expect(red.form.listeRouge).toBe(true);
		expect(red.fieldNotes).toEqual({});

		const published = run(red, {type: 'toggle-option', field: 'publishMobile'});
		expect(published.form.publishMobile).toBe(true);
		expect(published.form.listeRouge).toBe(false);
		expect(published.fieldNotes).toEqual({listeRouge: 'publish-turned-off-liste-rouge'});
	});

	test('unticking liste rouge does not turn publishing back on', () => {
		const state = run(STEP3, {type: 'toggle-option', field: 'listeRouge'}, {type: 'toggle-option', field: 'listeRouge'});
		expect(state.form.listeRouge).toBe(false);
		expect(state.form.publishMobile).toBe(false);
		expect(state.fieldNotes).toEqual({});
	});

	test('publishing without a mobile is refused with a note', () => {
		const noMobile = run(STEP3, {type: 'edit-field', field: 'mobile', value: ''});
		const state = run(noMobile, {type: 'toggle-option', field: 'publishMobile'});
		expect(state.form.publishMobile).toBe(false);
		expect(state.fieldNotes).toEqual({publishMobile: 'publish-refused'});
	});

	test('publishing with an invalid mobile is refused too', () => {
		const state = run(STEP3, {type: 'edit-field', field: 'mobile', value: '01 23 45 67 89'}, {type: 'toggle-option', field: 'publishMobile'});
		expect(state.form.publishMobile).toBe(false);
		expect(state.fieldNotes.publishMobile).toBe('publish-refused');
	});

	test('the other checkboxes simply toggle', () => {
		const state = run(STEP3, {type: 'toggle-option', field: 'notify'}, {type: 'toggle-option', field: 'paperless'});
		expect(state.form.notify).toBe(true);
		expect(state.form.paperless).toBe(true);
		expect(run(state, {type: 'toggle-option', field: 'notify'}).form.notify).toBe(false);
	});
});

describe('one-time code channel', () => {
	test('SMS without a mobile is refused with a note', () => {
		const noMobile = run(STEP3, {type: 'edit-field', field: 'mobile', value: ''});
		const state = run(noMobile, {type: 'set-channel', channel: 'sms'});
		expect(state.form.otpChannel).toBe('mail');
		expect(state.fieldNotes).toEqual({otpChannel: 'sms-refused'});
	});

	test('SMS with a mobile is accepted and clears the note', () => {
		const refused = run(STEP3, {type: 'edit-field', field: 'mobile', value: ''}, {type: 'set-channel', channel: 'sms'});
		const state = run(refused, {type: 'edit-field', field: 'mobile', value: '0612345678'}, {type: 'set-channel', channel: 'sms'});
		expect(state.form.otpChannel).toBe('sms');
		expect(state.fieldNotes).toEqual({});
		expect(run(state, {type: 'set-channel', channel: 'mail'}).form.otpChannel).toBe('mail');
	});

	test('typing a valid mobile clears the "enter a mobile first" notes (they would be stale)', () => {
		const refused = run(
			STEP3,
			{type: 'edit-field', field: 'mobile', value: ''},
			{type: 'set-channel', channel: 'sms'},
			{type: 'toggle-option', field: 'publishMobile'},
		);
		expect(refused.fieldNotes).toEqual({otpChannel: 'sms-refused', publishMobile: 'publish-refused'});
		// Another field leaves them.
		expect(run(refused, {type: 'edit-field', field: 'email', value: 'autre@exemple.fr'}).fieldNotes).toEqual(refused.fieldNotes);
		// A valid mobile answers them: "saisissez-le d'abord" must not stay on screen.
		const typed = run(refused, {type: 'edit-field', field: 'mobile', value: '06 12 34 56 78'});
		expect(typed.fieldNotes).toEqual({});
		expect(typed.form.otpChannel).toBe('mail');
		expect(typed.form.publishMobile).toBe(false);
	});
});

describe('navigation', () => {
	test('back from step 3 to step 2 keeps the form, and forward again still has it', () => {
		const withOptions = run(STEP3, {type: 'toggle-option', field: 'notify'}, {type: 'set-channel', channel: 'sms'});
		const back = run(withOptions, {type: 'back'});
		expect(back.screen).toBe('step2');
		expect(back.form).toEqual(withOptions.form);
		expect(back.form).toMatchObject({password: 'Kiosque#Sante2026', email: 'mh@exemple.fr', mobile: '06 12 34 56 78', otpChannel: 'sms', notify: true});
		expect(back.cguAccepted).toBe(true);
		expect(back.identity).toEqual(DEMO_IDENTITY);

		const forward = run(back, {type: 'go', screen: 'step3'});
		expect(forward.screen).toBe('step3');
		expect(forward.form).toEqual(withOptions.form);
	});

	test('back walks step 2 → step 1 → welcome, and stops there', () => {
		const state = run(STEP3, {type: 'back'}, {type: 'back'});
		expect(state.screen).toBe('step1');
		expect(run(state, {type: 'back'}).screen).toBe('welcome');
		expect(run(state, {type: 'back'}, {type: 'back'}).screen).toBe('welcome');
	});

	test('help returns to the screen it was opened from', () => {
		const help = run(STEP3, {type: 'open-help', topic: 'no-card'});
		expect(help.screen).toBe('help');
		expect(help.helpTopic).toBe('no-card');
		expect(stepOf(help)).toBe(3);
		const nested = run(help, {type: 'open-help', topic: 'red-icon'});
		expect(nested.helpReturn).toBe('step3');
		expect(run(nested, {type: 'back'}).screen).toBe('step3');
	});

	test('help opened over an overlay returns to it, and the overlay then to its step', () => {
		const convention = run(STEP3, {type: 'open-overlay', screen: 'convention'});
		const help = run(convention, {type: 'open-help', topic: 'general'});
		expect(stepOf(help)).toBe(3);
		const back = run(help, {type: 'back'});
		expect(back.screen).toBe('convention');
		expect(run(back, {type: 'back'}).screen).toBe('step3');
	});

	test('"Modifier mon compte" starts from the stored account, not from what the session typed', () => {
		const fresh = run(INITIAL_SESSION, {type: 'saved', account: ACCOUNT}, {type: 'edit-account'});
		expect(fresh.form.email).toBe(ACCOUNT.options.email);
		expect(fresh.form.password).toBe('');
	});

	test('back from step 3 in edit mode returns to step 4', () => {
		const edit = run(STEP3, {type: 'saved', account: ACCOUNT}, {type: 'edit-account'});
		expect(edit.screen).toBe('step3');
		expect(edit.mode).toBe('edit');
		expect(run(edit, {type: 'back'}).screen).toBe('step4');
	});
});

describe('wipe', () => {
	test('returns INITIAL_SESSION with the notice', () => {
		const wiped = run(STEP3, {type: 'wipe', notice: 'card-removed'});
		expect(wiped).toEqual({...INITIAL_SESSION, notice: 'card-removed'});
		expect(wiped.form).toEqual(EMPTY_ACCOUNT_FORM);
		expect(wiped.identity).toBeNull();
		expect(JSON.stringify(wiped)).not.toContain('Kiosque#Sante2026');
		expect(JSON.stringify(wiped)).not.toContain('06 12 34 56 78');
	});

	test('idle wipe too', () => {
		expect(run(STEP3, {type: 'wipe', notice: 'idle'})).toEqual({...INITIAL_SESSION, notice: 'idle'});
	});

	test('a fresh session is pristine, a started one is not, a wiped one is again', () => {
		expect(isPristine(INITIAL_SESSION)).toBe(true);
		expect(isPristine(STEP3)).toBe(false);
		expect(isPristine(run(STEP3, {type: 'wipe', notice: 'card-removed'}))).toBe(true);
	});
});

describe('saving', () => {
	test("'saved' clears the password fields and shows step 4", () => {
		const submitted = run(STEP3, {type: 'touch', field: 'password'}, {type: 'submit-attempted'}, {type: 'submit', request: {phase: 'sending'}, requestId: 'req-1'});
		expect(submitted.submit).toEqual({phase: 'sending'});
		const saved = run(submitted, {type: 'saved', account: ACCOUNT});
		expect(saved.form.password).toBe('');
		expect(saved.form.passwordConfirm).toBe('');
		expect(saved.form.email).toBe('mh@exemple.fr');
		expect(saved.form.mobile).toBe('06 12 34 56 78');
		expect(saved.screen).toBe('step4');
		expect(saved.account).toEqual(ACCOUNT);
		expect(saved.lastSave).toBe('activated');
		expect(saved.submit).toEqual({phase: 'idle'});
		expect(saved.submitAttempted).toBe(false);
		expect(saved.touched).toEqual({});
		expect(saved.requestId).toBe('req-1');
		expect(JSON.stringify(saved)).not.toContain('Kiosque#Sante2026');
	});

	test("saving in edit mode says 'updated'", () => {
		const saved = run(STEP3, {type: 'saved', account: ACCOUNT}, {type: 'edit-account'}, {type: 'saved', account: ACCOUNT});
		expect(saved.lastSave).toBe('updated');
	});

	test('a failed submit keeps everything typed and the same requestId for the retry', () => {
		const failed = run(STEP3, {type: 'submit', request: {phase: 'sending'}, requestId: 'req-1'}, {type: 'submit', request: {phase: 'failed', error: 'unavailable'}});
		expect(failed.requestId).toBe('req-1');
		expect(failed.form).toEqual(STEP3.form);
		expect(failed.submit).toEqual({phase: 'failed', error: 'unavailable'});
	});
});

describe('PIN', () => {
	test('incorrect, then locked', () => {
		const state = run(INITIAL_SESSION, {type: 'go', screen: 'step1'}, {type: 'pin-checking'}, {type: 'pin-incorrect', triesLeft: 2});
		expect(state.pin).toEqual({phase: 'entry', status: null, lastAttempt: 'incorrect', triesLeft: 2});
		expect(run(state, {type: 'pin-status', status: {state: 'locked'}}).pin).toEqual({phase: 'locked'});
	});

	test('pin-ok stores the identity', () => {
		expect(STEP3.pin).toEqual({phase: 'ok'});
		expect(STEP3.identity).toEqual(DEMO_IDENTITY);
	});
});
