// The line updates that replace Ink's full-terminal repaints, played into a real terminal emulator
// (@xterm/headless): whatever moved or changed, the screen ends up showing the new frame.
import xtermHeadless from '@xterm/headless';
import {describe, expect, test} from 'vitest';
import {frameUpdate} from '../../src/terminal/line-diff-stdout.js';

const {Terminal} = xtermHeadless;
const COLS = 40;
const ROWS = 12;

/** An emulator showing `frame` (drawn whole), and a way to read its screen back. */
async function terminalShowing(frame: string[]) {
	const term = new Terminal({cols: COLS, rows: ROWS, allowProposedApi: true, scrollback: 0});
	const play = (data: string) => new Promise<void>(resolve => term.write(data.replaceAll('\n', '\r\n'), resolve));
	await play(frameUpdate(undefined, frame, ROWS));
	const screen = () => Array.from({length: ROWS}, (_, y) => term.buffer.active.getLine(y)?.translateToString(true) ?? '');
	return {play, screen, cursorRow: () => term.buffer.active.cursorY, cell: (row: number, column: number) => term.buffer.active.getLine(row)?.getCell(column)};
}

const frame = (...lines: string[]) => Array.from({length: ROWS}, (_, row) => lines[row] ?? '');
const header = ['MSSanté · Activation', '1 > [2] > 3', '-'.repeat(COLS)];
const footer = ['Tab : champ · Échap : retour'];
const body = Array.from({length: 20}, (_, index) => `ligne ${index} du formulaire`);
/** The form scrolled to `top`, `focus` marked, between the header and the footer. */
const form = (top: number, focus: number) =>
	frame(...header, ...body.slice(top, top + ROWS - header.length - footer.length).map((line, index) => (index + top === focus ? `› ${line}` : `  ${line}`)), ...footer);

describe('frameUpdate', () => {
	test.each([
		['nothing changed', form(0, 1), form(0, 1)],
		['the focus moved', form(0, 1), form(0, 2)],
		['the form scrolled up by two rows, the focus with it', form(0, 7), form(2, 9)],
		['the form scrolled down by three rows', form(5, 5), form(2, 2)],
		['a line as wide as the terminal, then shorter', frame('x'.repeat(COLS), 'b'), frame('short', 'b')],
		['another screen altogether', form(0, 1), frame('Aide', '', 'Échap : retour')],
	])('%s: the emulator shows the new frame, the cursor on its last row', async (_name, before, after) => {
		const term = await terminalShowing(before);
		await term.play(frameUpdate(before, after, ROWS));
		expect(term.screen()).toEqual(after);
		expect(term.cursorRow()).toBe(ROWS - 1);
	});

	test('a scroll costs the rows it uncovers, not the whole form', () => {
		const update = frameUpdate(form(0, 7), form(2, 9), ROWS);
		expect(update).toMatch(/\u001B\[\d+;\d+r\u001B\[2S\u001B\[r/);
		// The two rows scrolled in and the focus mark leaving row 7 (now row 5 on screen); nothing else.
		// Three rows written, then the cursor put back on the last row.
		expect(update.match(/\u001B\[\d+;\d+H/g)).toHaveLength(4);
	});

	test('styled lines: only the cells that changed are written, and every cell ends with the new frame’s character and style', async () => {
		const bold = (text: string) => `\u001B[1m${text}\u001B[22m`;
		const inverse = (text: string) => `\u001B[7m${text}\u001B[27m`;
		const label = 'Votre adresse de messagerie *';
		const before = frame(...header, ` ${bold(`› ${label}`)}`, `    ${inverse(' ')}`, `   Mobile`, '    06 12 34 56 78', '  [ J’active ]', 'plus long que la suite');
		const after = frame(...header, `   ${label}`, '    ', ` ${bold(`› Mobile`)}`, `    06 12 34 56 7${inverse(' ')}`, ` ${bold('›')}${inverse('[ J’active ]')}`, 'plus court');
		const term = await terminalShowing(before);
		const update = frameUpdate(before, after, ROWS);
		await term.play(update);
		expect(term.screen()).toEqual(after.map(line => line.replace(/\u001B\[[\d;]*m/g, '')));
		const {cell} = term;
		// Bold gone from the label, on the new focus; the cursor block moved; the button inverse.
		expect(cell(3, 3)?.isBold()).toBe(0);
		expect(cell(5, 1)?.isBold()).not.toBe(0);
		expect(cell(5, 3)?.isBold()).not.toBe(0);
		expect(cell(4, 4)?.isInverse()).toBe(0);
		expect(cell(6, 17)?.isInverse()).not.toBe(0);
		expect(cell(6, 16)?.isInverse()).toBe(0);
		expect(cell(7, 2)?.isInverse()).not.toBe(0);
		expect(cell(7, 1)?.isInverse()).toBe(0);
		expect(cell(7, 1)?.isBold()).not.toBe(0);
	});

	test('a focus mark moving between long lines costs the marks, not the lines', async () => {
		const long = 'Votre mode de réception favori du code';
		const before = frame(...header, `› ${long}`, `  ${long}`);
		const after = frame(...header, `  ${long}`, `› ${long}`);
		const term = await terminalShowing(before);
		const update = frameUpdate(before, after, ROWS);
		await term.play(update);
		expect(term.screen()).toEqual(after);
		expect(update.length).toBeLessThan(40);
	});

	test('nothing changed: nothing is written', () => {
		expect(frameUpdate(form(0, 1), form(0, 1), ROWS)).toBe('');
	});
});
