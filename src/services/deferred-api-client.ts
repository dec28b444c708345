import {BackendError} from '../contract/api/errors.js';
import type {ApiClient, CallOptions} from '../contract/api/operations.js';

type Method = (input: unknown, options?: CallOptions) => Promise<unknown>;

/**
 * An ApiClient whose real client is still starting (the embedded service starts after the
 * kiosk's first frame). Calls wait for it; if it could not start, they fail as "unavailable".
 */
export function deferredApiClient(ready: Promise<ApiClient>): ApiClient {
	// The failure is reported once by whoever started it; calls only need a BackendError.
	const client = ready.catch((error: unknown) => {
		throw new BackendError('unavailable', (error as Error).message);
	});
	client.catch(() => undefined);
	// Each method forwards to the real client's method of the same name. A proxy rather than an
	// object built from the contract's operation table: that table holds the zod schemas, which
	// the kiosk does not load before its first frame.
	return new Proxy({} as ApiClient, {
		get: (_target, operation) => async (input: unknown, options?: CallOptions) => ((await client)[operation as keyof ApiClient] as Method)(input, options),
	});
}
