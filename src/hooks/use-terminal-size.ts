import {useStdout} from 'ink';
import {useEffect, useState} from 'react';

/** Columns and rows of the terminal, updated on resize. */
export function useTerminalSize(): {columns: number; rows: number} {
	const {stdout} = useStdout();
	const read = () => ({columns: stdout.columns || 80, rows: stdout.rows || 24});
	const [size, setSize] = useState(read);
	useEffect(() => {
		const onResize = () => setSize(read());
		stdout.on('resize', onResize);
		return () => {
			stdout.off('resize', onResize);
		};
		// `read` only reads stdout: subscribing again per render would be pointless.
	}, [stdout]);
	return size;
}
