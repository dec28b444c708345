import {stripControl} from '../services/sanitize.js';

/** The practitioner's identity as read from the card's authentication certificate. */
export type CardIdentity = {
	/** Civilité d'exercice ("Dr", "M.", "Mme"), when the card carries one. */
	civilite?: string;
	givenName: string;
	surname: string;
	/** Profession label (`title` of the certificate), e.g. "Médecin". */
	profession: string;
	/** Profession code of table G15 ("10" for médecin), used for the address domain. */
	professionCode?: string;
	/** National identifier without its type digit. */
	nationalId: string;
	idType: 'RPPS' | 'ADELI';
};

/** "Dr Marie-Hélène LEFÈVRE-DURAND": civilité, given name, surname in capitals, control characters removed. */
export function holderName(identity: CardIdentity): string {
	return stripControl([identity.civilite, identity.givenName, identity.surname.toUpperCase()].filter(Boolean).join(' '));
}

/** PIN state as the token's flags report it before a login attempt. */
export type PinStatus =
	| {state: 'ok'}
	| {state: 'count-low'; triesLeft?: number}
	| {state: 'final-try'}
	| {state: 'locked'};

/** What one login attempt gave. */
export type LoginResult =
	| {kind: 'ok'; identity: CardIdentity}
	| {kind: 'incorrect'; triesLeft?: number}
	| {kind: 'locked'}
	| {kind: 'card-removed'}
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
