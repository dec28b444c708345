// Key routing: one useInput for the whole kiosk, handlers registered during the commit so that no key
// reaches a screen that is gone or a handler that holds an old render.
import {useInput, type Key} from 'ink';
import {createContext, useCallback, useContext, useLayoutEffect, useRef, type ReactNode} from 'react';

type KeyHandler = (input: string, key: Key) => void;
type Registration = {handler: {current: KeyHandler}; active: {current: boolean}};

const KeyRouterContext = createContext<Set<Registration> | null>(null);

/**
 * The one `useInput` of the kiosk, routing each key to the components that asked for keys.
 *
 * Ink subscribes each `useInput` handler in a passive effect, which React may run long after
 * the render: a key arriving meanwhile (fast typing, several keys in one chunk over SSH) went
 * to the previous screen's handler, or to a handler holding the previous state, or nowhere.
 * Here registrations happen in layout effects (during the commit) and each call reaches the
 * handler of the latest render.
 */
export function KeyRouter({children}: {children: ReactNode}) {
	const registrations = useRef(new Set<Registration>()).current;
	const route = useCallback(
		(input: string, key: Key) => {
			for (const registration of [...registrations]) {
				// A handler run earlier for this key may have unmounted this one (screen change).
				if (registrations.has(registration) && registration.active.current) registration.handler.current(input, key);
			}
		},
		[registrations],
	);
	useInput(route);
	return <KeyRouterContext.Provider value={registrations}>{children}</KeyRouterContext.Provider>;
}

/** Receives every key while `isActive` (default true); the handler always sees the latest render. */
export function useKeys(handler: KeyHandler, {isActive = true}: {isActive?: boolean} = {}): void {
	const registrations = useContext(KeyRouterContext);
	if (!registrations) throw new Error('useKeys needs a <KeyRouter> above it');
	const handlerRef = useRef(handler);
	handlerRef.current = handler;
	const activeRef = useRef(isActive);
	activeRef.current = isActive;
	useLayoutEffect(() => {
		const registration = {handler: handlerRef, active: activeRef};
		registrations.add(registration);
		return () => {
			registrations.delete(registration);
		};
	}, [registrations]);
}
