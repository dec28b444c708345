import type {CardIdentity} from '../hardware/cps-token.js';
import type {AccountOptions} from './account-rules.js';

/** An activated account as the kiosk sees it (never any secret). */
export type AccountView = {
	address: string;
	identity: CardIdentity;
	options: AccountOptions;
	createdAt: string;
	updatedAt: string;
};

/** "J'active mon compte !": retried with the same `requestId`, it never creates a second account. */
export type ActivationRequest = {
	/** Chosen by the kiosk once per session; the backend's idempotency key. */
	requestId: string;
	identity: CardIdentity;
	address: string;
	password: string;
	options: AccountOptions;
};

/** "Modifier mon compte": new options, and a new password when one is given. */
export type AccountUpdate = {options: AccountOptions; password?: string};

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
 * What the kiosk asks of the activation backend. The embedded backend implements it in-process
 * today; an HTTP client implements the same interface for `serve`.
 */
export interface BackendClient {
	availability(addresses: string[]): Promise<AddressAvailability[]>;
	/** The account already activated for this national identifier, if any. */
	accountFor(nationalId: string): Promise<AccountView | null>;
	activate(request: ActivationRequest): Promise<AccountView>;
	update(address: string, identity: CardIdentity, update: AccountUpdate): Promise<AccountView>;
	/** Sends invitation e-mails to colleagues; returns how many were sent. */
	invite(fromAddress: string, emails: string[]): Promise<{sent: number}>;
	close(): Promise<void>;
}
