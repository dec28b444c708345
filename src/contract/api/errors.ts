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
	| 'unavailable';

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
	unavailable: 503,
};

/** Whether `code` is one of the stable codes (an answer from the service is checked before it is trusted). */
export function isBackendErrorCode(code: string): code is BackendErrorCode {
	return Object.hasOwn(STATUS_OF, code);
}

/** A refusal or failure of the activation API: `{code, message, details?}` on the wire. */
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
