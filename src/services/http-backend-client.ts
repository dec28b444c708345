import type * as z from 'zod/mini';
import {STATUS_OF, responseSchemas} from '../server/api.js';
import {
	BackendError,
	type AccountUpdate,
	type AccountView,
	type AccountAuth,
	type CardProof,
	type Challenge,
	type CodeSent,
	type KioskActivation,
	type AddressAvailability,
	type BackendClient,
	type BackendErrorCode,
} from './backend-client.js';
import type {DirectoryPage, DirectoryQuery, DirectoryState} from './directory-query.js';

/** Options of the HTTP client. */
export type HttpBackendOptions = {
	/** Time allowed for one attempt (default 10 s). */
	timeoutMs?: number;
	/** Extra attempts of a request that is safe to repeat, after a network error or a 503 (default 2). */
	retries?: number;
	/** Delay before the first retry, doubled each time (default 300 ms). */
	retryDelayMs?: number;
};

const CODES = new Set(Object.keys(STATUS_OF));

/**
 * The kiosk's side of the activation API. Requests that are safe to repeat (challenges,
 * availability) are retried after a network failure; every answer is checked, and any failure
 * becomes a BackendError the screens translate — never a crash.
 */
export class HttpBackendClient implements BackendClient {
	private readonly timeoutMs: number;
	private readonly retries: number;
	private readonly retryDelayMs: number;

	constructor(
		/** Base URL, e.g. `http://127.0.0.1:8080`. */
		readonly baseUrl: string,
		options: HttpBackendOptions = {},
	) {
		this.timeoutMs = options.timeoutMs ?? 10_000;
		this.retries = options.retries ?? 2;
		this.retryDelayMs = options.retryDelayMs ?? 300;
	}

	async challenge(): Promise<Challenge> {
		const {challengeId, challenge} = await this.call('POST', '/v1/challenges', {}, responseSchemas.challenge, true);
		return {challengeId, challenge: new Uint8Array(Buffer.from(challenge, 'base64'))};
	}

	async availability(addresses: string[]): Promise<AddressAvailability[]> {
		return (await this.call('POST', '/v1/addresses/availability', {addresses}, responseSchemas.availability, true)).results;
	}

	// Calls carrying a card proof are not repeated by this client: the proof's challenge is used
	// up by the first attempt. The kiosk's "Réessayer" signs a new one (same requestId).
	async accountFor(proof: CardProof): Promise<AccountView | null> {
		try {
			return await this.call('POST', '/v1/accounts/lookup', {proof}, responseSchemas.account, false);
		} catch (error) {
			if (error instanceof BackendError && error.code === 'not-found') return null;
			throw error;
		}
	}

	verifyChannel(proof: CardProof, channel: 'sms' | 'mail', destination: string): Promise<CodeSent> {
		return this.call('POST', '/v1/verifications', {proof, channel, destination}, responseSchemas.codeSent, false);
	}

	async confirmChannel(verificationId: string, code: string): Promise<void> {
		await this.call('POST', '/v1/verifications/confirm', {verificationId, code}, responseSchemas.confirmed, false);
	}

	activate(request: KioskActivation): Promise<AccountView> {
		return this.call('POST', '/v1/activations', request, responseSchemas.account, false);
	}

	signIn(address: string, password: string): Promise<CodeSent> {
		return this.call('POST', '/v1/sign-in', {address, password}, responseSchemas.codeSent, false);
	}

	confirmSignIn(signInId: string, code: string): Promise<{session: string; account: AccountView}> {
		return this.call('POST', '/v1/sign-in/confirm', {signInId, code}, responseSchemas.signedIn, false);
	}

	update(address: string, auth: AccountAuth, update: AccountUpdate): Promise<AccountView> {
		return this.call('PUT', `/v1/accounts/${encodeURIComponent(address)}`, {...auth, ...update}, responseSchemas.account, false);
	}

	invite(proof: CardProof, emails: string[]): Promise<{sent: number}> {
		return this.call('POST', '/v1/invitations', {proof, emails}, responseSchemas.invite, false);
	}

	async openSession(proof: CardProof): Promise<string> {
		return (await this.call('POST', '/v1/sessions', {proof}, responseSchemas.session, false)).session;
	}

	searchDirectory(query: DirectoryQuery, session?: string | null): Promise<DirectoryPage> {
		const parameters = new URLSearchParams();
		const fields: Array<[string, string | number | undefined]> = [
			['q', query.text],
			['profession', query.profession],
			['place', query.place],
			['city', query.city],
			['offset', query.offset],
			['limit', query.limit],
		];
		for (const [name, value] of fields) if (value !== undefined && value !== '') parameters.set(name, String(value));
		return this.call('GET', `/v1/directory?${parameters}`, undefined, responseSchemas.directoryPage, true, session ? {authorization: `Bearer ${session}`} : {});
	}

	directoryStatus(): Promise<DirectoryState> {
		return this.call('GET', '/v1/directory/status', undefined, responseSchemas.directoryState, true);
	}

	async close(): Promise<void> {
		// Nothing held: fetch's connections close on their own.
	}

	private async call<S extends z.ZodMiniType>(method: string, path: string, body: unknown, schema: S, repeatable: boolean, headers: Record<string, string> = {}): Promise<z.infer<S>> {
		for (let attempt = 0; ; attempt++) {
			try {
				return await this.attempt(method, path, body, schema, headers);
			} catch (error) {
				const transient = error instanceof BackendError && error.code === 'unavailable';
				if (!repeatable || !transient || attempt >= this.retries) throw error;
				await new Promise(resolve => setTimeout(resolve, this.retryDelayMs * 2 ** attempt));
			}
		}
	}

	private async attempt<S extends z.ZodMiniType>(method: string, path: string, body: unknown, schema: S, headers: Record<string, string>): Promise<z.infer<S>> {
		let response: Response;
		try {
			response = await fetch(new URL(path, this.baseUrl), {
				method,
				headers: body === undefined ? headers : {...headers, 'content-type': 'application/json'},
				body: body === undefined ? undefined : JSON.stringify(body),
				signal: AbortSignal.timeout(this.timeoutMs),
			});
		} catch (error) {
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
			if (problem.success && CODES.has(problem.data.code)) throw new BackendError(problem.data.code as BackendErrorCode, problem.data.message, problem.data.details);
			throw new BackendError('unavailable', `Erreur du service d’activation (HTTP ${response.status})`);
		}
		const parsed = schema.safeParse(json);
		if (!parsed.success) throw new BackendError('unavailable', 'Réponse inattendue du service d’activation');
		return parsed.data as z.infer<S>;
	}
}
