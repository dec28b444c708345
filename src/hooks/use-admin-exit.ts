// Ctrl+Q in `--kiosk` mode: the administrator's code, asked before the kiosk is left. The code
// typed lives in this hook only (never in the session store, a file or a log) and is dropped once checked.
import type {Key} from 'ink';
import {useRef, useState} from 'react';
import {stripControl} from '../contract/text/sanitize.js';

/** Where the administrator's exit stands; `typed` is the number of characters typed (what the screen shows). */
export type AdminExitState = {phase: 'closed'} | {phase: 'unset'} | {phase: 'asking' | 'checking' | 'wrong'; typed: number};

/** What the administrator's exit needs. */
export type AdminExitOptions = {
	/** Checks a code against the one set in the settings; absent: no code is set, the kiosk cannot be left. */
	check?: (code: string) => Promise<boolean>;
	/** The right code: the kiosk is left. */
	onExit: () => void;
};

/** The exit's state, and what Ctrl+Q and the keys typed meanwhile do to it. */
export function useAdminExit({check, onExit}: AdminExitOptions) {
	const [state, setState] = useState<AdminExitState>({phase: 'closed'});
	// The code as typed, and the phase, as fresh as the last key (the next may come before a render).
	const held = useRef<{code: string; phase: AdminExitState['phase']}>({code: '', phase: 'closed'});
	const show = (phase: AdminExitState['phase']) => {
		held.current.phase = phase;
		setState(phase === 'closed' || phase === 'unset' ? {phase} : {phase, typed: [...held.current.code].length});
	};
	const submit = (code: string) => {
		held.current.code = '';
		show('checking');
		void (check as NonNullable<typeof check>)(code).then(
			right => (right ? onExit() : show('wrong')),
			() => show('wrong'),
		);
	};
	return {
		state,
		/** Whether the exit is on screen (it then takes every key). */
		open: state.phase !== 'closed',
		/** Ctrl+Q: asks for the code, or says how to set one. */
		ask() {
			held.current.code = '';
			show(check ? 'asking' : 'unset');
		},
		/** A key while the exit is on screen: typing, Backspace, Enter to check, Esc to give up. */
		key(input: string, key: Key) {
			const {code, phase} = held.current;
			if (key.escape) {
				held.current.code = '';
				show('closed');
			} else if (phase === 'asking' || phase === 'wrong') {
				if (key.return) submit(code);
				else if (key.backspace || key.delete) held.current.code = [...code].slice(0, -1).join('');
				else if (!key.ctrl && !key.meta && !key.tab) held.current.code = code + stripControl(input);
				if (!key.return) show('asking');
			}
		},
	};
}
