/** Stable error codes of the activation API; the kiosk translates them. */
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
	| 'card-required'
	/** Signed in without the card: the current password given to change it is wrong. */
	| 'current-password'
	| 'unavailable';

/** Why a card proof was refused, sent as `details.card` of a `card-proof` error: the kiosk says the true reason. */
export type CardRefusal =
	| 'challenge'
	| 'unreadable'
	| 'validity'
	| 'untrusted'
	| 'signature'
	| 'identity'
	/** Not a card's authentication certificate: a CA, no `digitalSignature`, or an extended usage other than client authentication. */
	| 'profile'
	/** The authority that issued the card (the root or an intermediate) is expired or not yet valid. */
	| 'authority-validity'
	/** The card's key is of a kind the service does not verify (RSA and ECDSA P-256/P-384/P-521 are). */
	| 'algorithm'
	/** The card (or its authority) is listed in its authority's revocation list. */
	| 'revoked'
	/** The revocation list could not be had (unreachable, stale, unsigned): the card is refused until it can. */
	| 'revocation-unknown';

const CARD_REFUSALS: readonly string[] = [
	'challenge',
	'unreadable',
	'validity',
	'untrusted',
	'signature',
	'identity',
	'profile',
	'authority-validity',
	'algorithm',
	'revoked',
	'revocation-unknown',
] satisfies CardRefusal[];

/** The reason of a `card-proof` refusal, if the service gave a known one. */
export function cardRefusalOf(error: BackendError): CardRefusal | undefined {
	const reason = error.code === 'card-proof' ? error.details?.card?.[0] : undefined;
	return reason !== undefined && CARD_REFUSALS.includes(reason) ? (reason as CardRefusal) : undefined;
}

/** HTTP status of each stable error code. */
export const STATUS_OF: Record<BackendErrorCode, number> = {
	'invalid-request': 400,
	'password-policy': 422,
	'address-taken': 409,
	'address-not-allowed': 403,
	'already-activated': 409,
	'not-found': 404,
	'card-proof': 401,
	'sign-in-refused': 401,
	'code-refused': 401,
	'code-expired': 410,
	'rate-limited': 429,
	'channel-not-verified': 403,
	'card-required': 403,
	'current-password': 401,
	unavailable: 503,
};

/** Whether `code` is one of the stable codes (an answer from the service is checked before it is trusted). */
export function isBackendErrorCode(code: string): code is BackendErrorCode {
	return Object.hasOwn(STATUS_OF, code);
}

/** What a refusal tells besides its code, so the kiosk can say what to do next (SPEC §8: resends limited, 5 tries). */
export type BackendErrorFacts = {
	/** `rate-limited`: seconds until a new code may be asked. */
	retryAfterSeconds?: number;
	/** `code-refused`: wrong tries left before the code is invalidated. */
	triesLeft?: number;
};

/** A refusal or failure of the activation API: `{code, message, details?, retryAfterSeconds?, triesLeft?}` on the wire. */
export class BackendError extends Error {
	constructor(
		readonly code: BackendErrorCode,
		message: string,
		/** Field-level details (`{password: ['common']}`), when the request was refused. */
		readonly details?: Record<string, string[]>,
		readonly facts: BackendErrorFacts = {},
	) {
		super(message);
		this.name = 'BackendError';
	}
}
