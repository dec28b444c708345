// "Me connecter sans carte CPS": the MSSanté address and password, then a one-time code to the
// account's channel; the session it opens (memory only) lets the account be changed without the card.
import type {ApiClient} from '../contract/api/operations.js';
import type {CodeSent} from '../contract/domain/account.js';
import type {Catalogue, Lang} from '../contract/i18n/index.js';
import type {SessionAction} from '../state/session.js';
import {IDLE, SENDING, failed, type FlowContext, type Pending} from './flow.js';
import {codeSent} from './one-time-code.js';

/** The sign-in as typed (the password is wiped once sent) and the session it opened. */
export type SignInState = {
	address: string;
	password: string;
	request: Pending;
	/** Session of a sign-in without the card: memory only, wiped with everything else. */
	session: string | null;
};

export const INITIAL_SIGN_IN: SignInState = {address: '', password: '', request: IDLE, session: null};

export type SignInAction = {type: 'sign-in/field'; field: 'address' | 'password'; value: string} | {type: 'sign-in/request'; request: Pending} | {type: 'sign-in/signed-in'; session: string};

export function signInReducer(state: SignInState, action: SessionAction): SignInState {
	switch (action.type) {
		case 'sign-in/field':
			return {...state, [action.field]: action.value, request: IDLE};
		case 'sign-in/request':
			return {...state, request: action.request};
		case 'sign-in/signed-in':
			// The password has reached the service: nothing keeps it in memory any longer.
			return {address: state.address, password: '', request: IDLE, session: action.session};
		default:
			return state;
	}
}

/** What the sign-in talks to. */
export type SignInDeps = {
	api: Pick<ApiClient, 'signIn'>;
	/** Messages of the session's language. */
	t: Catalogue;
	/** The session's language: the code's message is written in it. */
	lang: Lang;
};

/** Intents of the sign-in screen. */
export function createSignIn({get, dispatch, guarded}: FlowContext, {api, t, lang}: SignInDeps) {
	const address = () => get().signIn.address.trim().toLowerCase();
	/** The address and password checked, a code sent to the account's channel. */
	const requestCode = (): Promise<CodeSent> => api.signIn({address: address(), password: get().signIn.password, lang});
	return {
		requestCode,
		edit: (field: 'address' | 'password', value: string) => dispatch({type: 'sign-in/field', field, value}),
		/** "Recevoir mon code": the address and password checked, a code sent to the account's channel. */
		submit() {
			const {signIn} = get();
			if (signIn.request.phase === 'sending') return;
			if (!signIn.address.trim() || !signIn.password) {
				dispatch({type: 'sign-in/request', request: {phase: 'failed', error: t.signIn.missing}});
				return;
			}
			// A code already sent for this address is still the one to type: back to it, not a new one
			// the service would refuse as too soon.
			if (get().code?.purpose === 'sign-in' && get().code?.key === address()) {
				dispatch({type: 'navigation/open', screen: 'code'});
				return;
			}
			dispatch({type: 'sign-in/request', request: SENDING});
			guarded(
				requestCode(),
				sent => dispatch(codeSent('sign-in', address(), sent), {type: 'sign-in/request', request: IDLE}, {type: 'navigation/open', screen: 'code'}),
				error => dispatch({type: 'sign-in/request', request: failed(error, t)}),
			);
		},
	};
}

/** Intents of the sign-in screen, as it receives them. */
export type SignIn = ReturnType<typeof createSignIn>;
