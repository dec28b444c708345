import {BackendError} from '../contract/api/errors.js';
import {OPERATION_NAMES, type ApiClient, type CallOptions, type Operation} from '../contract/api/operations.js';

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
	const forward = (operation: Operation) => async (input: unknown, options?: CallOptions) => ((await client)[operation] as (input: unknown, options?: CallOptions) => Promise<unknown>)(input, options);
	// Built from the contract's operation table, like the client it forwards to (see createApiClient).
	return Object.fromEntries(OPERATION_NAMES.map(operation => [operation, forward(operation)])) as unknown as ApiClient;
}
