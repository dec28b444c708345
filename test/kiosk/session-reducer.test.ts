// The session reducer, every flow's slice composed: the form rules, navigation, wipe, saving, the PIN.
import {describe, expect, test} from 'vitest';
import {DEMO_IDENTITY} from '../../src/hardware/demo-card.js';
import {EMPTY_ACCOUNT_FORM} from '../../src/contract/rules/account-rules.js';
import type {AccountView} from '../../src/contract/domain/account.js';
import {currentScreen, previousScreen} from '../../src/flows/navigation.js';
import {stepOf} from '../../src/screens/registry.js';
import {INITIAL_SESSION, isPristine, sessionReducer, type Session, type SessionAction} from '../../src/state/session.js';

function run(state: Session, ...actions: SessionAction[]): Session {
	return actions.reduce(sessionReducer, state);
}

/** The screen shown. */
function screenOf(state: Session) {
	return currentScreen(state.navigation);
}

/** What the account flow dispatches once the backend saved the account. */
const saved = (account: AccountView): SessionAction[] => [
	{type: 'account/saved', account},
	{type: 'navigation/restart', screen: 'step4'},
];

/** What "Modifier mon compte" dispatches. */
const editAccount: SessionAction[] = [{type: 'account/edit'}, {type: 'navigation/open', screen: 'step3'}];

/** A session at step 3 with a valid mobile typed. */
const STEP3: Session = run(
	INITIAL_SESSION,
	{type: 'navigation/go', screen: 'step1'},
	{type: 'card/pin-ok', identity: DEMO_IDENTITY},
	{type: 'account/found', account: null},
	{type: 'navigation/go', screen: 'step2'},
	{type: 'address/toggle-cgu'},
	{type: 'navigation/go', screen: 'step3'},
	{type: 'account/edit-field', field: 'password', value: 'Kiosque#Sante2026'},
	{type: 'account/edit-field', field: 'passwordConfirm', value: 'Kiosque#Sante2026'},
	{type: 'account/edit-field', field: 'email', value: 'mh@exemple.fr'},
	{type: 'account/edit-field', field: 'mobile', value: '06 12 34 56 78'},
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
		const published = run(STEP3, {type: 'account/toggle-option', field: 'publishMobile'});
		expect(published.account.form.publishMobile).toBe(true);
		expect(published.account.fieldNotes).toEqual({});

		const red = run(published, {type: 'account/toggle-option', field: 'listeRouge'});
		expect(red.account.form.listeRouge).toBe(true);
		expect(red.account.form.publishMobile).toBe(false);
		expect(red.account.fieldNotes).toEqual({publishMobile: 'liste-rouge-turned-off-publish'});
	});

	test('ticking publishMobile turns liste rouge off and says why', () => {
		const red = run(STEP3, {type: 'account/toggle-option', field: 'listeRouge'});
		expect(red.account.form.listeRouge).toBe(true);
		expect(red.account.fieldNotes).toEqual({});

		const published = run(red, {type: 'account/toggle-option', field: 'publishMobile'});
		expect(published.account.form.publishMobile).toBe(true);
		expect(published.account.form.listeRouge).toBe(false);
		expect(published.account.fieldNotes).toEqual({listeRouge: 'publish-turned-off-liste-rouge'});
	});

	test('unticking liste rouge does not turn publishing back on', () => {
		const state = run(STEP3, {type: 'account/toggle-option', field: 'listeRouge'}, {type: 'account/toggle-option', field: 'listeRouge'});
		expect(state.account.form.listeRouge).toBe(false);
		expect(state.account.form.publishMobile).toBe(false);
		expect(state.account.fieldNotes).toEqual({});
	});

	test('publishing without a mobile is refused with a note', () => {
		const noMobile = run(STEP3, {type: 'account/edit-field', field: 'mobile', value: ''});
		const state = run(noMobile, {type: 'account/toggle-option', field: 'publishMobile'});
		expect(state.account.form.publishMobile).toBe(false);
		expect(state.account.fieldNotes).toEqual({publishMobile: 'publish-refused'});
	});

	test('publishing with an invalid mobile is refused too', () => {
		const state = run(STEP3, {type: 'account/edit-field', field: 'mobile', value: '01 23 45 67 89'}, {type: 'account/toggle-option', field: 'publishMobile'});
		expect(state.account.form.publishMobile).toBe(false);
		expect(state.account.fieldNotes.publishMobile).toBe('publish-refused');
	});

	test('the other checkboxes simply toggle', () => {
		const state = run(STEP3, {type: 'account/toggle-option', field: 'notify'}, {type: 'account/toggle-option', field: 'paperless'});
		expect(state.account.form.notify).toBe(true);
		expect(state.account.form.paperless).toBe(true);
		expect(run(state, {type: 'account/toggle-option', field: 'notify'}).account.form.notify).toBe(false);
	});
});

