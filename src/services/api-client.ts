import type * as z from 'zod/mini';
import {BackendError, isBackendErrorCode} from '../contract/api/errors.js';
import {OPERATION_NAMES, OPERATIONS, type ApiClient, type CallOptions, type Operation, type OperationSpec} from '../contract/api/operations.js';
import {responseSchemas} from '../contract/api/schemas.js';
import {stripControlDeep} from '../contract/text/sanitize.js';

/** Options of the HTTP client. */
export type ApiClientOptions = {
	/** Time allowed for one attempt (default 10 s). */
	timeoutMs?: number;
	/** Extra attempts of a request that is safe to repeat, after a network error or a 503 (default 2). */
	retries?: number;
	/** Delay before the first retry, doubled each time (default 300 ms). */
	retryDelayMs?: number;
};

/** The URL and body of one call: path parameters from the input, the rest as query or JSON body. */
function requestOf(spec: OperationSpec, input: Record<string, unknown>): {path: string; body: string | undefined} {
	const rest = {...input};
	let path = spec.path.replace(/:(\w+)/g, (_all, name: string) => {
		const value = String(rest[name] ?? '');
		delete rest[name];
		return encodeURIComponent(value);
	});
	if (spec.query) {
		const parameters = new URLSearchParams();
		for (const [name, value] of Object.entries(rest)) if (value !== undefined && value !== '') parameters.set(name, String(value));
		if (parameters.size > 0) path += `?${parameters}`;
	}
	return {path, body: spec.body ? JSON.stringify(rest) : undefined};
}

/**
 * The kiosk's side of the activation API, one method per operation of the contract. Operations
 * that are safe to repeat are retried after a network failure; every answer is checked against
 * its schema, and any failure becomes a BackendError the screens translate — never a crash.
 */
export function createApiClient(baseUrl: string, options: ApiClientOptions = {}): ApiClient {
	const timeoutMs = options.timeoutMs ?? 10_000;
	const retries = options.retries ?? 2;
	const retryDelayMs = options.retryDelayMs ?? 300;

	async function attempt(spec: OperationSpec, path: string, body: string | undefined, headers: Record<string, string>, abandoned?: AbortSignal): Promise<unknown> {
		let response: Response;
		const timeout = AbortSignal.timeout(timeoutMs);
		try {
			response = await fetch(new URL(path, baseUrl), {
				method: spec.method,
				headers: body === undefined ? headers : {...headers, 'content-type': 'application/json'},
				body,
				signal: abandoned ? AbortSignal.any([timeout, abandoned]) : timeout,
			});
		} catch (error) {
			if (abandoned?.aborted) throw abandoned.reason;
			throw new BackendError('unavailable', `Service d’activation injoignable (${(error as Error).message})`);
		}
		let json: unknown;
		try {
			json = await response.json();
		} catch {
			throw new BackendError('unavailable', `Réponse illisible du service d’activation (HTTP ${response.status})`);
		}
		if (!response.ok) {
			const problem = responseSchemas.error.safeParse(json);
			if (problem.success && isBackendErrorCode(problem.data.code)) {
				const {code, message, details, retryAfterSeconds, triesLeft} = problem.data;
				throw new BackendError(code, stripControlDeep(message), stripControlDeep(details), {retryAfterSeconds, triesLeft});
			}
			throw new BackendError('unavailable', `Erreur du service d’activation (HTTP ${response.status})`);
		}
		const parsed = (spec.response as z.ZodMiniType).safeParse(json);
		if (!parsed.success) throw new BackendError('unavailable', 'Réponse inattendue du service d’activation');
		// Whatever the service sends, no string of it reaches the screen with a control character in it.
		return stripControlDeep(parsed.data);
	}

	async function call(operation: Operation, input: unknown, callOptions: CallOptions = {}): Promise<unknown> {
		const spec: OperationSpec = OPERATIONS[operation];
		const {path, body} = requestOf(spec, (input ?? {}) as Record<string, unknown>);
		const headers: Record<string, string> = spec.bearer && callOptions.session ? {authorization: `Bearer ${callOptions.session}`} : {};
		const abandoned = callOptions.signal;
		for (let attempts = 0; ; attempts++) {
			abandoned?.throwIfAborted();
			try {
				return await attempt(spec, path, body, headers, abandoned);
			} catch (error) {
				const transient = error instanceof BackendError && error.code === 'unavailable';
				if (!spec.repeatable || !transient || attempts >= retries || abandoned?.aborted) throw error;
				await new Promise(resolve => setTimeout(resolve, retryDelayMs * 2 ** attempts));
			}
		}
	}

	// Each method's input and output types come from the contract's table; the object built here
	// from that same table cannot be typed method by method, hence the one cast.
	return Object.fromEntries(OPERATION_NAMES.map(operation => [operation, (input: unknown, callOptions?: CallOptions) => call(operation, input, callOptions)])) as unknown as ApiClient;
}
