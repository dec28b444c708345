// Step 1: the card's PIN (never the PIN itself, only what the card said about it), the identity read
// from the card, and the card proof every request about this practitioner carries.
import type {ApiClient} from '../contract/api/operations.js';
import type {CardProof} from '../contract/domain/account.js';
import type {CardIdentity} from '../contract/domain/card-identity.js';
import type {CpsToken, PinStatus} from '../hardware/cps-token.js';
import type {SessionAction} from '../state/session.js';
import type {FlowContext} from './flow.js';

/** Step 1's PIN: what the card said about it, never the PIN itself. */
type PinState =
	| {phase: 'entry'; status: PinStatus | null; lastAttempt?: 'incorrect' | 'too-short' | 'card-removed'; triesLeft?: number; error?: string}
	| {phase: 'checking'; status: PinStatus | null}
	| {phase: 'locked'}
	| {phase: 'ok'};

/** The card's side of the session. */
export type CardAndPinState = {
	pin: PinState;
	/** Read from the card once the PIN is accepted. */
	identity: CardIdentity | null;
};

export const INITIAL_CARD_AND_PIN: CardAndPinState = {pin: {phase: 'entry', status: null}, identity: null};

export type CardAndPinAction =
	| {type: 'card/pin-status'; status: PinStatus}
	| {type: 'card/pin-too-short'}
	| {type: 'card/pin-checking'}
	| {type: 'card/pin-incorrect'; triesLeft?: number}
	| {type: 'card/pin-locked'}
	| {type: 'card/pin-card-removed'}
	| {type: 'card/pin-error'; message: string}
	| {type: 'card/pin-ok'; identity: CardIdentity};

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
		case 'card/pin-error':
			return {...state, pin: {phase: 'entry', status: null, error: action.message}};
		case 'card/pin-ok':
			return {pin: {phase: 'ok'}, identity: action.identity};
		default:
			return state;
	}
}

/** Whether the PIN was accepted and the identity read: "Continuer" is shown. */
export function loggedIn(state: CardAndPinState): boolean {
	return state.pin.phase === 'ok' && state.identity !== null;
}

/** What the card proof needs: a backend challenge, signed by the card. */
export type CardProver = {
	api: Pick<ApiClient, 'challenge'>;
	token: Pick<CpsToken, 'sign' | 'certificate'>;
};

/** Signs a fresh backend challenge with the card: what every request about this practitioner carries. */
export async function proveCard({api, token}: CardProver): Promise<CardProof> {
	const {challengeId, challenge} = await api.challenge({});
	const [signature, certificate] = await Promise.all([token.sign(new Uint8Array(Buffer.from(challenge, 'base64'))), token.certificate()]);
	return {challengeId, signature: Buffer.from(signature).toString('base64'), certificate: Buffer.from(certificate).toString('base64')};
}

/** What step 1 talks to. */
export type CardAndPinDeps = {
	token: Pick<CpsToken, 'pinStatus' | 'login'>;
	api: Pick<ApiClient, 'lookup'>;
	/** Signs a challenge with the card (after the PIN). */
	prove: () => Promise<CardProof>;
};

/** Intents of step 1. */
export function createCardAndPin({get, dispatch, guarded}: FlowContext, {token, api, prove}: CardAndPinDeps) {
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
			const login = token.login(pin).then(async result => {
				if (result.kind !== 'ok') return {result, account: null};
				const account = await prove()
					.then(proof => api.lookup({proof}))
					.catch(() => null);
				return {result, account};
			});
			guarded(
				login,
				({result, account}) => {
					if (result.kind === 'ok') dispatch({type: 'card/pin-ok', identity: result.identity}, {type: 'account/found', account});
					else if (result.kind === 'incorrect') dispatch({type: 'card/pin-incorrect', triesLeft: result.triesLeft});
					else if (result.kind === 'locked') dispatch({type: 'card/pin-locked'});
					else if (result.kind === 'card-removed') dispatch({type: 'card/pin-card-removed'});
					else dispatch({type: 'card/pin-error', message: result.message});
				},
				error => dispatch({type: 'card/pin-error', message: (error as Error).message}),
			);
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
