// A synchronous reducer store: the kiosk's session lives in one, read at once after each action.

/** A value changed only by a reducer, readable at once after each action. */
export type Store<S, A> = {
	get(): S;
	/** Applies the actions in order, then notifies once: a change spanning several parts of the state is one change. */
	dispatch(...actions: A[]): void;
	subscribe(listener: () => void): () => void;
};

/**
 * Applies actions synchronously, unlike `useReducer`, whose new state exists only after React
 * renders. Key handlers read `get()`, so a key that follows another in the same instant acts on
 * the state the first one produced, however late React renders.
 */
export function createStore<S, A>(reducer: (state: S, action: A) => S, initial: S): Store<S, A> {
	let state = initial;
	const listeners = new Set<() => void>();
	return {
		get: () => state,
		dispatch(...actions) {
			const next = actions.reduce(reducer, state);
			if (next === state) return;
			state = next;
			for (const listener of listeners) listener();
		},
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
	};
}