describe('one-time code channel', () => {
	test('SMS without a mobile is refused with a note', () => {
		const noMobile = run(STEP3, {type: 'account/edit-field', field: 'mobile', value: ''});
		const state = run(noMobile, {type: 'account/set-channel', channel: 'sms'});
		expect(state.account.form.otpChannel).toBe('mail');
		expect(state.account.fieldNotes).toEqual({otpChannel: 'sms-refused'});
	});

	test('SMS with a mobile is accepted and clears the note', () => {
		const refused = run(STEP3, {type: 'account/edit-field', field: 'mobile', value: ''}, {type: 'account/set-channel', channel: 'sms'});
		const state = run(refused, {type: 'account/edit-field', field: 'mobile', value: '0612345678'}, {type: 'account/set-channel', channel: 'sms'});
		expect(state.account.form.otpChannel).toBe('sms');
		expect(state.account.fieldNotes).toEqual({});
		expect(run(state, {type: 'account/set-channel', channel: 'mail'}).account.form.otpChannel).toBe('mail');
	});

	test('typing a valid mobile clears the "enter a mobile first" notes (they would be stale)', () => {
		const refused = run(STEP3, {type: 'account/edit-field', field: 'mobile', value: ''}, {type: 'account/set-channel', channel: 'sms'}, {type: 'account/toggle-option', field: 'publishMobile'});
		expect(refused.account.fieldNotes).toEqual({otpChannel: 'sms-refused', publishMobile: 'publish-refused'});
		// Another field leaves them.
		expect(run(refused, {type: 'account/edit-field', field: 'email', value: 'autre@exemple.fr'}).account.fieldNotes).toEqual(refused.account.fieldNotes);
		// A valid mobile answers them: "saisissez-le d'abord" must not stay on screen.
		const typed = run(refused, {type: 'account/edit-field', field: 'mobile', value: '06 12 34 56 78'});
		expect(typed.account.fieldNotes).toEqual({});
		expect(typed.account.form.otpChannel).toBe('mail');
		expect(typed.account.form.publishMobile).toBe(false);
	});
});

describe('navigation', () => {
	test('back from step 3 to step 2 keeps the form, and forward again still has it', () => {
		const withOptions = run(STEP3, {type: 'account/toggle-option', field: 'notify'}, {type: 'account/set-channel', channel: 'sms'});
		const back = run(withOptions, {type: 'navigation/back'});
		expect(screenOf(back)).toBe('step2');
		expect(back.account.form).toEqual(withOptions.account.form);
		expect(back.account.form).toMatchObject({password: 'Kiosque#Sante2026', email: 'mh@exemple.fr', mobile: '06 12 34 56 78', otpChannel: 'sms', notify: true});
		expect(back.address.cguAccepted).toBe(true);
		expect(back.card.identity).toEqual(DEMO_IDENTITY);

		const forward = run(back, {type: 'navigation/go', screen: 'step3'});
		expect(screenOf(forward)).toBe('step3');
		expect(forward.account.form).toEqual(withOptions.account.form);
	});

	test('back walks step 2 → step 1 → welcome, and stops there', () => {
		const state = run(STEP3, {type: 'navigation/back'}, {type: 'navigation/back'});
		expect(screenOf(state)).toBe('step1');
		expect(screenOf(run(state, {type: 'navigation/back'}))).toBe('welcome');
		expect(screenOf(run(state, {type: 'navigation/back'}, {type: 'navigation/back'}))).toBe('welcome');
	});

	test('help returns to the screen it was opened from', () => {
		const help = run(STEP3, {type: 'navigation/help', topic: 'no-card'});
		expect(screenOf(help)).toBe('help');
		expect(help.navigation.helpTopic).toBe('no-card');
		expect(stepOf(help.navigation)).toBe(3);
		const nested = run(help, {type: 'navigation/help', topic: 'red-icon'});
		expect(previousScreen(nested.navigation)).toBe('step3');
		expect(screenOf(run(nested, {type: 'navigation/back'}))).toBe('step3');
	});

	test('help opened over an overlay returns to it, and the overlay then to its step', () => {
		const convention = run(STEP3, {type: 'navigation/open', screen: 'convention'});
		const help = run(convention, {type: 'navigation/help', topic: 'general'});
		expect(stepOf(help.navigation)).toBe(3);
		const back = run(help, {type: 'navigation/back'});
		expect(screenOf(back)).toBe('convention');
		expect(screenOf(run(back, {type: 'navigation/back'}))).toBe('step3');
	});

	test('"Modifier mon compte" starts from the stored account, not from what the session typed', () => {
		const fresh = run(INITIAL_SESSION, ...saved(ACCOUNT), ...editAccount);
		expect(fresh.account.form.email).toBe(ACCOUNT.options.email);
		expect(fresh.account.form.password).toBe('');
	});

	test('back from step 3 in edit mode returns to step 4', () => {
		const edit = run(STEP3, ...saved(ACCOUNT), ...editAccount);
		expect(screenOf(edit)).toBe('step3');
		expect(edit.account.mode).toBe('edit');
		expect(screenOf(run(edit, {type: 'navigation/back'}))).toBe('step4');
	});
});

