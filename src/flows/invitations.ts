// "Inviter vos confrères": e-mail addresses typed, invitations sent by the backend on behalf of the
// card's account.
import type {ApiClient} from '../contract/api/operations.js';
import {BackendError} from '../contract/api/errors.js';
import {INVITATIONS_PER_REQUEST, type CardProof, type ProofPurpose} from '../contract/domain/account.js';
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
	/** How many of its colleagues had been invited in the last 30 days, and were not mailed again. */
	alreadyInvited?: number;
};

export const INITIAL_INVITATIONS: InvitationsState = {input: '', request: IDLE, sent: null};

export type InvitationsAction = {type: 'invitations/input'; value: string} | {type: 'invitations/request'; request: Pending; sent?: number; alreadyInvited?: number};

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
				alreadyInvited: action.sent === undefined ? state.alreadyInvited : action.alreadyInvited,
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
			// Each colleague once, in whatever case typed; as many as the service takes in one request.
			const distinct = [...new Map(emails.map(email => [email.toLowerCase(), email])).values()];
			if (distinct.length > INVITATIONS_PER_REQUEST) {
				dispatch({type: 'invitations/request', request: {phase: 'failed', error: t.invite.tooMany(INVITATIONS_PER_REQUEST)}});
				return;
			}
			dispatch({type: 'invitations/request', request: SENDING});
			guarded(
				prove('invite').then(proof => api.invite({proof, emails: distinct})),
				({sent, alreadyInvited}) => dispatch({type: 'invitations/request', request: IDLE, sent, alreadyInvited}),
				error => dispatch({type: 'invitations/request', request: refused(error, t)}),
			);
		},
	};
}

/** A refusal of the invitations: the day's limit said as such (not as codes asked too often). */
function refused(error: unknown, t: Catalogue): Pending {
	if (error instanceof BackendError && error.code === 'rate-limited' && error.facts.retryAfterSeconds !== undefined) {
		return {phase: 'failed', error: t.invite.dailyLimit(Math.max(1, Math.ceil(error.facts.retryAfterSeconds / 3600))), code: error.code};
	}
	return failed(error, t);
}

/** Intents of the invitations screen, as it receives them. */
export type Invitations = ReturnType<typeof createInvitations>;
