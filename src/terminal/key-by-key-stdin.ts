import {EventEmitter} from 'node:events';

// An escape sequence (CSI with parameters, SS3, or ESC + one character) or one code point.
const KEY = /\u001B(?:\[[0-?]*[ -/]*[@-~]|O.|\[\[.|[^[O])|\u001B|[\s\S]/gu;

/** Splits a chunk of terminal input into single keys: `"12\t\r"` → `["1", "2", "\t", "\r"]`. */
function splitKeys(chunk: string): string[] {
	return chunk.match(KEY) ?? [];
}

/** What Ink needs from its input stream. */
export type KeyboardStream = EventEmitter & {
	isTTY?: boolean;
	read(): string | Buffer | null;
	setEncoding(encoding: BufferEncoding): unknown;
	setRawMode?(mode: boolean): unknown;
	ref(): unknown;
	unref(): unknown;
};

/**
 * Hands Ink one key per turn of the event loop. A chunk of input can hold several keys (slow
 * SSH link, paste, tmux); Ink treats a run of plain characters as one pasted string, so "\t\t"
 * would be typed as text and the Enter of "1234\r" would be lost. And React 19 renders in a
 * microtask: keys handled in the same turn would all see the screen as it was before the
 * first. One key per turn, React renders (and routes, see KeyRouter) between keys.
 */
export class KeyByKeyStdin extends EventEmitter {
	private readonly keys: string[] = [];
	private scheduled = false;
	private ready = false;

	constructor(private readonly source: KeyboardStream) {
		super();
		source.setEncoding('utf8');
		source.on('readable', () => {
			let chunk;
			while ((chunk = source.read()) !== null) this.keys.push(...splitKeys(String(chunk)));
			this.schedule();
		});
	}

	/** Keys received but not yet handed to Ink. */
	get pending(): number {
		return this.keys.length;
	}

	get isTTY(): boolean {
		return Boolean(this.source.isTTY);
	}

	/** One key after each 'readable'; the empty read that ends Ink's loop schedules the next. */
	read(): string | null {
		if (!this.ready) {
			this.schedule();
			return null;
		}
		this.ready = false;
		return this.keys.shift() ?? null;
	}

	setEncoding(): this {
		return this;
	}

	setRawMode(mode: boolean): this {
		this.source.setRawMode?.(mode);
		return this;
	}

	ref(): this {
		this.source.ref();
		return this;
	}

	unref(): this {
		this.source.unref();
		return this;
	}

	private schedule(): void {
		if (this.scheduled || this.keys.length === 0) return;
		this.scheduled = true;
		setImmediate(() => {
			this.scheduled = false;
			this.ready = true;
			this.emit('readable');
		});
	}
}
