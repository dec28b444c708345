// What the terminal can draw (UTF-8, colours) and the symbols that follow from it.
import {createContext, useContext} from 'react';

/** How the terminal can draw: symbols and colours never carry meaning alone (SPEC §3). */
export type Theme = {
	/** UTF-8 symbols (✓ ● ›) rather than ASCII ([OK] > *). */
	unicode: boolean;
	/** Colours allowed (false under NO_COLOR or on a dumb terminal). */
	color: boolean;
};

/** The symbols the screens draw with, in UTF-8 or ASCII. */
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
function symbolsFor(theme: Theme): Symbols {
	return theme.unicode && theme.color ? UNICODE : ASCII;
}

/**
 * Reads the terminal's abilities: UTF-8 from LANG/LC_*, colour from the level Ink's colour
 * library settled on (it also turns colour off under CI, FORCE_COLOR=0 — which NO_COLOR maps
 * to — or a dumb terminal), so that focus never relies on an inverse video that is not drawn.
 */
export function detectTheme(env: NodeJS.ProcessEnv, colorLevel: number): Theme {
	const locale = env['LC_ALL'] || env['LC_CTYPE'] || env['LANG'] || '';
	return {unicode: /utf-?8/i.test(locale), color: colorLevel > 0 && !env['NO_COLOR']};
}

/** The terminal's abilities, provided above the screens. */
export const ThemeContext = createContext<Theme>({unicode: true, color: true});

/** The symbol set of the terminal. */
export function useSymbols(): Symbols {
	return symbolsFor(useContext(ThemeContext));
}

/** What the terminal can draw. */
export function useTheme(): Theme {
	return useContext(ThemeContext);
}
