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
	};

/** A fresh session (optionally from `initial`, for tests). */
export function createSessionStore(initial: Session = INITIAL_SESSION): SessionStore {
	const store = createStore(sessionReducer, initial);
	// Bumped by each wipe: work started under another generation finds its session gone.
	let generation = 0;
	return {
		...store,
		guarded(work, then, fail = () => undefined) {
			const at = generation;
			work.then(
				value => generation === at && then(value),
				error => generation === at && fail(error),
			);
		},
		wipe(notice) {
			generation++;
			store.dispatch({type: 'session/wipe', notice});
		},
	};
}
