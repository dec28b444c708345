// The session store: the session reducer in a synchronous store, and the one guard on asynchronous
// work — an answer that arrives after the session was wiped belongs to no one and is dropped.
import type {FlowContext} from '../flows/flow.js';
import type {NoticeKind} from '../flows/navigation.js';
import {INITIAL_SESSION, sessionReducer, type Session, type SessionAction} from './session.js';
import {createStore, type Store} from './store.js';

/** The session store, as the flows (FlowContext) and the React binding use it. */
export type SessionStore = Store<Session, SessionAction> &
	FlowContext & {
		/** Ends the session: a fresh one, `notice` saying why; work still running for the old one is dropped when it ends. */
		wipe(notice: NoticeKind | null): void;
		/** Aborted when the current session is wiped: requests made for it carry it (see session-bound.ts). */
		signal(): AbortSignal;
	};

/** A fresh session (optionally from `initial`, for tests). */
export function createSessionStore(initial: Session = INITIAL_SESSION): SessionStore {
	const store = createStore(sessionReducer, initial);
	// Aborted and replaced by each wipe: work started under an aborted one finds its session gone.
	let ended = new AbortController();
	return {
		...store,
		guarded(work, then, fail = () => undefined) {
			const {signal} = ended;
			work.then(
				value => !signal.aborted && then(value),
				error => !signal.aborted && fail(error),
			);
		},
		signal: () => ended.signal,
		wipe(notice) {
			ended.abort();
			ended = new AbortController();
			store.dispatch({type: 'session/wipe', notice});
		},
	};
}
