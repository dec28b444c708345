// Step 3 and the account: the form as typed and its rules (liste rouge and publishing exclude each
// other, SMS needs a mobile), the password policy, then the activation or the change, after the
// chosen code channel has been verified by a one-time code.
import {randomUUID} from 'node:crypto';
import {BackendError} from '../contract/api/errors.js';
import type {ApiClient} from '../contract/api/operations.js';
import type {AccountView, CardProof, CodeSent, ProofPurpose} from '../contract/domain/account.js';
import type {CardIdentity} from '../contract/domain/card-identity.js';
import type {Catalogue, Lang} from '../contract/i18n/index.js';
import {EMPTY_ACCOUNT_FORM, formFromOptions, formOptions, formProblems, type AccountField, type AccountForm, type AccountOptions} from '../contract/rules/account-rules.js';
import {checkMobile, formatMobile} from '../contract/rules/contact-rules.js';
import type {PasswordAssessment, PasswordContext} from '../contract/rules/password-policy.js';
import {stripControl} from '../contract/text/sanitize.js';
import type {Session, SessionAction} from '../state/session.js';
import {chosenAddress} from './address.js';
import {IDLE, SENDING, failed, type FlowContext, type Pending} from './flow.js';
import {codeSent} from './one-time-code.js';

/** Why a checkbox changed by itself or refused to change: shown next to it. */
export type FieldNote = 'liste-rouge-turned-off-publish' | 'publish-turned-off-liste-rouge' | 'sms-refused' | 'publish-refused';

/** The password as last assessed by the full policy (dictionaries), for the strength meter. */
type PasswordCheck = {password: string; assessment: PasswordAssessment};

/** The checkboxes of step 3. */
export type AccountOption = 'notify' | 'publishMobile' | 'listeRouge' | 'paperless';

/** The fields of step 3 typed as text. */
export type AccountTextField = 'currentPassword' | 'password' | 'passwordConfirm' | 'email' | 'mobile';

/**
 * What a session signed into without the card may not change — where codes go and the contact
 * details (the service refuses it: `card-required`); step 3 shows them read-only, with the reason.
 */
export const NEEDS_CARD: ReadonlySet<AccountField> = new Set<AccountField>(['email', 'mobile', 'otpChannel']);

/** Whether the session was signed into without the card (see NEEDS_CARD). */
export function signedInWithoutCard(session: Pick<Session, 'signIn'>): boolean {
	return session.signIn.session !== null;
}

/** Step 3 and the account it activates or changes. Everything typed lives here, so Esc back and forth loses nothing. */
export type AccountState = {
	/** The practitioner's account: found for this card at login, just activated, or signed into. */
	activated: AccountView | null;
	form: AccountForm;
	/** Fields the person has left at least once: their problems are shown. */
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
	/** The verification id of each channel whose code came back, by channelKey. */
	verified: Partial<Record<string, string>>;
	passwordCheck: PasswordCheck | null;
};

export const INITIAL_ACCOUNT: AccountState = {
	activated: null,
	form: EMPTY_ACCOUNT_FORM,
	touched: {},
	submitAttempted: false,
	submitAttempts: 0,
	fieldNotes: {},
	requestId: null,
	mode: 'create',
	submit: IDLE,
	lastSave: null,
	verified: {},
	passwordCheck: null,
};

export type AccountAction =
	/** The account of this practitioner, found at login (null: none yet) or signed into. */
	| {type: 'account/found'; account: AccountView | null}
	| {type: 'account/edit-field'; field: AccountTextField; value: string}
	| {type: 'account/touch'; field: AccountField}
	| {type: 'account/set-channel'; channel: 'sms' | 'mail'}
	| {type: 'account/toggle-option'; field: AccountOption}
	| {type: 'account/submit-attempted'}
	| {type: 'account/submit'; request: Pending; requestId?: string}
	| {type: 'account/saved'; account: AccountView}
	/** "Modifier mon compte": the form starts from the account as stored. */
	| {type: 'account/edit'}
	| {type: 'account/channel-verified'; key: string; id: string}
	| {type: 'account/password-assessed'; check: PasswordCheck};

function hasMobile(form: AccountForm): boolean {
	const mobile = checkMobile(form.mobile);
	return mobile.ok && mobile.value !== undefined;
}

function withoutNote(notes: AccountState['fieldNotes'], field: AccountField): AccountState['fieldNotes'] {
	const {[field]: _removed, ...rest} = notes;
	return rest;
}

/**
 * Checkbox rules of the directory section: liste rouge and publishing the mobile exclude each
 * other (ticking one turns the other off and says so); publishing needs a mobile.
 */
