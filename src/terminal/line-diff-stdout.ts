/**
 * The kiosk's stdout as Ink sees it: every frame as tall as the terminal is written as the lines
 * that changed since the previous one.
 *
 * Ink 6.8 paints such a frame (the kiosk's are always such) by clearing the terminal, ESC[2J ESC[3J
 * ESC[H, then writing every line, at every render: about 3 kB per key typed, a flicker, and ESC[3J
 * wipes the scrollback of the terminal the helpdesk works in (over `ssh -t`, alternate screen or
 * not). Its `incrementalRendering` option does not reach that path: it only diffs frames shorter
 * than the terminal. So the clear-and-repaint is taken apart here, where it is written.
 */

const CLEAR_TERMINAL = '\u001B[2J\u001B[3J\u001B[H';
/** Writes that draw nothing: DEC private modes only (synchronized output, cursor hidden or shown). */
const MODES_ONLY = /^(?:\u001B\[\?\d+[hl])*$/;

/** A frame as last drawn, and the terminal's size then. */
type Frame = {lines: readonly string[]; columns: number; rows: number};

/** What a scroll costs: setting the region, scrolling, resetting it. */
const SCROLL_COST = 24;

/** Rows `top`..`bottom` (0-based, inclusive) moved up by `by` rows (down when negative). */
type Scroll = {top: number; bottom: number; by: number};

/** What `shown` becomes once `scroll` ran: the rows moved, those uncovered blank. */
function scrolled(shown: readonly string[], {top, bottom, by}: Scroll): string[] {
	return shown.map((line, row) => {
		if (row < top || row > bottom) return line;
		const from = row + by;
		return from >= top && from <= bottom ? (shown[from] ?? '') : '';
	});
}

/** Running sums of `cost` over rows 0..n-1: `sums[b] - sums[a]` is the cost of rows a..b-1. */
function runningSums(n: number, cost: (row: number) => number): number[] {
	const sums = [0];
	for (let row = 0; row < n; row++) sums.push((sums[row] ?? 0) + cost(row));
	return sums;
}

/**
 * The scroll of part of the screen after which the fewest bytes of lines are left to write, when
 * it beats writing them all: a form that scrolls by two rows has its rows moved by the terminal,
 * two rows written instead of the whole viewport. Every region and distance is weighed, each in
 * constant time from running sums (a few thousand sums at 80×24, per frame).
 */
function bestScroll(previous: readonly string[], next: readonly string[]): Scroll | undefined {
	const rows = Math.min(previous.length, next.length);
	const write = (row: number, shown: string | undefined) => (next[row] === (shown ?? '') ? 0 : lineUpdate(row, shown ?? '', next[row] ?? '').length);
	// Rows left where they are, rows uncovered (blank), and rows brought from `by` rows below.
	const stay = runningSums(rows, row => write(row, previous[row]));
	const blank = runningSums(rows, row => write(row, ''));
	let best: Scroll | undefined;
	let bestCost = stay[rows] ?? 0;
	for (let by = 1 - rows; by < rows; by++) {
		if (by === 0) continue;
		const moved = runningSums(rows, row => write(row, previous[row + by]));
		const span = (sums: number[], from: number, to: number) => (sums[to] ?? 0) - (sums[from] ?? 0);
		for (let top = 0; top < rows; top++) {
			for (let bottom = top + Math.abs(by); bottom < rows; bottom++) {
				// Up: rows top..bottom-by get the rows below them, the last `by` are uncovered; down, the reverse.
				const inside = by > 0 ? span(moved, top, bottom - by + 1) + span(blank, bottom - by + 1, bottom + 1) : span(blank, top, top - by) + span(moved, top - by, bottom + 1);
				const cost = SCROLL_COST + (stay[rows] ?? 0) - span(stay, top, bottom + 1) + inside;
				if (cost < bestCost) {
					best = {top, bottom, by};
					bestCost = cost;
				}
			}
		}
	}
	return best;
}

/**
 * What turns the terminal showing `previous` (undefined: unknown) into `next`, `rows` tall: a
 * scroll where part of the screen moved, then each line that differs erased and written at its row;
 * the cursor is left on the frame's last line, where Ink, having written the whole frame, counts
 * its later erasures from.
 */
export function frameUpdate(previous: readonly string[] | undefined, next: readonly string[], rows: number): string {
	let update = '';
	let shown = previous;
	const scroll = previous && bestScroll(previous, next);
	if (previous && scroll) {
		// The region set, scrolled, and reset (which also homes the cursor; every write below is placed).
		update += `\u001B[${scroll.top + 1};${scroll.bottom + 1}r${scroll.by > 0 ? `\u001B[${scroll.by}S` : `\u001B[${-scroll.by}T`}\u001B[r`;
		shown = scrolled(previous, scroll);
	}
	const last = Math.max(next.length, shown?.length ?? rows);
	for (let row = 0; row < last; row++) {
		const line = next[row] ?? '';
		const before = shown?.[row] ?? '';
		if (shown && line === before) continue;
		update += shown ? lineUpdate(row, before, line) : wholeLine(row, line);
	}
	return update && `${update}\u001B[${next.length};1H`;
}

/** What turns row `row` showing `before` into `after`: its changed cells, or the whole line when that is shorter. */
function lineUpdate(row: number, before: string, after: string): string {
	return changedCells(row, before, after) ?? wholeLine(row, after);
}

/** Erased before it is written, not after: a line as wide as the terminal leaves the cursor on its last cell, which an erasure to the end of the line would take with it. */
function wholeLine(row: number, line: string): string {
	return `\u001B[${row + 1};1H\u001B[2K${line}`;
}

/** One terminal cell of a line: its character, the line's text from its start (SGR included) up to it, and where it starts in the line. */
type Cell = {char: string; style: string; at: number};

const SGR = /\u001B\[[\d;:]*m/y;
/** Characters one column wide for certain: Latin, punctuation, arrows, box drawing and blocks; anything else (wide, combining) leaves the line to be written whole. */
const NARROW = /^[\u0020-\u007E\u00A0-\u024F\u2000-\u206F\u2190-\u21FF\u2500-\u25FF\u2700-\u27BF]$/u;

// Lines are compared many times while the best scroll is looked for: each is taken apart once.
const parsed = new Map<string, Cell[] | undefined>();

/** The cells of a line (see parseCells), from the lines seen lately. */
function cellsOf(line: string): Cell[] | undefined {
	if (parsed.has(line)) return parsed.get(line);
	if (parsed.size > 512) parsed.clear();
	const cells = parseCells(line);
	parsed.set(line, cells);
	return cells;
}

/** The cells of a line, each with the SGR sequences in force at it (undefined when a sequence other than SGR, or a character of unknown width, is in the line). */
function parseCells(line: string): Cell[] | undefined {
	const cells: Cell[] = [];
	let style = '';
	for (let index = 0; index < line.length; ) {
		SGR.lastIndex = index;
		const sequence = SGR.exec(line);
		if (sequence) {
			style += sequence[0];
			index = SGR.lastIndex;
			continue;
		}
		const char = String.fromCodePoint(line.codePointAt(index) ?? 0);
		if (!NARROW.test(char)) return undefined;
		cells.push({char, style, at: index});
		index += char.length;
	}
	return cells;
}

/**
 * Only the cells of a line that changed (a focus mark, a bold label, a character typed), when
 * that is shorter than the whole line: the cursor put on the first one, the style in force there
 * set, the changed span written as it is in the new line, then the style reset (and the rest of
 * the old line erased when the new one is shorter). Undefined: write the whole line.
 */
function changedCells(row: number, before: string, after: string): string | undefined {
	const old = cellsOf(before);
	const cells = cellsOf(after);
	if (!old || !cells) return undefined;
	const same = (a: Cell | undefined, b: Cell | undefined) => a !== undefined && b !== undefined && a.char === b.char && a.style === b.style;
	let first = 0;
	while (first < cells.length && same(old[first], cells[first])) first++;
	// An unchanged tail is kept only where it stays in its columns: lines of the same width.
	let fromEnd = 0;
	while (cells.length === old.length && fromEnd < cells.length - first && same(old[old.length - 1 - fromEnd], cells[cells.length - 1 - fromEnd])) fromEnd++;
	// Cells from `first` to the end (of the new line, less the unchanged tail) are written.
	const end = cells.length - fromEnd;
	const start = cells[first];
	const span = start ? after.slice(start.at, end < cells.length ? cells[end]?.at : after.length) : '';
	const erase = cells.length < old.length ? '\u001B[K' : '';
	const update = `\u001B[${row + 1};${first + 1}H\u001B[m${start?.style ?? ''}${span}\u001B[m${erase}`;
	return update.length < wholeLine(row, after).length ? update : undefined;
}

/** `stdout` for Ink: the same stream, its full-terminal repaints written as line updates. */
export function lineDiffStdout(stdout: NodeJS.WriteStream): NodeJS.WriteStream {
	let shown: Frame | undefined;
	const transform = (data: string): string => {
		if (!data.startsWith(CLEAR_TERMINAL)) {
			// Ink drew some other way (its first frame, a shorter one, a resize's erasure): what is on
			// screen is no longer known here, the next repaint is written whole.
			if (!MODES_ONLY.test(data)) shown = undefined;
			return data;
		}
		const lines = data.slice(CLEAR_TERMINAL.length).split('\n');
		const {columns, rows} = stdout;
		const known = shown && shown.columns === columns && shown.rows === rows ? shown.lines : undefined;
		shown = {lines, columns, rows};
		return frameUpdate(known, lines, rows);
	};
	const write = (chunk: unknown, ...rest: unknown[]): boolean => {
		if (typeof chunk !== 'string') shown = undefined;
		return (stdout.write as (...args: unknown[]) => boolean).call(stdout, typeof chunk === 'string' ? transform(chunk) : chunk, ...rest);
	};
	// Everything else (size, isTTY, resize events, Ink's bookkeeping) is the real stream's.
	return new Proxy(stdout, {
		get(target, property) {
			if (property === 'write') return write;
			const value: unknown = Reflect.get(target, property, target);
			return typeof value === 'function' ? value.bind(target) : value;
		},
	});
}
