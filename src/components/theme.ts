// What the terminal can draw (UTF-8, colours) and the symbols that follow from it.
import type {BoxProps} from 'ink';
import {createContext, useContext} from 'react';

/** How the terminal can draw: symbols and colours never carry meaning alone (SPEC §3). */
export type Theme = {
	/** UTF-8 symbols (✓ ● ›) rather than ASCII ([OK] > *). */
	unicode: boolean;
	/** Colours allowed (false under NO_COLOR or on a dumb terminal). */
	color: boolean;
	/**
	 * The terminal draws on a light background (COLORFGBG says so): without colours, a picture
	 * made of blocks (the webmail's QR code) is drawn in the other polarity. Unknown: dark.
	 */
	lightBackground?: boolean;
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
	return {unicode: /utf-?8/i.test(locale), color: colorLevel > 0 && !env['NO_COLOR'], lightBackground: isLightBackground(env['COLORFGBG'])};
}

/** COLORFGBG ("15;0", "0;default;15"): its last number is the background's colour, light for 7 and 9–15. */
function isLightBackground(colorFgBg: string | undefined): boolean {
	const background = Number(colorFgBg?.split(';').at(-1));
	return background === 7 || (background >= 9 && background <= 15);
}

/** A border Ink can draw around a box. */
type BorderStyle = NonNullable<BoxProps['borderStyle']>;

/**
 * The layout's typography: separators, rules, pane borders. Unlike the symbols (ASCII also on a
 * UTF-8 terminal without colour, where `[OK]` reads better than a bare ✓), these follow the locale
 * alone: a monochrome UTF-8 terminal draws them fine, a C/POSIX one does not.
 */
export type Glyphs = {
	/** Between key hints, between an address and its city. */
	dot: string;
	/** Between the parts of one value (name — profession). */
	dash: string;
	/** A horizontal rule, repeated. */
	line: string;
	/** Around a value the arrows change (the directory's profession). */
	angles: [string, string];
	/** A pane's border, and the one it gets when focused. */
	pane: BorderStyle;
	focusedPane: BorderStyle;
};

const UNICODE_GLYPHS: Glyphs = {dot: '·', dash: '—', line: '─', angles: ['‹', '›'], pane: 'single', focusedPane: 'double'};

const ASCII_GLYPHS: Glyphs = {
	dot: '.',
	dash: '-',
	line: '-',
	angles: ['<', '>'],
	pane: 'classic',
	focusedPane: {topLeft: '#', top: '=', topRight: '#', right: '|', bottomRight: '#', bottom: '=', bottomLeft: '#', left: '|'},
};

/**
 * ASCII forms of the punctuation the catalogues and seed texts use. Letters (é, à, ç, œ…) are text
 * and stay: they are how French is written, and a C locale shows them no worse than it shows an
 * accented name read from the card. Everything else above 0x7E is a glyph.
 */
const ASCII_FORMS: Record<string, string> = {
	'’': "'",
	'‘': "'",
	'“': '"',
	'”': '"',
	'«': '"',
	'»': '"',
	'—': '-',
	'–': '-',
	'…': '...',
	'·': '.',
	'×': 'x',
	'→': '->',
	'←': '<-',
	'↑': '^',
	'↓': 'v',
	'‹': '<',
	'›': '>',
	'•': '*',
	'✓': 'OK',
	'✗': 'X',
	'°': 'o',
	'€': 'EUR',
	'\u00A0': ' ',
	'\u202F': ' ',
};

/** `text` with every non-ASCII character that is not a letter in its ASCII form (`?` when it has none). */
export function asciiText(text: string): string {
	return text.normalize('NFC').replace(/[^\t\n\r -~\p{L}]/gu, glyph => ASCII_FORMS[glyph] ?? '?');
}

/** A catalogue (or any part of one) with every string, and every string a function returns, in ASCII form. */
export function asciiCatalogue<T>(value: T): T {
	return foldStrings(value) as T;
}

function foldStrings(value: unknown): unknown {
	if (typeof value === 'string') return asciiText(value);
	if (typeof value === 'function') return (...args: unknown[]) => foldStrings(value(...args));
	if (Array.isArray(value)) return value.map(foldStrings);
	if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, foldStrings(inner)]));
	return value;
}

/** The terminal's abilities, provided above the screens. */
export const ThemeContext = createContext<Theme>({unicode: true, color: true});

/** The symbol set of the terminal. */
export function useSymbols(): Symbols {
	return symbolsFor(useContext(ThemeContext));
}

/** The layout's typography for the terminal's locale. */
export function useGlyphs(): Glyphs {
	return useContext(ThemeContext).unicode ? UNICODE_GLYPHS : ASCII_GLYPHS;
}

/** What the terminal can draw. */
export function useTheme(): Theme {
	return useContext(ThemeContext);
}
