import type {CardIdentity} from '../contract/domain/card-identity.js';
import type {PinStatus} from '../hardware/cps-token.js';
import {EMPTY_ACCOUNT_FORM, formFromOptions, type AccountField, type AccountForm} from '../contract/rules/account-rules.js';
import type {AccountView, AddressAvailability, CodeSent} from '../contract/domain/account.js';
import {DIRECTORY_OFFSET_MAX, type DirectoryEntry, type DirectoryState} from '../contract/domain/directory.js';
import {checkMobile, formatMobile} from '../contract/rules/contact-rules.js';

/** Every screen of the kiosk. */
export type ScreenName = 'welcome' | 'step1' | 'step2' | 'step3' | 'step4' | 'help' | 'convention' | 'webmail' | 'invite' | 'code' | 'sign-in' | 'directory';

export type HelpTopic = 'no-card' | 'no-icon' | 'red-icon' | 'general';

/** Why the session was wiped or a message is shown on the status line. */
export type NoticeKind = 'card-removed' | 'idle' | 'finished' | 'ctrl-c-disabled';

/** Step 1's PIN: never the PIN itself, only what the card said about it. */
export type PinState =
	| {phase: 'entry'; status: PinStatus | null; lastAttempt?: 'incorrect' | 'too-short' | 'card-removed'; triesLeft?: number; error?: string}
	| {phase: 'checking'; status: PinStatus | null}
	| {phase: 'locked'}
	| {phase: 'ok'};

/** A request to the backend in progress or failed (message already translated or raw). */
export type Pending = {phase: 'idle'} | {phase: 'sending'} | {phase: 'failed'; error: string; code?: string};

/** Why a checkbox changed by itself or refused to change: shown next to it. */
export type FieldNote = 'liste-rouge-turned-off-publish' | 'publish-turned-off-liste-rouge' | 'sms-refused' | 'publish-refused';

/** What "Rechercher dans l'annuaire" shows: the query as typed and the results of the last answer. */
export type DirectorySearch = {
	query: {text: string; profession: string; place: string; city: string};
	/** The last page received: results from `offset` on, out of `total`. */
	results: {total: number; offset: number; entries: DirectoryEntry[]} | null;
	/** Where the directory stood at the last answer (the national file may still be loading). */
	state: DirectoryState | null;
	request: Pending;
	/** Index of the highlighted result among all `total`. */
	selected: number;
	/** The highlighted result's details are shown. */
	detail: boolean;
};

/** Whether the results at hand include result `index`. */
export function directoryWindowHas(search: DirectorySearch, index: number): boolean {
	const results = search.results;
	return results !== null && index >= results.offset && index < results.offset + results.entries.length;
}

/** Fields of the directory's search box. */
export type DirectoryField = 'text' | 'place' | 'city';

/** The whole session: everything typed lives here, so Esc back and forth loses nothing. */
export type Session = {
	screen: ScreenName;
	helpTopic: HelpTopic;
	/** Screen that Esc returns to from help (which may open over an overlay). */
	helpReturn: ScreenName;
	/** Screen that Esc returns to from an overlay (convention, webmail, invite). */
	returnTo: ScreenName;
	notice: NoticeKind | null;
	pin: PinState;
	identity: CardIdentity | null;
	/** Account found for this card at login (already activated), or the one just activated. */
	account: AccountView | null;
	availability: AddressAvailability[] | null;
	availabilityRequest: Pending;
	/** Index of the chosen proposal in `availability`. */
	chosenAddress: number;
	cguAccepted: boolean;
	form: AccountForm;
	/** Fields the user has left at least once: their problems are shown. */
	touched: Partial<Record<AccountField, true>>;
	submitAttempted: boolean;
	/** Counts refused or sent submissions, so step 3 can move the focus to the first invalid field. */
	submitAttempts: number;
	fieldNotes: Partial<Record<AccountField, FieldNote>>;
	/** Idempotency key of this session's activation: a retry sends the same one. */
	requestId: string | null;
	/** `create` for the wizard, `edit` for "Modifier mon compte". */
	mode: 'create' | 'edit';
	submit: Pending;
	/** Whether step 4 shows "activé" or "modifications enregistrées". */
	lastSave: 'activated' | 'updated' | null;
	invite: {input: string; request: Pending; sent: number | null};
	/** A one-time code sent and awaited (screen "code"). */
	code: {purpose: 'verify-channel' | 'sign-in'; sent: CodeSent; request: Pending} | null;
	/** The channel whose code came back: `channel:destination` and its verification id. */
	verified: {key: string; id: string} | null;
	/** "Me connecter sans carte CPS" as typed (the password is wiped once sent). */
	signIn: {address: string; password: string; request: Pending};
	/** Session of a sign-in without the card: memory only, wiped with everything else. */
	authSession: string | null;
	directory: DirectorySearch;
	/** Session opened with the card of an activated account: the directory shows published mobiles. */
	directorySession: string | null;
};

