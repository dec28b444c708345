// Step 1: the card's PIN (never the PIN itself, only what the card said about it), the identity read
// from the card, and the card proof every request about this practitioner carries.
import {BackendError} from '../contract/api/errors.js';
import type {ApiClient} from '../contract/api/operations.js';
import type {Catalogue} from '../contract/i18n/index.js';
import type {CardProof, ProofPurpose} from '../contract/domain/account.js';
import type {CardIdentity} from '../contract/domain/card-identity.js';
import {stripControl} from '../contract/text/sanitize.js';
import type {CpsToken, PinStatus} from '../hardware/cps-token.js';
import type {SessionAction} from '../state/session.js';
import {failed, type FlowContext} from './flow.js';

/** Step 1's PIN: what the card said about it, never the PIN itself. */
type PinState =
	| {phase: 'entry'; status: PinStatus | null; lastAttempt?: 'incorrect' | 'too-short' | 'card-removed'; triesLeft?: number; error?: string; noToken?: NoToken}
	| {phase: 'checking'; status: PinStatus | null}
	| {phase: 'locked'}
	| {phase: 'ok'};

/** No token has the label asked for (`--pkcs11-token-label`): the one asked, the ones present. */
type NoToken = {label: string; found: string[]};

/**
 * What the service said of the card, asked right after the PIN (a signed proof and the lookup of
 * its account): a card the service will refuse is told so at step 1, with the service's reason,
 * not after three steps filled in.
 */
type CardCheck = {phase: 'checking'} | {phase: 'accepted'} | {phase: 'refused'; reason: string} | {phase: 'failed'; error: string};

/** The card's side of the session. */
export type CardAndPinState = {
	pin: PinState;
	/** Read from the card once the PIN is accepted. */
	identity: CardIdentity | null;
	/** The service's answer about this card, once the PIN is accepted. */
	check: CardCheck | null;
};

export const INITIAL_CARD_AND_PIN: CardAndPinState = {pin: {phase: 'entry', status: null}, identity: null, check: null};

export type CardAndPinAction =
	| {type: 'card/pin-status'; status: PinStatus}
	| {type: 'card/pin-too-short'}
	| {type: 'card/pin-checking'}
	| {type: 'card/pin-incorrect'; triesLeft?: number}
	| {type: 'card/pin-locked'}
	| {type: 'card/pin-card-removed'}
	| ({type: 'card/pin-no-token'} & NoToken)
	| {type: 'card/pin-error'; message: string}
	| {type: 'card/pin-ok'; identity: CardIdentity}
	| {type: 'card/checked'; check: CardCheck};

export function cardAndPinReducer(state: CardAndPinState, action: SessionAction): CardAndPinState {
	const {pin} = state;
	switch (action.type) {
		case 'card/pin-status':
			if (action.status.state === 'locked') return {...state, pin: {phase: 'locked'}};
			return pin.phase === 'entry' ? {...state, pin: {...pin, status: action.status}} : state;
		case 'card/pin-too-short':
			return pin.phase === 'entry' ? {...state, pin: {...pin, lastAttempt: 'too-short'}} : state;
		case 'card/pin-checking':
			return {...state, pin: {phase: 'checking', status: pin.phase === 'entry' ? pin.status : null}};
		case 'card/pin-incorrect':
			return {...state, pin: {phase: 'entry', status: null, lastAttempt: 'incorrect', triesLeft: action.triesLeft}};
		case 'card/pin-locked':
			return {...state, pin: {phase: 'locked'}};
		case 'card/pin-card-removed':
			return {...state, pin: {phase: 'entry', status: null, lastAttempt: 'card-removed'}};
		case 'card/pin-no-token':
			return {...state, pin: {phase: 'entry', status: null, noToken: {label: action.label, found: action.found}}};
		case 'card/pin-error':
			return {...state, pin: {phase: 'entry', status: null, error: action.message}};
		case 'card/pin-ok':
			return {pin: {phase: 'ok'}, identity: action.identity, check: {phase: 'checking'}};
		case 'card/checked':
			return pin.phase === 'ok' ? {...state, check: action.check} : state;
		default:
			return state;
	}
}

/** Whether the PIN was accepted, the identity read and the card accepted by the service: "Continuer" is shown. */
export function loggedIn(state: CardAndPinState): boolean {
	return state.pin.phase === 'ok' && state.identity !== null && state.check?.phase === 'accepted';
}

