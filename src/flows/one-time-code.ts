// The one-time code: sent to the code channel being verified before an activation (or a change), or
// to the account's channel for a sign-in without the card; typed back, it resumes what asked for it.
import type {ApiClient} from '../contract/api/operations.js';
import type {CodeSent} from '../contract/domain/account.js';
import type {Catalogue} from '../contract/i18n/index.js';
import {formOptions} from '../contract/rules/account-rules.js';
import type {SessionAction} from '../state/session.js';
import {channelKey, type Account} from './account.js';
import {SENDING, failed, type FlowContext, type Pending} from './flow.js';
import type {SignIn} from './sign-in.js';

/** A code sent and awaited (the code screen). */
export type PendingCode = {
	/** What it was sent for. */
	purpose: 'verify-channel' | 'sign-in';
	sent: CodeSent;
	request: Pending;
};

export type OneTimeCodeAction =
	/** A code went out (the caller opens the code screen). */
	| {type: 'code/sent'; purpose: PendingCode['purpose']; sent: CodeSent}
	| {type: 'code/request'; request: Pending}
	/** The code came back right: nothing is awaited any longer. */
	| {type: 'code/done'};

export function oneTimeCodeReducer(state: PendingCode | null, action: SessionAction): PendingCode | null {
	switch (action.type) {
		case 'code/sent':
			return {purpose: action.purpose, sent: action.sent, request: {phase: 'idle'}};
		case 'code/request':
			return state ? {...state, request: action.request} : state;
		case 'code/done':
			return null;
		default:
			return state;
	}
}

/** What the code screen talks to, and the flows a code resumes. */
export type OneTimeCodeDeps = {
	api: Pick<ApiClient, 'confirmChannel' | 'confirmSignIn'>;
	/** Messages of the session's language. */
	t: Catalogue;
	/** Resumed once its channel is verified, and asked again for a new code. */
	account: Pick<Account, 'submit'>;
	/** Asked again for a new sign-in code. */
	signIn: Pick<SignIn, 'submit'>;
};

/** Intents of the code screen. */
export function createOneTimeCode({get, dispatch, guarded}: FlowContext, {api, t, account, signIn}: OneTimeCodeDeps) {
	return {
		/** The 6-digit code typed on the code screen. */
		submit(code: string) {
			const pending = get().code;
			if (!pending || pending.request.phase === 'sending') return;
			if (!/^\d{6}$/.test(code)) {
				dispatch({type: 'code/request', request: {phase: 'failed', error: t.code.sixDigits}});
				return;
			}
			dispatch({type: 'code/request', request: SENDING});
			const fail = (error: unknown) => dispatch({type: 'code/request', request: failed(error, t)});
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
					const key = channelKey(formOptions(get().account.form));
					dispatch({type: 'account/channel-verified', key, id: pending.sent.id}, {type: 'code/done'}, {type: 'navigation/close', screen: 'code'});
					// Verified: carry on with the activation (or the change) that asked for it.
					account.submit();
				},
				fail,
			);
		},
		/** "Renvoyer le code": the same request again. */
		resend() {
			const pending = get().code;
			if (!pending) return;
			if (pending.purpose === 'sign-in') signIn.submit();
			else {
				dispatch({type: 'navigation/close', screen: 'code'});
				account.submit();
			}
		},
	};
}

/** Intents of the code screen, as it receives them. */
export type OneTimeCode = ReturnType<typeof createOneTimeCode>;