const EMPTY_DIRECTORY: DirectorySearch = {query: {text: '', profession: '', place: '', city: ''}, results: null, state: null, request: {phase: 'idle'}, selected: 0, detail: false};

export const INITIAL_SESSION: Session = {
	screen: 'welcome',
	helpTopic: 'general',
	helpReturn: 'welcome',
	returnTo: 'welcome',
	notice: null,
	pin: {phase: 'entry', status: null},
	identity: null,
	account: null,
	availability: null,
	availabilityRequest: {phase: 'idle'},
	chosenAddress: 0,
	cguAccepted: false,
	form: EMPTY_ACCOUNT_FORM,
	touched: {},
	submitAttempted: false,
	submitAttempts: 0,
	fieldNotes: {},
	requestId: null,
	mode: 'create',
	submit: {phase: 'idle'},
	lastSave: null,
	invite: {input: '', request: {phase: 'idle'}, sent: null},
	code: null,
	verified: null,
	signIn: {address: '', password: '', request: {phase: 'idle'}},
	authSession: null,
	directory: EMPTY_DIRECTORY,
	directorySession: null,
};

export type SessionAction =
	| {type: 'go'; screen: ScreenName}
	| {type: 'back'}
	| {type: 'open-help'; topic: HelpTopic}
	| {type: 'open-overlay'; screen: 'convention' | 'webmail' | 'invite'}
	| {type: 'notice'; notice: NoticeKind | null}
	| {type: 'wipe'; notice: NoticeKind | null}
	| {type: 'pin-status'; status: PinStatus}
	| {type: 'pin-too-short'}
	| {type: 'pin-checking'}
	| {type: 'pin-incorrect'; triesLeft?: number}
	| {type: 'pin-locked'}
	| {type: 'pin-card-removed'}
	| {type: 'pin-error'; message: string}
	| {type: 'pin-ok'; identity: CardIdentity; account: AccountView | null}
	| {type: 'availability'; request: Pending; result?: AddressAvailability[]}
	| {type: 'choose-address'; index: number}
	| {type: 'toggle-cgu'}
	| {type: 'edit-field'; field: 'password' | 'passwordConfirm' | 'email' | 'mobile'; value: string}
	| {type: 'touch'; field: AccountField}
	| {type: 'set-channel'; channel: 'sms' | 'mail'}
	| {type: 'toggle-option'; field: 'notify' | 'publishMobile' | 'listeRouge' | 'paperless'}
	| {type: 'submit-attempted'}
	| {type: 'submit'; request: Pending; requestId?: string}
	| {type: 'saved'; account: AccountView}
	| {type: 'edit-account'}
	| {type: 'invite-input'; value: string}
	| {type: 'invite'; request: Pending; sent?: number}
	| {type: 'code-sent'; purpose: 'verify-channel' | 'sign-in'; sent: CodeSent}
	| {type: 'code-request'; request: Pending}
	| {type: 'channel-verified'; key: string; id: string}
	| {type: 'sign-in-field'; field: 'address' | 'password'; value: string}
	| {type: 'sign-in-request'; request: Pending}
	| {type: 'signed-in'; session: string; account: AccountView}
	| {type: 'open-directory'}
	| {type: 'directory-field'; field: DirectoryField; value: string}
	| {type: 'directory-profession'; code: string}
	| {type: 'directory-request'; request: Pending}
	| {type: 'directory-results'; results: NonNullable<DirectorySearch['results']>; state: DirectoryState}
	| {type: 'directory-select'; index: number}
	| {type: 'directory-detail'; open: boolean}
	| {type: 'directory-session'; session: string};

const BACK: Partial<Record<ScreenName, ScreenName>> = {step1: 'welcome', step2: 'step1', step3: 'step2', 'sign-in': 'welcome'};

/** Screens shown over a step, that Esc closes. */
const OVERLAYS: ReadonlySet<ScreenName> = new Set(['convention', 'webmail', 'invite', 'code', 'directory']);

function hasMobile(form: AccountForm): boolean {
	const mobile = checkMobile(form.mobile);
	return mobile.ok && mobile.value !== undefined;
}

function withoutNote(notes: Session['fieldNotes'], field: AccountField): Session['fieldNotes'] {
	const {[field]: _removed, ...rest} = notes;
	return rest;
}