describe('wipe', () => {
	test('returns INITIAL_SESSION with the notice', () => {
		const wiped = run(STEP3, {type: 'session/wipe', notice: 'card-removed'});
		expect(wiped).toEqual({...INITIAL_SESSION, navigation: {...INITIAL_SESSION.navigation, notice: 'card-removed'}});
		expect(wiped.account.form).toEqual(EMPTY_ACCOUNT_FORM);
		expect(wiped.card.identity).toBeNull();
		expect(JSON.stringify(wiped)).not.toContain('Kiosque#Sante2026');
		expect(JSON.stringify(wiped)).not.toContain('06 12 34 56 78');
	});

	test('idle wipe too', () => {
		expect(run(STEP3, {type: 'session/wipe', notice: 'idle'})).toEqual({...INITIAL_SESSION, navigation: {...INITIAL_SESSION.navigation, notice: 'idle'}});
	});

	test('a fresh session is pristine, a started one is not, a wiped one is again', () => {
		expect(isPristine(INITIAL_SESSION)).toBe(true);
		expect(isPristine(STEP3)).toBe(false);
		expect(isPristine(run(STEP3, {type: 'session/wipe', notice: 'card-removed'}))).toBe(true);
	});
});

describe('saving', () => {
	test("'saved' clears the password fields and shows step 4", () => {
		const submitted = run(STEP3, {type: 'account/touch', field: 'password'}, {type: 'account/submit-attempted'}, {type: 'account/submit', request: {phase: 'sending'}, requestId: 'req-1'});
		expect(submitted.account.submit).toEqual({phase: 'sending'});
		const done = run(submitted, ...saved(ACCOUNT));
		expect(done.account.form.password).toBe('');
		expect(done.account.form.passwordConfirm).toBe('');
		expect(done.account.form.email).toBe('mh@exemple.fr');
		expect(done.account.form.mobile).toBe('06 12 34 56 78');
		expect(screenOf(done)).toBe('step4');
		expect(done.account.activated).toEqual(ACCOUNT);
		expect(done.account.lastSave).toBe('activated');
		expect(done.account.submit).toEqual({phase: 'idle'});
		expect(done.account.submitAttempted).toBe(false);
		expect(done.account.touched).toEqual({});
		expect(done.account.requestId).toBe('req-1');
		expect(JSON.stringify(done)).not.toContain('Kiosque#Sante2026');
	});

	test("saving in edit mode says 'updated'", () => {
		const updated = run(STEP3, ...saved(ACCOUNT), ...editAccount, ...saved(ACCOUNT));
		expect(updated.account.lastSave).toBe('updated');
	});

	test('a failed submit keeps everything typed and the same requestId for the retry', () => {
		const failed = run(STEP3, {type: 'account/submit', request: {phase: 'sending'}, requestId: 'req-1'}, {type: 'account/submit', request: {phase: 'failed', error: 'unavailable'}});
		expect(failed.account.requestId).toBe('req-1');
		expect(failed.account.form).toEqual(STEP3.account.form);
		expect(failed.account.submit).toEqual({phase: 'failed', error: 'unavailable'});
	});
});

describe('PIN', () => {
	test('incorrect, then locked', () => {
		const state = run(INITIAL_SESSION, {type: 'navigation/go', screen: 'step1'}, {type: 'card/pin-checking'}, {type: 'card/pin-incorrect', triesLeft: 2});
		expect(state.card.pin).toEqual({phase: 'entry', status: null, lastAttempt: 'incorrect', triesLeft: 2});
		expect(run(state, {type: 'card/pin-status', status: {state: 'locked'}}).card.pin).toEqual({phase: 'locked'});
	});

	test('pin-ok stores the identity', () => {
		expect(STEP3.card.pin).toEqual({phase: 'ok'});
		expect(STEP3.card.identity).toEqual(DEMO_IDENTITY);
	});
});
