import {useRef, useState} from 'react';
import type {Key} from 'ink';

/** +1 for Tab or ↓, −1 for Shift+Tab or ↑, 0 for any other key. */
export function focusStep(key: Key): number {
	if ((key.tab && key.shift) || key.upArrow) return -1;
	if (key.tab || key.downArrow) return 1;
	return 0;
}

/** The focused item of a screen. */
export type FocusIndex = {
	/** Focused item as of this render. */
	focus: number;
	/** Focused item as of now, for key handlers (a key may follow another before React renders). */
	current: () => number;
	move: (delta: number) => void;
	setFocus: (index: number) => void;
};

/** Index of the focused item among `count`, wrapping around and kept in range when `count` changes. */
export function useFocusIndex(count: number, initial = 0): FocusIndex {
	const [focus, setFocusState] = useState(initial);
	const now = useRef(initial);
	const clamp = (index: number) => (count === 0 ? 0 : Math.min(Math.max(index, 0), count - 1));
	const setFocus = (index: number) => {
		now.current = clamp(index);
		setFocusState(now.current);
	};
	return {
		focus: clamp(focus),
		current: () => clamp(now.current),
		move: delta => {
			if (delta !== 0 && count > 0) setFocus((((clamp(now.current) + delta) % count) + count) % count);
		},
		setFocus,
	};
}
