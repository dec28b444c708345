// The idle timeout: inactivity counted, a visible countdown at the end, then the session wiped.
import {useCallback, useEffect, useRef, useState} from 'react';

/** Options of the idle timer. */
export type IdleTimerOptions = {
	/** Off while nothing needs protecting (pristine Welcome screen). */
	enabled: boolean;
	/** Inactivity before `onExpire`, countdown included. */
	timeoutMs: number;
	/** Length of the visible countdown at the end of the timeout. */
	warningMs: number;
	/** Called once when the time is up (the session is then wiped). */
	onExpire: () => void;
};

/**
 * Counts inactivity; `activity()` restarts it. Returns the seconds left while the countdown is
 * visible, null otherwise. One timer at a time, re-armed on each activity.
 */
export function useIdleTimer({enabled, timeoutMs, warningMs, onExpire}: IdleTimerOptions): {secondsLeft: number | null; activity: () => void} {
	const [secondsLeft, setSecondsLeft] = useState<number | null>(null);
	const deadline = useRef(0);
	// Bumped by each activity to re-arm the timer.
	const [armedAt, setArmedAt] = useState(0);
	const expire = useRef(onExpire);
	expire.current = onExpire;

	const activity = useCallback(() => {
		setArmedAt(count => count + 1);
	}, []);

	// biome-ignore lint/correctness/useExhaustiveDependencies: `armedAt` is not read: each activity bumps it to re-arm the timer.
	useEffect(() => {
		setSecondsLeft(null);
		if (!enabled) return;
		deadline.current = Date.now() + timeoutMs;
		let timer: NodeJS.Timeout;
		const tick = () => {
			const left = deadline.current - Date.now();
			if (left <= 0) {
				setSecondsLeft(null);
				expire.current();
				return;
			}
			if (left <= warningMs) {
				setSecondsLeft(Math.ceil(left / 1000));
				timer = setTimeout(tick, Math.min(left, ((left - 1) % 1000) + 1));
			} else {
				timer = setTimeout(tick, left - warningMs);
			}
		};
		tick();
		return () => clearTimeout(timer);
	}, [enabled, timeoutMs, warningMs, armedAt]);

	return {secondsLeft, activity};
}