/** What the card proof needs: a backend challenge, signed by the card. */
export type CardProver = {
	api: Pick<ApiClient, 'challenge'>;
	token: Pick<CpsToken, 'sign' | 'certificate'>;
};

/** Signs a fresh backend challenge, issued for `purpose`, with the card: what every request about this practitioner carries. */
export async function proveCard({api, token}: CardProver, purpose: ProofPurpose): Promise<CardProof> {
	const {challengeId, challenge} = await api.challenge({purpose});
	const [signature, certificate] = await Promise.all([token.sign(new Uint8Array(Buffer.from(challenge, 'base64'))), token.certificate()]);
	return {challengeId, signature: Buffer.from(signature).toString('base64'), certificate: Buffer.from(certificate).toString('base64')};
}

/** What step 1 talks to. */
export type CardAndPinDeps = {
	token: Pick<CpsToken, 'pinStatus' | 'login'>;
	api: Pick<ApiClient, 'lookup'>;
	/** Signs a challenge with the card (after the PIN). */
	prove: (purpose: ProofPurpose) => Promise<CardProof>;
	/** Messages of the session's language (the service's refusals). */
	t: Catalogue;
};

/** Intents of step 1. */
export function createCardAndPin({get, dispatch, guarded}: FlowContext, {token, api, prove, t}: CardAndPinDeps) {
	/** Proves the card to the service and looks up its account: refused, the reason is shown at once. */
	const checkCard = () => {
		dispatch({type: 'card/checked', check: {phase: 'checking'}});
		guarded(
			prove('lookup').then(proof => api.lookup({proof})),
			account => dispatch({type: 'account/found', account}, {type: 'card/checked', check: {phase: 'accepted'}}),
			error => {
				// The card could not sign: said as a card problem, not as the service's.
				if (!(error instanceof BackendError)) return dispatch({type: 'card/checked', check: {phase: 'failed', error: stripControl((error as Error).message)}});
				// No account yet: the card is good, the wizard goes on. A refused proof is final for this
				// card; anything else (the service unreachable) may be tried again.
				const {error: message, code} = failed(error, t);
				if (code === 'not-found') dispatch({type: 'account/found', account: null}, {type: 'card/checked', check: {phase: 'accepted'}});
				else dispatch({type: 'card/checked', check: code === 'card-proof' ? {phase: 'refused', reason: message} : {phase: 'failed', error: message}});
			},
		);
	};
	return {
		/** Reads the token's flags: the PIN state before any attempt (final try, locked). */
		checkPinStatus() {
			guarded(
				token.pinStatus(),
				status => dispatch({type: 'card/pin-status', status}),
				() => undefined,
			);
		},
		/** Presents the PIN typed; once accepted, looks up an account already activated for this card. */
		submitPin(pin: string) {
			if (!/^\d{4}$/.test(pin)) {
				dispatch({type: 'card/pin-too-short'});
				return;
			}
			dispatch({type: 'card/pin-checking'});
			guarded(
				token.login(pin),
				result => {
					if (result.kind === 'ok') {
						dispatch({type: 'card/pin-ok', identity: result.identity});
						checkCard();
					} else if (result.kind === 'incorrect') dispatch({type: 'card/pin-incorrect', triesLeft: result.triesLeft});
					else if (result.kind === 'locked') dispatch({type: 'card/pin-locked'});
					else if (result.kind === 'card-removed') dispatch({type: 'card/pin-card-removed'});
					else if (result.kind === 'no-token') dispatch({type: 'card/pin-no-token', label: result.label, found: result.found});
					else dispatch({type: 'card/pin-error', message: result.message});
				},
				error => dispatch({type: 'card/pin-error', message: (error as Error).message}),
			);
		},
		/** "Réessayer" after the service could not be reached about the card. */
		recheckCard() {
			if (get().card.check?.phase === 'failed') checkCard();
		},
		/** "Continuer" once the card is read: step 2, or step 4 when this card's account is already activated. */
		continueAfterLogin() {
			const {card, account} = get();
			if (!loggedIn(card)) return;
			if (account.activated) dispatch({type: 'navigation/restart', screen: 'step4'});
			else dispatch({type: 'navigation/go', screen: 'step2'});
		},
	};
}

/** Intents of step 1, as its screen receives them. */
export type CardAndPin = ReturnType<typeof createCardAndPin>;
