// A pilot for Ink: renders a tree in a fake 80×24 terminal, presses keys, reads the screen.
import {EventEmitter} from 'node:events';
import {render, type Instance} from 'ink';
import type {ReactElement} from 'react';
import {KeyByKeyStdin} from '../../src/terminal/key-by-key-stdin.js';

/** A terminal of a given size that keeps every frame Ink writes. */
class FakeStdout extends EventEmitter {
	readonly isTTY = true;
	frames: string[] = [];
	constructor(
		public columns: number,
		public rows: number,
	) {
		super();
	}

	write = (frame: string) => {
		this.frames.push(frame);
		return true;
	};

	lastFrame(): string {
		return this.frames.at(-1) ?? '';
	}
}

/** Keyboard side: what Ink reads in raw mode. */
class FakeStdin extends EventEmitter {
	readonly isTTY = true;
	private queue: string[] = [];
	write(data: string) {
		this.queue.push(data);
		this.emit('readable');
	}

	read = () => this.queue.shift() ?? null;
	setEncoding() {}
	setRawMode() {}
	resume() {}
	pause() {}
	ref() {}
	unref() {}
}

/** Key names the pilot can press. */
const KEYS = {
	enter: '\r',
	tab: '\t',
	shiftTab: '\u001B[Z',
	up: '\u001B[A',
	down: '\u001B[B',
	left: '\u001B[D',
	right: '\u001B[C',
	escape: '\u001B',
	space: ' ',
	backspace: '\u007F',
	pageDown: '\u001B[6~',
	pageUp: '\u001B[5~',
	f1: '\u001BOP',
	f2: '\u001BOQ',
	ctrlC: '\u0003',
	ctrlQ: '\u0011',
} as const;

export type KeyName = keyof typeof KEYS;

/** Textual-style pilot: renders a tree in an 80×24 terminal, presses keys, reads the screen. */
export class Pilot {
	readonly stdout: FakeStdout;
	readonly stdin = new FakeStdin();
	readonly instance: Instance;
	private readonly keyboard: KeyByKeyStdin;

	/** `screenReader`: Ink's screen-reader mode (INK_SCREEN_READER=true): frames are the spoken text. */
	constructor(tree: ReactElement, size: {columns: number; rows: number} = {columns: 80, rows: 24}, options: {screenReader?: boolean} = {}) {
		this.stdout = new FakeStdout(size.columns, size.rows);
		this.keyboard = new KeyByKeyStdin(this.stdin);
		this.instance = render(tree, {
			stdout: this.stdout as unknown as NodeJS.WriteStream,
			// The same key pacing as the real kiosk, so coalesced input is tested too.
			stdin: this.keyboard as unknown as NodeJS.ReadStream,
			stderr: new FakeStdout(size.columns, size.rows) as unknown as NodeJS.WriteStream,
			debug: true,
			// Never from the environment of whoever runs the tests.
			isScreenReaderEnabled: options.screenReader ?? false,
			exitOnCtrlC: false,
			patchConsole: false,
		});
	}

	/** The screen as text. */
	frame(): string {
		return this.stdout.lastFrame();
	}

	/** Presses keys one at a time, letting Ink and React settle after each. */
	async press(...keys: KeyName[]): Promise<void> {
		// A lone ESC waits for a possible sequence before Ink reports it: send it on its own.
		for (const key of keys) await this.send(KEYS[key]);
	}

	/** Types text as one chunk (each character still reaches the app as its own key). */
	async type(text: string): Promise<void> {
		await this.send(text);
	}

	/** Sends raw input in one chunk, as a slow link or a paste delivers it; waits until all is handled. */
	async send(chunk: string): Promise<void> {
		this.stdin.write(chunk);
		while (this.keyboard.pending > 0) await settle(2);
		await settle(chunk.endsWith('\u001B') ? 60 : 10);
	}

	/** Waits until the screen contains `text` (or matches it, or passes it), or fails after `timeoutMs`. */
	async waitFor(text: string | RegExp | ((frame: string) => boolean), timeoutMs = 3000): Promise<string> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const frame = this.frame();
			if (typeof text === 'string' ? frame.includes(text) : typeof text === 'function' ? text(frame) : text.test(frame)) return frame;
			if (Date.now() > deadline) throw new Error(`Screen never showed ${String(text)}. Last frame:\n${frame}`);
			await settle(10);
		}
	}

	/** Waits until the screen no longer contains `text`, or fails after `timeoutMs`. */
	async waitForNo(text: string | RegExp, timeoutMs = 3000): Promise<string> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const frame = this.frame();
			if (!(typeof text === 'string' ? frame.includes(text) : text.test(frame))) return frame;
			if (Date.now() > deadline) throw new Error(`Screen still shows ${String(text)}:\n${frame}`);
			await settle(10);
		}
	}

	/** Resizes the terminal as a window manager would. */
	resize(columns: number, rows: number): void {
		this.stdout.columns = columns;
		this.stdout.rows = rows;
		this.stdout.emit('resize');
	}

	unmount(): void {
		this.instance.unmount();
		this.instance.cleanup();
	}
}

export function settle(ms: number): Promise<void> {
	return new Promise(resolve => setTimeout(resolve, ms));
}
