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

/** What writing a line costs, in bytes: its text and the moves around it. */
const lineCost = (line: string) => line.length + 12;
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
	const write = (row: number, shown: string | undefined) => (next[row] === (shown ?? '') ? 0 : lineCost(next[row] ?? ''));
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
		if (shown && line === (shown[row] ?? '')) continue;
		// Erased before it is written, not after: a line as wide as the terminal leaves the cursor
		// on its last cell, which an erasure to the end of the line would take with it.
		update += `\u001B[${row + 1};1H\u001B[2K${line}`;
	}
	return update && `${update}\u001B[${next.length};1H`;
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