export function sessionReducer(state: Session, action: SessionAction): Session {
	switch (action.type) {
		case 'go':
			return {...state, screen: action.screen, notice: null};
		case 'back': {
			if (state.screen === 'help') return {...state, screen: state.helpReturn};
			if (state.screen === 'directory' && state.directory.detail) return {...state, directory: {...state.directory, detail: false}};
			// Back at Welcome, the next person must not find this one's search.
			if (state.screen === 'directory' && state.returnTo === 'welcome') return {...state, screen: 'welcome', directory: EMPTY_DIRECTORY};
			if (OVERLAYS.has(state.screen)) return {...state, screen: state.returnTo};
			if (state.screen === 'step3' && state.mode === 'edit') return {...state, screen: 'step4'};
			const previous = BACK[state.screen];
			return previous ? {...state, screen: previous, notice: null} : state;
		}
		case 'open-help':
			return {...state, screen: 'help', helpTopic: action.topic, helpReturn: state.screen === 'help' ? state.helpReturn : state.screen};
		case 'open-overlay':
			return {...state, screen: action.screen, returnTo: state.screen};
		case 'notice':
			return {...state, notice: action.notice};
		case 'wipe':
			return {...INITIAL_SESSION, notice: action.notice};
		case 'pin-status':
			if (action.status.state === 'locked') return {...state, pin: {phase: 'locked'}};
			return state.pin.phase === 'entry' ? {...state, pin: {...state.pin, status: action.status}} : state;
		case 'pin-too-short':
			return state.pin.phase === 'entry' ? {...state, pin: {...state.pin, lastAttempt: 'too-short'}} : state;
		case 'pin-checking':
			return {...state, pin: {phase: 'checking', status: state.pin.phase === 'entry' ? state.pin.status : null}};
		case 'pin-incorrect':
			return {...state, pin: {phase: 'entry', status: null, lastAttempt: 'incorrect', triesLeft: action.triesLeft}};
		case 'pin-locked':
			return {...state, pin: {phase: 'locked'}};
		case 'pin-card-removed':
			return {...state, pin: {phase: 'entry', status: null, lastAttempt: 'card-removed'}};
		case 'pin-error':
			return {...state, pin: {phase: 'entry', status: null, error: action.message}};
		case 'pin-ok':
			return {...state, pin: {phase: 'ok'}, identity: action.identity, account: action.account};
		case 'availability':
			return {...state, availabilityRequest: action.request, availability: action.result ?? state.availability};
		case 'choose-address':
			return {...state, chosenAddress: action.index};
		case 'toggle-cgu':
			return {...state, cguAccepted: !state.cguAccepted};
		case 'edit-field': {
			// A refusal that depended on the mobile no longer holds once the mobile changes.
			const fieldNotes = action.field === 'mobile' ? withoutNote(withoutNote(state.fieldNotes, 'otpChannel'), 'publishMobile') : state.fieldNotes;
			return {...state, form: {...state.form, [action.field]: action.value}, fieldNotes};
		}
		case 'touch':
			return state.touched[action.field] ? state : {...state, touched: {...state.touched, [action.field]: true}};
		case 'set-channel':
			if (action.channel === 'sms' && !hasMobile(state.form)) {
				return {...state, fieldNotes: {...state.fieldNotes, otpChannel: 'sms-refused'}};
			}
			return {...state, form: {...state.form, otpChannel: action.channel}, fieldNotes: withoutNote(state.fieldNotes, 'otpChannel')};
		case 'toggle-option':
			return toggleOption(state, action.field);
		case 'submit-attempted':
			return {...state, submitAttempted: true, submitAttempts: state.submitAttempts + 1};
		case 'submit':
			// The chosen address went to someone else meanwhile: step 2 asks for availability again.
			if (action.request.phase === 'failed' && action.request.code === 'address-taken') {
				return {...state, submit: action.request, availability: null, availabilityRequest: {phase: 'idle'}, chosenAddress: 0};
			}
			return {...state, submit: action.request, requestId: action.requestId ?? state.requestId};
		case 'saved':
			return {
				...state,
				account: action.account,
				lastSave: state.mode === 'create' ? 'activated' : 'updated',
				screen: 'step4',
				submit: {phase: 'idle'},
				// The password has reached the backend: nothing keeps it in memory any longer.
				form: {...state.form, password: '', passwordConfirm: ''},
				submitAttempted: false,
				touched: {},
			};
		case 'edit-account':
			return {
				...state,
				mode: 'edit',
				screen: 'step3',
				// Start from the account as stored, not from what this session typed (it may have typed nothing).
				form: state.account ? formFromOptions(state.account.options, formatMobile) : state.form,
				submit: {phase: 'idle'},
				submitAttempted: false,
				touched: {},
				fieldNotes: {},
			};
		case 'invite-input':
			return {...state, invite: {...state.invite, input: action.value, request: {phase: 'idle'}}};
		case 'code-sent':
			return {...state, code: {purpose: action.purpose, sent: action.sent, request: {phase: 'idle'}}, screen: 'code', returnTo: state.screen === 'code' ? state.returnTo : state.screen, submit: {phase: 'idle'}, signIn: {...state.signIn, request: {phase: 'idle'}}};
		case 'code-request':
			return state.code ? {...state, code: {...state.code, request: action.request}} : state;
		case 'channel-verified':
			return {...state, verified: {key: action.key, id: action.id}, code: null, screen: state.returnTo};
		case 'sign-in-field':
			return {...state, signIn: {...state.signIn, [action.field]: action.value, request: {phase: 'idle'}}};
		case 'sign-in-request':
			return {...state, signIn: {...state.signIn, request: action.request}};
		case 'signed-in':
			return {
				...state,
				authSession: action.session,
				account: action.account,
				identity: action.account.identity,
				code: null,
				// The password has reached the service: nothing keeps it in memory any longer.
				signIn: {address: state.signIn.address, password: '', request: {phase: 'idle'}},
				lastSave: null,
				screen: 'step4',
			};
		case 'open-directory':
			return {...state, screen: 'directory', returnTo: state.screen === 'directory' ? state.returnTo : state.screen, notice: null, directory: {...state.directory, detail: false}};
		case 'directory-field':
			return {...state, directory: {...state.directory, query: {...state.directory.query, [action.field]: action.value}, selected: 0, detail: false}};
		case 'directory-profession':
			return {...state, directory: {...state.directory, query: {...state.directory.query, profession: action.code}, selected: 0, detail: false}};
		case 'directory-request':
			return {...state, directory: {...state.directory, request: action.request}};
		case 'directory-results': {
			const selected = Math.min(state.directory.selected, Math.max(action.results.total - 1, 0));
			return {...state, directory: {...state.directory, results: action.results, state: action.state, request: {phase: 'idle'}, selected}};
		}
		case 'directory-select': {
			const last = Math.min(state.directory.results?.total ?? 0, DIRECTORY_OFFSET_MAX) - 1;
			return {...state, directory: {...state.directory, selected: Math.min(Math.max(action.index, 0), Math.max(last, 0))}};
		}
		case 'directory-detail':
			return {...state, directory: {...state.directory, detail: action.open && directoryWindowHas(state.directory, state.directory.selected)}};
		case 'directory-session':
			return {...state, directorySession: action.session};
		case 'invite':
			return {
				...state,
				invite: {
					input: action.request.phase === 'idle' && action.sent !== undefined ? '' : state.invite.input,
					request: action.request,
					sent: action.sent ?? state.invite.sent,
				},
			};
	}
}

