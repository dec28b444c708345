import type {CardIdentity} from '../hardware/cps-token.js';
import type {AccountOptions} from './account-rules.js';
import type {DirectoryPage, DirectoryQuery, DirectoryState} from './directory-query.js';

/** An activated account as the kiosk sees it (never any secret). */
export type AccountView = {
	address: string;
	identity: CardIdentity;
	options: AccountOptions;
	createdAt: string;
	updatedAt: string;
};

/** "J'active mon compte !" as the account service applies it, for an identity already proven. */
export type ActivationRequest = {
	/** Chosen by the kiosk once per session; the backend's idempotency key. */
	requestId: string;
	identity: CardIdentity;
	address: string;
	password: string;
	options: AccountOptions;
};

/** Proof that the card is in the reader: a fresh backend challenge signed by the card's key. */
export type CardProof = {
	challengeId: string;
	/** Signature of the challenge bytes, base64. */
	signature: string;
	/** The card's authentication certificate, DER in base64. */
	certificate: string;
};

/** A challenge to sign. */
export type Challenge = {challengeId: string; challenge: Uint8Array};

/**
 * "J'active mon compte !" as the kiosk sends it: the identity comes from the proof's certificate
 * only, and `verificationId` shows the preferred channel received a code that was typed back.
 */
export type KioskActivation = Omit<ActivationRequest, 'identity'> & {proof: CardProof; verificationId: string};

/** A one-time code sent: where to (masked, "06 •• •• •• 78"), and the id to confirm it with. */
export type CodeSent = {id: string; channel: 'sms' | 'mail'; destination: string};

/** Who may change an account: the card (proof) or a sign-in without it (session). */
export type AccountAuth = {proof: CardProof} | {session: string};

/**
 * "Modifier mon compte": new options, a new password when one is given, and, when the options
 * change where codes go, the verification of the new destination (card holder only).
 */
export type AccountUpdate = {options: AccountOptions; password?: string; verificationId?: string};

/** Availability of one proposed address: `available` is it, or it with the smallest free suffix. */
export type AddressAvailability = {requested: string; available: string};

/** Stable error codes; the kiosk translates them. */
export type BackendErrorCode =
	| 'invalid-request'
	| 'password-policy'
	| 'address-taken'
	| 'address-not-allowed'
	| 'already-activated'
	| 'not-found'
	| 'card-proof'
	| 'sign-in-refused'
	| 'code-refused'
	| 'code-expired'
	| 'rate-limited'
	| 'channel-not-verified'
	| 'unavailable';

export class BackendError extends Error {
	constructor(
		readonly code: BackendErrorCode,
		message: string,
		/** Field-level details (`{password: ['common']}`), when the request was refused. */
		readonly details?: Record<string, string[]>,
	) {
		super(message);
		this.name = 'BackendError';
	}
}

/**
 * What the kiosk asks of the activation service (over HTTP). Everything tied to a practitioner
 * carries a card proof: the service takes the identity from the verified certificate only.
 */
export interface BackendClient {
	/** A fresh single-use challenge for the card to sign. */
	challenge(): Promise<Challenge>;
	availability(addresses: string[]): Promise<AddressAvailability[]>;
	/** The account already activated for the proven card, if any. */
	accountFor(proof: CardProof): Promise<AccountView | null>;
	/** Sends a code to the channel chosen in step 3, to check it reaches the practitioner. */
	verifyChannel(proof: CardProof, channel: 'sms' | 'mail', destination: string): Promise<CodeSent>;
	/** Confirms the code of `verifyChannel` (BackendError 'code-refused' / 'code-expired' otherwise). */
	confirmChannel(verificationId: string, code: string): Promise<void>;
	activate(request: KioskActivation): Promise<AccountView>;
	/** "Me connecter sans carte CPS": address + password; a code goes to the preferred channel. */
	signIn(address: string, password: string): Promise<CodeSent>;
	/** The code of `signIn`: a session for "Modifier mon compte", and the account. */
	confirmSignIn(signInId: string, code: string): Promise<{session: string; account: AccountView}>;
	update(address: string, auth: AccountAuth, update: AccountUpdate): Promise<AccountView>;
	/** Sends invitation e-mails from the proven card's account; returns how many were sent. */
	invite(proof: CardProof, emails: string[]): Promise<{sent: number}>;
	/** A session for the proven card's account: the directory then shows published mobiles. */
	openSession(proof: CardProof): Promise<string>;
	/** "Rechercher dans l'annuaire": a page of results; with a session, published mobiles too. */
	searchDirectory(query: DirectoryQuery, session?: string | null): Promise<DirectoryPage>;
	/** Where the directory stands (asking starts loading the national file). */
	directoryStatus(): Promise<DirectoryState>;
	close(): Promise<void>;
}
