// Key routing: one useInput for the whole kiosk, handlers registered during the commit so that no key
// reaches a screen that is gone or a handler that holds an old render; the focused field offered
// each key first, so that a key it used is not acted on again by its screen.
import {useInput, type Key} from 'ink';
import {createContext, useCallback, useContext, useLayoutEffect, useRef, type ReactNode} from 'react';

/** What a screen (or the kiosk's frame) does with a key. */
type KeyHandler = (input: string, key: Key) => void;
/** What a focused field does with a key: true when it used it. */
type FieldKeyHandler = (input: string, key: Key) => boolean;
/**
 * Who a registration is: the kiosk's frame taking keys for itself (the idle countdown, the
 * administrator's code: before anything else, and no one else gets a key it took), the focused
 * field (offered each key next), a screen (the keys no field used), or the kiosk's frame (every
 * key: the idle timer counts them all).
 */
type Layer = 'first' | 'field' | 'screen' | 'every-key';
type Registration = {handler: {current: FieldKeyHandler | KeyHandler}; active: {current: boolean}; layer: Layer};

const KeyRouterContext = createContext<Set<Registration> | null>(null);

/** The order keys are offered in; within one rank, the order of registration. */
const RANK: Record<Layer, number> = {first: 0, field: 1, screen: 2, 'every-key': 2};

function byRank(a: Registration, b: Registration): number {
	return RANK[a.layer] - RANK[b.layer];
}

/**
 * The one `useInput` of the kiosk, routing each key to the components that asked for keys.
 *
 * Ink subscribes each `useInput` handler in a passive effect, which React may run long after
 * the render: a key arriving meanwhile (fast typing, several keys in one chunk over SSH) went
 * to the previous screen's handler, or to a handler holding the previous state, or nowhere.
 * Here registrations happen in layout effects (during the commit) and each call reaches the
 * handler of the latest render.
 *
 * The focused field gets each key before its screen, whatever the order they were mounted in: a
 * field mounted after its screen (a row scrolled into view) used to come second, one mounted with
 * it first, so Enter in a field moved the focus once or twice depending on the terminal's height.
 */
export function KeyRouter({children}: {children: ReactNode}) {
	const registrations = useRef(new Set<Registration>()).current;
	const route = useCallback(
		(input: string, key: Key) => {
			let used = false;
			for (const registration of [...registrations].sort(byRank)) {
				// A handler run earlier for this key may have unmounted this one (screen change).
				if (!registrations.has(registration) || !registration.active.current) continue;
				if (used && registration.layer === 'screen') continue;
				const took = registration.handler.current(input, key) === true;
				if (took && registration.layer === 'first') return;
				if (took && registration.layer === 'field') used = true;
			}
		},
		[registrations],
	);
	useInput(route);
	return <KeyRouterContext.Provider value={registrations}>{children}</KeyRouterContext.Provider>;
}

function useRegistration(handler: FieldKeyHandler | KeyHandler, isActive: boolean, layer: Layer): void {
	const registrations = useContext(KeyRouterContext);
	if (!registrations) throw new Error('useKeys needs a <KeyRouter> above it');
	const handlerRef = useRef(handler);
	handlerRef.current = handler;
	const activeRef = useRef(isActive);
	activeRef.current = isActive;
	useLayoutEffect(() => {
		const registration = {handler: handlerRef, active: activeRef, layer};
		registrations.add(registration);
		return () => {
			registrations.delete(registration);
		};
	}, [registrations, layer]);
}

/** Options of {@link useKeys}. */
export type KeysOptions = {
	/** Receives keys only while true (default true). */
	isActive?: boolean;
	/** Also receives the keys a focused field used (default false: a screen never acts on them twice). */
	everyKey?: boolean;
};

/** Receives the keys no focused field used, while `isActive`; the handler always sees the latest render. */
export function useKeys(handler: KeyHandler, {isActive = true, everyKey = false}: KeysOptions = {}): void {
	useRegistration(handler, isActive, everyKey ? 'every-key' : 'screen');
}

/**
 * Receives each key first while `isActive` (the focused field); returning true keeps the key from
 * the screen's handlers (useKeys).
 */
export function useFieldKeys(handler: FieldKeyHandler, {isActive = true}: {isActive?: boolean} = {}): void {
	useRegistration(handler, isActive, 'field');
}

/**
 * Offered each key before everything else while `isActive`; returning true takes the key: no field,
 * screen or frame handler gets it (a key that ends the idle countdown is not typed into the field).
 */
export function useFirstKeys(handler: FieldKeyHandler, {isActive = true}: {isActive?: boolean} = {}): void {
	useRegistration(handler, isActive, 'first');
}
