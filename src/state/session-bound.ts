// What ties the kiosk's requests to the session that makes them: once a session is wiped (card
// removed, idle, Terminer), nothing of it may reach the service — not a request in flight, not a
// proof the card finished signing after it left, not a step chained after one or the other.
import type {ApiClient, CallOptions} from '../contract/api/operations.js';
import type {CardProof, ProofPurpose} from '../contract/domain/account.js';
import type {CpsToken} from '../hardware/cps-token.js';
import {proveCard} from '../flows/card-and-pin.js';

/** Thrown instead of sending a request of a session that has ended; the session's guard drops it. */
export class SessionEnded extends Error {
	constructor() {
		super('Session fermée');
		this.name = 'SessionEnded';
	}
}

type Method = (input: unknown, options?: CallOptions) => Promise<unknown>;

/**
 * The backend and the card proof as the flows use them, bound to the session: each request
 * carries the abort signal of the session it belongs to — the session of the proof it carries,
 * or else the session current when it is made — and is not sent when that session has ended.
 * `currentSignal` is aborted by each wipe (see session-store.ts).
 */
export function bindToSession(api: ApiClient, token: Pick<CpsToken, 'sign' | 'certificate'>, currentSignal: () => AbortSignal) {
	const sessionOfProof = new WeakMap<CardProof, AbortSignal>();
	const bound = new Proxy(api, {
		get: (target, operation) => {
			const method = target[operation as keyof ApiClient] as Method;
			return async (input: unknown, options?: CallOptions) => {
				const proof = (input as {proof?: CardProof} | undefined)?.proof;
				const signal = (proof && sessionOfProof.get(proof)) || currentSignal();
				if (signal.aborted) throw new SessionEnded();
				return method(input, {...options, signal});
			};
		},
	});
	/** Signs a fresh challenge for `purpose`; a signature the card completes after the session ended is thrown away. */
	async function prove(purpose: ProofPurpose): Promise<CardProof> {
		const signal = currentSignal();
		const proof = await proveCard({api: bound, token}, purpose);
		if (signal.aborted) throw new SessionEnded();
		sessionOfProof.set(proof, signal);
		return proof;
	}
	return {api: bound, prove};
}
