// What every flow of the session is built on: the session store, read and changed synchronously,
// and the guard that drops the results of asynchronous work once the session they belong to is gone.
import {BackendError, cardRefusalOf} from '../contract/api/errors.js';
import type {Catalogue} from '../contract/i18n/index.js';
import type {Session, SessionAction} from '../state/session.js';

/** The session store as a flow sees it (see src/state/session-store.ts). */
export type FlowContext = {
	/** The session as of now, not as of the last render: what a key that follows another must act on. */
	get: () => Session;
	/** Applies the actions in order, then notifies once: a step spanning several flows is one change. */
	dispatch: (...actions: SessionAction[]) => void;
	/**
	 * Hands the outcome of `work` to `then` (or its failure to `fail`) only if the session is still
	 * the one that started it: answers arriving after a wipe (card removed, idle, Terminer) are dropped.
	 */
	guarded: <T>(work: Promise<T>, then: (value: T) => void, fail?: (error: unknown) => void) => void;
};

/** A request to the backend in progress or failed (message already translated, or raw). */
export type Pending = {phase: 'idle'} | {phase: 'sending'} | {phase: 'failed'; error: string; code?: string};

/** The request state of nothing in progress. */
export const IDLE: Pending = {phase: 'idle'};

/** The request state of a request on its way. */
export const SENDING: Pending = {phase: 'sending'};

/** A failed request: the backend's error in the session's language, and its code when the backend gave one. */
export function failed(error: unknown, t: Catalogue): Extract<Pending, {phase: 'failed'}> {
	if (error instanceof BackendError) {
		const refusal = cardRefusalOf(error);
		return {phase: 'failed', error: refusal ? t.cardRefusals[refusal] : withFacts(error, t), code: error.code};
	}
	return {phase: 'failed', error: t.backendErrors.unavailable};
}

/** The refusal's sentence, saying what the service told besides its code: the tries left, the wait before a new code, the national directory not read. */
function withFacts({code, facts, details}: BackendError, t: Catalogue): string {
	if (code === 'unavailable' && details?.directory) return details.directory.includes('failed') ? t.step2.directoryFailed : t.step2.directoryLoading;
	if (code === 'code-refused' && facts.triesLeft !== undefined) return t.code.wrong(facts.triesLeft);
	if (code === 'rate-limited' && facts.retryAfterSeconds !== undefined) return t.code.tooMany(facts.retryAfterSeconds);
	return t.backendErrors[code];
}
