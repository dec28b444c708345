import type {CardIdentity} from '../contract/domain/card-identity.js';

/** PIN state as the token's flags report it before a login attempt. */
export type PinStatus = {state: 'ok'} | {state: 'count-low'; triesLeft?: number} | {state: 'final-try'} | {state: 'locked'};

/**
 * What one login attempt gave. `triesLeft` only when the token says it (a CPS's FINAL_TRY flag: 1);
 * `no-token`: tokens are present but none has the label asked for (`--pkcs11-token-label`).
 */
export type LoginResult =
	| {kind: 'ok'; identity: CardIdentity}
	| {kind: 'incorrect'; triesLeft?: number}
	| {kind: 'locked'}
	| {kind: 'card-removed'}
	| {kind: 'no-token'; label: string; found: string[]}
	| {kind: 'error'; message: string};

/**
 * The CPS card's PKCS#11 token. Every call is asynchronous: the real module blocks, so it runs
 * off the render thread (a worker), and the UI only ever awaits it.
 */
export interface CpsToken {
	pinStatus(): Promise<PinStatus>;
	/** Presents the 4-digit PIN; never stores it. */
	login(pin: string): Promise<LoginResult>;
	/** Signs a backend challenge with the card's authentication key (after a successful login). */
	sign(challenge: Uint8Array): Promise<Uint8Array>;
	/** The authentication certificate, DER (after a successful login): sent with each signature. */
	certificate(): Promise<Uint8Array>;
	logout(): Promise<void>;
}
