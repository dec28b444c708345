// The focused item of a screen, kept in the session on the screen's stack entry (so that coming
// back to the screen finds it where it was), read and moved by the screen's key handler.
import type {Key} from 'ink';
import type {FocusHandle} from '../flows/navigation.js';

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
export function focusIndex(count: number, handle: FocusHandle): FocusIndex {
	const clamp = (index: number) => (count === 0 ? 0 : Math.min(Math.max(index, 0), count - 1));
	const setFocus = (index: number) => handle.set(clamp(index));
	return {
		focus: clamp(handle.index),
		current: () => clamp(handle.now()),
		move: delta => {
			if (delta !== 0 && count > 0) setFocus((((clamp(handle.now()) + delta) % count) + count) % count);
		},
		setFocus,
	};
}