function toggleOption(state: AccountState, field: AccountOption): AccountState {
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

export function accountReducer(state: AccountState, action: SessionAction): AccountState {
	switch (action.type) {
		case 'account/found':
			return {...state, activated: action.account, lastSave: null};
		case 'account/edit-field': {
			// A refusal that depended on the mobile no longer holds once the mobile changes.
			const fieldNotes = action.field === 'mobile' ? withoutNote(withoutNote(state.fieldNotes, 'otpChannel'), 'publishMobile') : state.fieldNotes;
			return {...state, form: {...state.form, [action.field]: action.value}, fieldNotes};
		}
		case 'account/touch':
			return state.touched[action.field] ? state : {...state, touched: {...state.touched, [action.field]: true}};
		case 'account/set-channel':
			if (action.channel === 'sms' && !hasMobile(state.form)) return {...state, fieldNotes: {...state.fieldNotes, otpChannel: 'sms-refused'}};
			return {...state, form: {...state.form, otpChannel: action.channel}, fieldNotes: withoutNote(state.fieldNotes, 'otpChannel')};
		case 'account/toggle-option':
			return toggleOption(state, action.field);
		case 'account/submit-attempted':
			return {...state, submitAttempted: true, submitAttempts: state.submitAttempts + 1};
		case 'account/submit':
			return {...state, submit: action.request, requestId: action.requestId ?? state.requestId};
		case 'account/saved':
			return {
				...state,
				activated: action.account,
				lastSave: state.mode === 'create' ? 'activated' : 'updated',
				submit: IDLE,
				// The passwords have reached the backend: nothing keeps them in memory any longer.
				form: {...state.form, currentPassword: '', password: '', passwordConfirm: ''},
				passwordCheck: null,
				submitAttempted: false,
				touched: {},
			};
		case 'account/edit':
			return {
				...state,
				mode: 'edit',
				// Start from the account as stored, not from what this session typed (it may have typed nothing).
				form: state.activated ? formFromOptions(state.activated.options, formatMobile) : state.form,
				submit: IDLE,
				submitAttempted: false,
				touched: {},
				fieldNotes: {},
			};
		case 'account/channel-verified':
			return {...state, verified: {...state.verified, [action.key]: action.id}};
		case 'account/password-assessed':
			return {...state, passwordCheck: action.check};
		default:
			return state;
	}
}

/**
 * Problems of the step-3 form, with the dictionary part of the password policy when known.
 * `withoutCard`: signed in without the card, a new password needs the current one.
 */
export function accountProblems(state: AccountState, withoutCard = false): Partial<Record<AccountField, string>> {
	const {form, passwordCheck} = state;
	const problems: Partial<Record<AccountField, string>> = formProblems(form, state.mode === 'create');
	if (withoutCard && form.password !== '' && form.currentPassword === '') problems.currentPassword = 'required';
	const assessed = passwordCheck && passwordCheck.password === form.password && form.password !== '' ? passwordCheck.assessment : null;
	const dictionaryProblem = assessed?.problems.find(problem => ['common', 'personal', 'weak', 'too-long'].includes(problem));
	if (!problems.password && dictionaryProblem) problems.password = dictionaryProblem;
	return problems;
}

/** The channel and destination of a channelKey. */
function splitChannelKey(key: string): ['sms' | 'mail', string] {
	const colon = key.indexOf(':');
	return [key.slice(0, colon) === 'sms' ? 'sms' : 'mail', key.slice(colon + 1)];
}

/** The code channel of `options` and where its codes go: `sms:+336…` or `mail:…`. A code verifies one such pair. */
function channelKey(options: AccountOptions): string {
	return `${options.otpChannel}:${options.otpChannel === 'sms' ? (options.mobile ?? '') : options.email}`;
}

/** The practitioner the session is about: read from the card, or the holder of the account signed into. */
function holder(session: Session): CardIdentity | null {
	return session.card.identity ?? session.account.activated?.identity ?? null;
}

/** What step 3 talks to. */
export type AccountDeps = {
	api: Pick<ApiClient, 'verifyChannel' | 'activate' | 'update'>;
	/** Signs a challenge with the card. */
	prove: (purpose: ProofPurpose) => Promise<CardProof>;
	/** The full password policy (dictionaries loaded on first use). */
	assess: (password: string, context: PasswordContext) => Promise<PasswordAssessment>;
	/** Messages of the session's language (backend errors). */
	t: Catalogue;
	/** The session's language: the code's message is written in it. */
	lang: Lang;
	/** A fresh idempotency key (default: a random UUID). */
	uuid?: () => string;
};

/** Intents of step 3. */
export function createAccount({get, dispatch, guarded}: FlowContext, {api, prove, assess, t, lang, uuid = randomUUID}: AccountDeps) {
	const submitFailed = (error: unknown): SessionAction[] => {
		const request = failed(error, t);
		// The chosen address went to someone else meanwhile: step 2 asks for availability again.
		return error instanceof BackendError && error.code === 'address-taken' ? [{type: 'account/submit', request}, {type: 'address/forget-availability'}] : [{type: 'account/submit', request}];
	};

	/** A code sent to the channel of `key` (see channelKey: `sms:+336…`, `mail:…`), to verify it. */
	const requestCode = (key: string): Promise<CodeSent> => {
		const [channel, destination] = splitChannelKey(key);
		return prove('verify-channel').then(proof => api.verifyChannel({proof, channel, destination, lang}));
	};

	/** Opens the code screen for channel `key`: on the code already sent there if any (a new one would be refused as too soon), else a new one. */
	const verifyChannel = (key: string) => {
		const {code} = get();
		if (code?.purpose === 'verify-channel' && code.key === key) {
			dispatch({type: 'account/submit', request: IDLE}, {type: 'navigation/open', screen: 'code'});
			return;
		}
		guarded(
			requestCode(key),
			sent => dispatch(codeSent('verify-channel', key, sent), {type: 'account/submit', request: IDLE}, {type: 'navigation/open', screen: 'code'}),
			error => dispatch(...submitFailed(error)),
		);
	};

	/** Activates the account, or saves the changes, once the form holds no problem. */
	const save = (requestId: string) => {
		const {account: state, address, signIn} = get();
		dispatch({type: 'account/submit', request: SENDING, requestId});
		const options = formOptions(state.form);
		const key = channelKey(options);
		const account = state.mode === 'edit' ? state.activated : null;
		const unchanged = account !== null && channelKey(account.options) === key;
		const verificationId = state.verified[key];
		// Before activating (or moving codes elsewhere), the chosen channel gets a code that must be
		// typed back: a mistyped mobile or e-mail cannot lock the practitioner out.
		if (!unchanged && !verificationId && !signIn.session) {
			verifyChannel(key);
			return;
		}
		// A mobile published in the directory must have received a code too (the service refuses it
		// otherwise): after the code channel's, the mobile's — the same code when codes go to it.
		const mobileKey = options.publishMobile && options.mobile ? channelKey({...options, otpChannel: 'sms'}) : null;
		const alreadyPublished = account?.options.publishMobile === true && account.options.mobile === options.mobile;
		const mobileVerificationId = mobileKey ? state.verified[mobileKey] : undefined;
		if (mobileKey && !mobileVerificationId && !alreadyPublished && !signIn.session) {
			verifyChannel(mobileKey);
			return;
		}
		const password = state.form.password || undefined;
		// A new proof for each attempt: "Réessayer" signs again, with the same requestId.
		const saving =
			signIn.session && account
				? api.update({address: account.address, session: signIn.session, options, password, currentPassword: password ? state.form.currentPassword : undefined})
				: prove(account ? 'update' : 'activate').then(proof =>
						account
							? api.update({address: account.address, proof, options, password, verificationId, mobileVerificationId})
							: api.activate({requestId, proof, verificationId: verificationId ?? '', mobileVerificationId, address: chosenAddress(address), password: state.form.password, options}),
					);
		guarded(
			saving,
			saved => dispatch({type: 'account/saved', account: saved}, {type: 'navigation/restart', screen: 'step4'}),
			error => dispatch(...submitFailed(error)),
		);
	};

	/** Whether `field` may change in this session (see NEEDS_CARD). */
	const editable = (field: AccountField) => !(signedInWithoutCard(get()) && NEEDS_CARD.has(field));

	return {
		requestCode,
		edit(field: AccountTextField, value: string) {
			if (editable(field)) dispatch({type: 'account/edit-field', field, value});
		},
		/** The person left `field`: its problem is shown from now on. */
		touch: (field: AccountField) => dispatch({type: 'account/touch', field}),
		setChannel(channel: 'sms' | 'mail') {
			if (editable('otpChannel')) dispatch({type: 'account/set-channel', channel});
		},
		/** Space on the channel: the other one. */
		toggleChannel() {
			if (editable('otpChannel')) dispatch({type: 'account/set-channel', channel: get().account.form.otpChannel === 'sms' ? 'mail' : 'sms'});
		},
		toggleOption: (field: AccountOption) => dispatch({type: 'account/toggle-option', field}),
		/** "Modifier mon compte" on step 4. */
		startEditing: () => dispatch({type: 'account/edit'}, {type: 'navigation/open', screen: 'step3'}),
		/** Runs the full password policy on `password` (debounced while typing) for the strength meter. */
		assessPassword(password: string) {
			guarded(
				assess(password, holder(get()) ?? {}),
				assessment => dispatch({type: 'account/password-assessed', check: {password, assessment}}),
				() => undefined,
			);
		},
		/** "J'active mon compte !" / "Enregistrer" / "Réessayer": the full policy first, then the code or the save. */
		submit() {
			const session = get();
			const identity = holder(session);
			if (!identity || session.account.submit.phase === 'sending') return;
			dispatch({type: 'account/submit-attempted'});
			const requestId = session.account.requestId ?? uuid();
			const {password} = session.account.form;
			guarded(
				password ? assess(password, identity) : Promise.resolve(null),
				assessment => {
					if (assessment) dispatch({type: 'account/password-assessed', check: {password, assessment}});
					if (Object.keys(accountProblems(get().account, signedInWithoutCard(get()))).length === 0) save(requestId);
				},
				error => dispatch({type: 'account/submit', request: {phase: 'failed', error: stripControl((error as Error).message)}}),
			);
		},
	};
}

/** Intents of step 3, as its screen receives them. */
export type Account = ReturnType<typeof createAccount>;
