// The webmail's QR code at 80×24, read back as a phone would: the screen the pilot received is
// drawn by a terminal emulator (@xterm/headless) with a dark or a light theme, turned into pixels
// and decoded by a QR decoder (jsQR) that does not try the inverted picture.
import xtermHeadless from '@xterm/headless';
import chalk from 'chalk';
import {createRequire} from 'node:module';
import {afterEach, describe, expect, onTestFinished, test} from 'vitest';
import {detectTheme, type Theme} from '../../src/components/theme.js';
import {startKiosk} from '../helpers/kiosk.js';
import {activateWithCode, fillAccount, toStep3} from '../helpers/walk.js';

// jsQR is CommonJS whose typings declare an ES default export: required as it is, typed as it says.
const jsQR = createRequire(import.meta.url)('jsqr') as typeof import('jsqr').default;

// @xterm/headless is CommonJS: its named exports come through the default import.
const {Terminal} = xtermHeadless;

const URL = 'https://webmail.mssante.fr';

type Rgb = [number, number, number];

/** A terminal theme: its default ink and ground, and the 16 colours (xterm's, which light and dark themes share here). */
type Palette = {foreground: Rgb; background: Rgb};
const DARK: Palette = {foreground: [229, 229, 229], background: [0, 0, 0]};
const LIGHT: Palette = {foreground: [0, 0, 0], background: [255, 255, 255]};
const ANSI16: Rgb[] = [
	[0, 0, 0],
	[205, 0, 0],
	[0, 205, 0],
	[205, 205, 0],
	[0, 0, 238],
	[205, 0, 205],
	[0, 205, 205],
	[229, 229, 229],
	[127, 127, 127],
	[255, 0, 0],
	[0, 255, 0],
	[255, 255, 0],
	[92, 92, 255],
	[255, 0, 255],
	[0, 255, 255],
	[255, 255, 255],
];

/** Pixels per module: a character cell is one module wide and two high. */
const SCALE = 4;

/** The frame as a terminal with `palette` shows it, in RGBA pixels (each half cell one module). */
async function screenPixels(frame: string, palette: Palette, columns = 80, rows = 24): Promise<{data: Uint8ClampedArray; width: number; height: number}> {
	const terminal = new Terminal({cols: columns, rows, allowProposedApi: true, convertEol: true});
	await new Promise<void>(resolve => terminal.write(frame, resolve));
	const width = columns * SCALE;
	const height = rows * 2 * SCALE;
	const data = new Uint8ClampedArray(width * height * 4);
	const buffer = terminal.buffer.active;
	for (let y = 0; y < rows; y++) {
		const line = buffer.getLine(y);
		for (let x = 0; x < columns; x++) {
			const cell = line?.getCell(x);
			let ink = cell && !cell.isFgDefault() ? (ANSI16[cell.getFgColor()] as Rgb) : palette.foreground;
			let ground = cell && !cell.isBgDefault() ? (ANSI16[cell.getBgColor()] as Rgb) : palette.background;
			if (cell?.isInverse()) [ink, ground] = [ground, ink];
			const glyph = cell?.getChars() ?? ' ';
			// Top and bottom half: a block's ink where it has some; any other character reads as ground.
			const halves = [glyph === '█' || glyph === '▀' ? ink : ground, glyph === '█' || glyph === '▄' ? ink : ground];
			halves.forEach((rgb, half) => {
				for (let dy = 0; dy < SCALE; dy++) {
					for (let dx = 0; dx < SCALE; dx++) {
						const at = (((y * 2 + half) * SCALE + dy) * width + x * SCALE + dx) * 4;
						data.set([...rgb, 255], at);
					}
				}
			});
		}
	}
	terminal.dispose();
	return {data, width, height};
}

/** What a QR decoder reads on the screen shown with `palette`; null when it finds no code. */
async function decoded(frame: string, palette: Palette): Promise<string | null> {
	const {data, width, height} = await screenPixels(frame, palette);
	return jsQR(data, width, height, {inversionAttempts: 'dontInvert'})?.data ?? null;
}

let kiosk: Awaited<ReturnType<typeof startKiosk>> | undefined;
afterEach(async () => {
	await kiosk?.stop();
	kiosk = undefined;
});

/**
 * The webmail screen after an activation, drawn for `theme` (at 80×24). The walk to it runs
 * without colour, where the walk's helpers find the focus by its pointer; the screen's own theme
 * takes effect when the webmail screen mounts (it reads the theme object the App was given).
 */
async function webmailScreen(theme: Theme): Promise<string> {
	const shown: Theme = {...theme, color: false};
	kiosk = await startKiosk({props: {theme: shown}});
	const {pilot} = kiosk;
	await toStep3(pilot);
	await fillAccount(pilot);
	await activateWithCode(pilot, kiosk.backend.outbox);
	Object.assign(shown, theme);
	await pilot.press('enter');
	await pilot.waitFor('Accéder au Webmail');
	return pilot.waitFor('█');
}

/** Ink draws colours at `level` for this test (the test runner's output is not a terminal). */
function colourLevel(level: 0 | 1 | 2 | 3) {
	const before = chalk.level;
	chalk.level = level;
	onTestFinished(() => {
		chalk.level = before;
	});
}

// Each test walks to an activation first: slow on a busy machine.
describe('the webmail QR code decodes at 80×24', {timeout: 40_000}, () => {
	test('in colour: the same black-on-white code on a dark and on a light background, title and address shown', async () => {
		colourLevel(1);
		const frame = await webmailScreen({unicode: true, color: true});
		expect(await decoded(frame, DARK)).toBe(URL);
		expect(await decoded(frame, LIGHT)).toBe(URL);
		expect(frame).toContain('Accéder au Webmail');
		expect(frame).toContain(URL);
	});

	test('without colour, on a dark background: light modules drawn', async () => {
		const frame = await webmailScreen({unicode: true, color: false});
		expect(await decoded(frame, DARK)).toBe(URL);
		expect(frame).toContain('Accéder au Webmail');
	});

	test('without colour, on a light background (COLORFGBG): dark modules drawn', async () => {
		const frame = await webmailScreen({...detectTheme({LANG: 'fr_FR.UTF-8', COLORFGBG: '0;15'}, 0)});
		expect(await decoded(frame, LIGHT)).toBe(URL);
		expect(frame).toContain('Accéder au Webmail');
	});
});

test('COLORFGBG tells a light background (7, 9–15) from a dark one; unknown is dark', () => {
	expect(detectTheme({COLORFGBG: '0;15'}, 1).lightBackground).toBe(true);
	expect(detectTheme({COLORFGBG: '0;default;7'}, 1).lightBackground).toBe(true);
	expect(detectTheme({COLORFGBG: '15;0'}, 1).lightBackground).toBe(false);
	expect(detectTheme({COLORFGBG: '15;8'}, 1).lightBackground).toBe(false);
	expect(detectTheme({}, 1).lightBackground).toBe(false);
});
