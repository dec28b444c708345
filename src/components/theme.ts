import {createContext, useContext} from 'react';

/** How the terminal can draw: symbols and colours never carry meaning alone (SPEC §3). */
export type Theme = {
	/** UTF-8 symbols (✓ ● ›) rather than ASCII ([OK] > *). */
	unicode: boolean;
	/** Colours allowed (false under NO_COLOR or on a dumb terminal). */
	color: boolean;
};

export type Symbols = {
	ok: string;
	bad: string;
	pointer: string;
	checked: string;
	unchecked: string;
	radioOn: string;
	radioOff: string;
	mask: string;
	rule: string;
	section: string;
	bar: string;
	barEmpty: string;
	more: {up: string; down: string};
};

const UNICODE: Symbols = {
	ok: '✓',
	bad: '✗',
	pointer: '›',
	checked: '[x]',
	unchecked: '[ ]',
	radioOn: '(•)',
	radioOff: '( )',
	mask: '•',
	rule: '─',
	section: '➡',
	bar: '█',
	barEmpty: '░',
	more: {up: '▲', down: '▼'},
};

const ASCII: Symbols = {
	ok: '[OK]',
	bad: '[!!]',
	pointer: '>',
	checked: '[x]',
	unchecked: '[ ]',
	radioOn: '(*)',
	radioOff: '( )',
	mask: '*',
	rule: '-',
	section: '>>',
	bar: '#',
	barEmpty: '.',
	more: {up: '^', down: 'v'},
};

/** The symbol set: ASCII when the terminal is not UTF-8 or has no colour. */
export function symbolsFor(theme: Theme): Symbols {
	return theme.unicode && theme.color ? UNICODE : ASCII;
}

/** Reads the terminal's abilities from the environment (LANG/LC_*, NO_COLOR, TERM). */
export function detectTheme(env: NodeJS.ProcessEnv): Theme {
	const locale = env['LC_ALL'] || env['LC_CTYPE'] || env['LANG'] || '';
	const color = !('NO_COLOR' in env) && env['TERM'] !== 'dumb' && env['FORCE_COLOR'] !== '0';
	return {unicode: /utf-?8/i.test(locale), color};
}

export const ThemeContext = createContext<Theme>({unicode: true, color: true});

export function useSymbols(): Symbols {
	return symbolsFor(useContext(ThemeContext));
}

export function useTheme(): Theme {
	return useContext(ThemeContext);
}
