// The one-time code: sent to the code channel being verified before an activation (or a change), or
// to the account's channel for a sign-in without the card; typed back, it resumes what asked for it.
// The code screen stays up whatever happens: a new code is asked for from it, when the service allows.
import {BackendError} from '../contract/api/errors.js';
import type {ApiClient} from '../contract/api/operations.js';
import type {CodeSent} from '../contract/domain/account.js';
import type {Catalogue} from '../contract/i18n/index.js';
import type {SessionAction} from '../state/session.js';
import type {Account} from './account.js';
import {IDLE, SENDING, failed, type FlowContext, type Pending} from './flow.js';
import type {SignIn} from './sign-in.js';

/** What a code is for. */
type CodePurpose = 'verify-channel' | 'sign-in';

/** A code sent and awaited (the code screen). */
export type PendingCode = {
	/** What it was sent for. */
	purpose: CodePurpose;
	/** The request it answers — the channel verified (see channelKey) or the address signed into: the same request finds it again. */
	key: string;
	sent: CodeSent;
	/** The code as typed: kept while the service cannot be reached, cleared once it refused it. */
	typed: string;
	/** When (epoch ms) the service sends another code: the screen counts down to it. */
	resendAt: number;
	/** The code typed back, on its way or refused. */
	request: Pending;
	/** A new code asked for, on its way or refused. */
	resend: Pending;
	/** A new code went out: said until the next code is typed or asked for. */
	resent: boolean;
};

export type OneTimeCodeAction =
	/** A code went out (the caller opens the code screen). */
	| {type: 'code/sent'; purpose: CodePurpose; key: string; sent: CodeSent; resendAt: number}
	| {type: 'code/typed'; value: string}
	| {type: 'code/request'; request: Pending}
	/** A new code asked for from the code screen: on its way, refused (and, when too soon, when to ask again), or sent. */
	| {type: 'code/resend'; resend: Pending; resendAt?: number}
	| {type: 'code/resent'; sent: CodeSent; resendAt: number}
	/** The code came back right: nothing is awaited any longer. */
	| {type: 'code/done'};

/** Refusals that used the code up or found it wrong: it is cleared for the next. Any other failure keeps it. */
const SPENT: ReadonlySet<string | undefined> = new Set(['code-refused', 'code-expired']);

export function oneTimeCodeReducer(state: PendingCode | null, action: SessionAction): PendingCode | null {
	switch (action.type) {
		case 'code/sent':
			return {purpose: action.purpose, key: action.key, sent: action.sent, typed: '', resendAt: action.resendAt, request: IDLE, resend: IDLE, resent: false};
		case 'code/done':
			return null;
		default:
			return state ? pendingCodeReducer(state, action) : state;
	}
}

function pendingCodeReducer(state: PendingCode, action: SessionAction): PendingCode {
	switch (action.type) {
		case 'code/typed':
			return {...state, typed: action.value, request: state.request.phase === 'sending' ? state.request : IDLE, resent: false};
		case 'code/request': {
			const refused = action.request.phase === 'failed' && SPENT.has(action.request.code);
			return {...state, request: action.request, typed: refused ? '' : state.typed, resent: false};
		}
		case 'code/resend':
			return {...state, resend: action.resend, resendAt: action.resendAt ?? state.resendAt, resent: false};
		case 'code/resent':
			return {...state, sent: action.sent, resendAt: action.resendAt, typed: '', request: IDLE, resend: IDLE, resent: true};
		default:
			return state;
	}
}

/** The action of a code sent for `purpose` and `key`, the wait before another one counted from `now`. */
export function codeSent(purpose: CodePurpose, key: string, sent: CodeSent, now: number = Date.now()): OneTimeCodeAction {
	return {type: 'code/sent', purpose, key, sent, resendAt: now + sent.resendAfterSeconds * 1000};
}

/** What the code screen talks to, and the flows a code resumes. */
export type OneTimeCodeDeps = {
	api: Pick<ApiClient, 'confirmChannel' | 'confirmSignIn'>;
	/** Messages of the session's language. */
	t: Catalogue;
	/** Resumed once its channel is verified, and asked for a new code. */
	account: Pick<Account, 'submit' | 'requestCode'>;
	/** Asked for a new sign-in code. */
	signIn: Pick<SignIn, 'requestCode'>;
	/** The clock the wait before a new code is counted on (default: Date.now). */
	now?: () => number;
};

/** Intents of the code screen. */
export function createOneTimeCode({get, dispatch, guarded}: FlowContext, {api, t, account, signIn, now = Date.now}: OneTimeCodeDeps) {
	return {
		/** The code field changed (digits only, at most 6: the screen filters). */
		type: (value: string) => dispatch({type: 'code/typed', value}),
		/** "Valider": the code typed sent back. */
		submit() {
			const pending = get().code;
			if (!pending || pending.request.phase === 'sending') return;
			const code = pending.typed;
			if (!/^\d{6}$/.test(code)) {
				dispatch({type: 'code/request', request: {phase: 'failed', error: t.code.sixDigits}});
				return;
			}
			dispatch({type: 'code/request', request: SENDING});
			const fail = (error: unknown) => {
				const request = failed(error, t);
				// Never reached the service: the code stands, and the screen says so.
				dispatch({type: 'code/request', request: request.code === undefined || request.code === 'unavailable' ? {...request, error: t.code.unreachable} : request});
			};
			if (pending.purpose === 'sign-in') {
				guarded(
					api.confirmSignIn({signInId: pending.sent.id, code}),
					({session, account: signedInto}) =>
						dispatch({type: 'sign-in/signed-in', session}, {type: 'account/found', account: signedInto}, {type: 'code/done'}, {type: 'navigation/restart', screen: 'step4'}),
					fail,
				);
				return;
			}
			guarded(
				api.confirmChannel({verificationId: pending.sent.id, code}),
				() => {
					// The channel this code was sent to: the code channel, or the mobile to publish.
					dispatch({type: 'account/channel-verified', key: pending.key, id: pending.sent.id}, {type: 'code/done'}, {type: 'navigation/close', screen: 'code'});
					// Verified: carry on with the activation (or the change) that asked for it.
					account.submit();
				},
				fail,
			);
		},
		/** "Renvoyer le code": a new code for the same request, once the service allows it; the screen stays. */
		resend() {
			const pending = get().code;
			if (!pending || pending.resend.phase === 'sending' || now() < pending.resendAt) return;
			dispatch({type: 'code/resend', resend: SENDING});
			guarded(
				pending.purpose === 'sign-in' ? signIn.requestCode() : account.requestCode(pending.key),
				sent => dispatch({type: 'code/resent', sent, resendAt: now() + sent.resendAfterSeconds * 1000}),
				error => {
					const wait = error instanceof BackendError ? error.facts.retryAfterSeconds : undefined;
					dispatch({type: 'code/resend', resend: failed(error, t), resendAt: wait === undefined ? undefined : now() + wait * 1000});
				},
			);
		},
	};
}

/** Intents of the code screen, as it receives them. */
export type OneTimeCode = ReturnType<typeof createOneTimeCode>;
