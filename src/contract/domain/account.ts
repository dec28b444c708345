import type {CardIdentity} from './card-identity.js';
import type {AccountOptions} from '../rules/account-rules.js';

/** Colleagues one invitation request may name (the service also limits them per sender and day). */
export const INVITATIONS_PER_REQUEST = 10;

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
/**
 * What a card proof is for: the challenge it signs is issued for one of these, and the service
 * accepts it for that operation only (a proof intercepted from a lookup cannot change a password).
 */
export const PROOF_PURPOSES = ['lookup', 'address', 'verify-channel', 'activate', 'update', 'invite', 'session'] as const;

/** One of PROOF_PURPOSES. */
export type ProofPurpose = (typeof PROOF_PURPOSES)[number];

export type CardProof = {
	challengeId: string;
	/** Signature of the challenge bytes, base64. */
	signature: string;
	/** The card's authentication certificate, DER in base64. */
	certificate: string;
	/**
	 * The certificates of the authorities that issued it, as the card holds them (DER in base64, at
	 * most 4): the service may build the path with them, but trusts them only if it reaches one of
	 * its anchors. The kiosk does not send them yet.
	 */
	intermediates?: string[];
};

/** A one-time code sent: where to (masked, "06 •• •• •• 78"), the id to confirm it with, and when another may be asked. */
export type CodeSent = {
	id: string;
	channel: 'sms' | 'mail';
	destination: string;
	/** Seconds from now until the service sends another code for the same request (resends are limited). */
	resendAfterSeconds: number;
};

/**
 * "Modifier mon compte": new options, a new password when one is given, and, when the options
 * change where codes go, the verification of the new destination (card holder only).
 */
export type AccountUpdate = {options: AccountOptions; password?: string; verificationId?: string};

/**
 * Availability of one proposed address: `available` is it, or it with the smallest free suffix;
 * `alreadyYours`: the national directory already gives `available` to this card's holder (same
 * national identifier). An address it gives to anyone else is never available.
 */
export type AddressAvailability = {requested: string; available: string; alreadyYours?: boolean};
