// A countdown for the screens: whole seconds left until a moment, the view drawn again each second
// while it runs (the code screen's "Nouveau code possible dans 42 s").
import {useEffect, useState} from 'react';

/** Whole seconds from now until `until` (epoch ms), 0 once it has passed; the caller renders again every second until then. */
export function useSecondsLeft(until: number): number {
	const [, setTick] = useState(0);
	const left = Math.max(0, Math.ceil((until - Date.now()) / 1000));
	const counting = left > 0;
	useEffect(() => {
		if (!counting) return;
		const timer = setInterval(() => setTick(tick => tick + 1), 1000);
		return () => clearInterval(timer);
	}, [counting]);
	return left;
}
