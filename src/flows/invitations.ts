// "Inviter vos confrères": e-mail addresses typed, invitations sent by the backend on behalf of the
// card's account.
import type {ApiClient} from '../contract/api/operations.js';
import type {CardProof, ProofPurpose} from '../contract/domain/account.js';
import type {Catalogue} from '../contract/i18n/index.js';
import {checkEmail} from '../contract/rules/contact-rules.js';
import type {SessionAction} from '../state/session.js';
import {signedInWithoutCard} from './account.js';
import {IDLE, SENDING, failed, type FlowContext, type Pending} from './flow.js';

/** The invitations screen as the person left it. */
export type InvitationsState = {
	/** The addresses as typed, separated by spaces, commas or semicolons. */
	input: string;
	request: Pending;
	/** How many invitations the last request sent. */
	sent: number | null;
};

export const INITIAL_INVITATIONS: InvitationsState = {input: '', request: IDLE, sent: null};

export type InvitationsAction = {type: 'invitations/input'; value: string} | {type: 'invitations/request'; request: Pending; sent?: number};

export function invitationsReducer(state: InvitationsState, action: SessionAction): InvitationsState {
	switch (action.type) {
		case 'invitations/input':
			return {...state, input: action.value, request: IDLE};
		case 'invitations/request':
			return {
				// Sent: the field is emptied for the next ones.
				input: action.request.phase === 'idle' && action.sent !== undefined ? '' : state.input,
				request: action.request,
				sent: action.sent ?? state.sent,
			};
		default:
			return state;
	}
}

/** What the invitations talk to. */
export type InvitationsDeps = {
	api: Pick<ApiClient, 'invite'>;
	/** Signs a challenge with the card: invitations go out from the card's account. */
	prove: (purpose: ProofPurpose) => Promise<CardProof>;
	/** Messages of the session's language. */
	t: Catalogue;
};

/** Intents of the invitations screen. */
export function createInvitations({get, dispatch, guarded}: FlowContext, {api, prove, t}: InvitationsDeps) {
	return {
		edit: (value: string) => dispatch({type: 'invitations/input', value}),
		/** "Envoyer": every address checked first; none is sent while one is invalid. Only with the card (the screen says so). */
		send() {
			const {account, invitations} = get();
			if (!account.activated || signedInWithoutCard(get())) return;
			const emails = invitations.input.split(/[\s,;]+/).filter(Boolean);
			if (emails.length === 0) {
				dispatch({type: 'invitations/request', request: {phase: 'failed', error: t.invite.empty}});
				return;
			}
			const invalid = emails.filter(email => !checkEmail(email).ok);
			if (invalid.length > 0) {
				dispatch({type: 'invitations/request', request: {phase: 'failed', error: t.invite.invalid(invalid.join(', '))}});
				return;
			}
			dispatch({type: 'invitations/request', request: SENDING});
			guarded(
				prove('invite').then(proof => api.invite({proof, emails})),
				({sent}) => dispatch({type: 'invitations/request', request: IDLE, sent}),
				error => dispatch({type: 'invitations/request', request: failed(error, t)}),
			);
		},
	};
}

/** Intents of the invitations screen, as it receives them. */
export type Invitations = ReturnType<typeof createInvitations>;
