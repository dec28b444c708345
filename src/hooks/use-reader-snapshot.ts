// The reader monitor's snapshot as React state.
import {useEffect, useState} from 'react';
import type {ReaderMonitor, ReaderSnapshot} from '../hardware/reader-monitor.js';

/** The monitor's latest snapshot, re-rendering on every change it reports. */
export function useReaderSnapshot(monitor: ReaderMonitor): ReaderSnapshot {
	const [snapshot, setSnapshot] = useState(() => monitor.current());
	useEffect(() => {
		setSnapshot(monitor.current());
		return monitor.subscribe(setSnapshot);
	}, [monitor]);
	return snapshot;
}
