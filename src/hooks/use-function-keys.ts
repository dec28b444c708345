// F1 and F2, which Ink's useInput reports without their names.
import {useStdin} from 'ink';
import {useEffect, useRef} from 'react';

const SEQUENCES: Record<string, 'f1' | 'f2'> = {
	'\u001BOP': 'f1',
	'\u001B[11~': 'f1',
	'\u001B[[A': 'f1',
	'\u001BOQ': 'f2',
	'\u001B[12~': 'f2',
	'\u001B[[B': 'f2',
};

/**
 * Calls `handler` for F1 and F2. Ink's useInput reports function keys as an empty input
 * without their name, so this listens to the same parsed key events Ink dispatches.
 */
export function useFunctionKeys(handler: (key: 'f1' | 'f2') => void): void {
	const {internal_eventEmitter: events} = useStdin();
	const latest = useRef(handler);
	latest.current = handler;
	useEffect(() => {
		const onInput = (data: string) => {
			const key = SEQUENCES[data];
			if (key) latest.current(key);
		};
		events?.on('input', onInput);
		return () => {
			events?.removeListener('input', onInput);
		};
	}, [events]);
}