/**
 * Checkbox rules of the directory section: liste rouge and publishing the mobile exclude each
 * other (ticking one turns the other off and says so); publishing needs a mobile.
 */
function toggleOption(state: Session, field: 'notify' | 'publishMobile' | 'listeRouge' | 'paperless'): Session {
	const form = {...state.form, [field]: !state.form[field]};
	let fieldNotes = withoutNote(withoutNote(state.fieldNotes, 'publishMobile'), 'listeRouge');
	if (field === 'publishMobile' && form.publishMobile) {
		if (!hasMobile(form)) return {...state, fieldNotes: {...fieldNotes, publishMobile: 'publish-refused'}};
		if (form.listeRouge) {
			form.listeRouge = false;
			fieldNotes = {...fieldNotes, listeRouge: 'publish-turned-off-liste-rouge'};
		}
	}
	if (field === 'listeRouge' && form.listeRouge && form.publishMobile) {
		form.publishMobile = false;
		fieldNotes = {...fieldNotes, publishMobile: 'liste-rouge-turned-off-publish'};
	}
	return {...state, form, fieldNotes};
}

/** True when nothing has happened in this session yet: removing the card then wipes nothing. */
export function isPristine(state: Session): boolean {
	return state.screen === 'welcome' && state.identity === null && state.pin.phase === 'entry' && !state.pin.lastAttempt;
}

/** The wizard step (1–4) a screen belongs to, for the stepper. */
export function stepOf(state: Session): number | null {
	let screen = state.screen === 'help' ? state.helpReturn : state.screen;
	if (OVERLAYS.has(screen)) screen = state.returnTo;
	const steps: Partial<Record<ScreenName, number>> = {step1: 1, step2: 2, step3: 3, step4: 4};
	return steps[screen] ?? null;
}
