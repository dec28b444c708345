import {execFile} from 'node:child_process';
import {existsSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';
import xtermHeadless from '@xterm/headless';
import pty, {type IPty} from 'node-pty';

// @xterm/headless is CommonJS: its named exports come through the default import.
const {Terminal} = xtermHeadless;

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = path.join(ROOT, 'bin', 'mssante-kiosk.js');
const DIST_CLI = path.join(ROOT, 'dist', 'cli.js');

/** Key bytes as a terminal sends them. */
export const KEY = {
	enter: '\r',
	tab: '\t',
	shiftTab: '\u001B[Z',
	space: ' ',
	escape: '\u001B',
	left: '\u001B[D',
	f2: '\u001BOQ',
	ctrlC: '\u0003',
} as const;

/** Fails with a clear message when the bundle the end-to-end tests drive has not been built. */
export function assertBuilt(): void {
	if (!existsSync(DIST_CLI)) {
		throw new Error(`${path.relative(ROOT, DIST_CLI)} is missing: run \`npm run build\` before the end-to-end tests (they drive the built kiosk and never build it).`);
	}
}

/**
 * The environment of a spawned kiosk: the test's own, less the variables that would decide its
 * colours or locale behind the test's back (vitest sets FORCE_COLOR=0 for the in-process tests;
 * a developer's LC_ALL would win over LANG), plus `extra`.
 */
export function kioskEnv(extra: Record<string, string> = {}): Record<string, string> {
	const env: Record<string, string> = {};
	for (const [name, value] of Object.entries(process.env)) {
		if (value === undefined) continue;
		if (['FORCE_COLOR', 'NO_COLOR', 'LC_ALL', 'LC_CTYPE'].includes(name)) continue;
		env[name] = value;
	}
	return {...env, CI: 'false', TERM: 'xterm-256color', LANG: 'C.UTF-8', ...extra};
}

export type PtyKioskOptions = {
	args: string[];
	env?: Record<string, string>;
	cols?: number;
	rows?: number;
	/** Options for node itself, before the script (e.g. `--import` a tracing preload). */
	nodeArgs?: string[];
	/** The program to run (default: this checkout's bin/mssante-kiosk.js). */
	bin?: string;
};

export type Exit = {exitCode: number; signal?: number | undefined};

/** The built kiosk in a real pseudo-terminal, its output fed to a headless xterm. */
export class PtyKiosk {
	readonly cols: number;
	readonly rows: number;
	/** Every byte the kiosk wrote, as received. */
	raw = '';
	exit: Exit | undefined;
	readonly exited: Promise<Exit>;
	private readonly term: InstanceType<typeof Terminal>;
	private readonly proc: IPty;
	/** Resolves once the emulator has parsed everything received so far. */
	private parsed: Promise<void> = Promise.resolve();

	constructor(options: PtyKioskOptions) {
		this.cols = options.cols ?? 80;
		this.rows = options.rows ?? 24;
		this.term = new Terminal({cols: this.cols, rows: this.rows, allowProposedApi: true, scrollback: 0});
		this.proc = pty.spawn(process.execPath, [...(options.nodeArgs ?? []), options.bin ?? BIN, ...options.args], {
			name: 'xterm-256color',
			cols: this.cols,
			rows: this.rows,
			cwd: ROOT,
			env: options.env ?? kioskEnv(),
		});
		this.proc.onData(data => {
			this.raw += data;
			this.parsed = new Promise(resolve => this.term.write(data, resolve));
		});
		this.exited = new Promise(resolve => {
			this.proc.onExit(({exitCode, signal}) => {
				this.exit = {exitCode, signal};
				resolve(this.exit);
			});
		});
	}

	get pid(): number {
		return this.proc.pid;
	}

	/** The visible lines of the terminal, trailing blanks trimmed, joined by newlines. */
	screen(): string {
		const buffer = this.term.buffer.active;
		const lines: string[] = [];
		for (let y = 0; y < this.rows; y++) lines.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
		return lines.join('\n');
	}

	/**
	 * The style of the first on-screen occurrence of `text` (every cell of it must share the
	 * attribute for it to count), or undefined when the text is not on the screen.
	 */
	styleOf(text: string): {bold: boolean; inverse: boolean} | undefined {
		const buffer = this.term.buffer.active;
		for (let y = 0; y < this.rows; y++) {
			const line = buffer.getLine(buffer.viewportY + y);
			if (!line) continue;
			// Map each character of the line's text to its cell (wide characters span two cells).
			let chars = '';
			const cellOf: number[] = [];
			for (let x = 0; x < this.cols; x++) {
				const cell = line.getCell(x);
				if (!cell || cell.getWidth() === 0) continue;
				const value = cell.getChars() || ' ';
				for (let i = 0; i < value.length; i++) cellOf.push(x);
				chars += value;
			}
			const at = chars.indexOf(text);
			if (at < 0) continue;
			const cells = cellOf.slice(at, at + text.length).map(x => line.getCell(x)!);
			return {bold: cells.every(cell => cell.isBold() !== 0), inverse: cells.every(cell => cell.isInverse() !== 0)};
		}
		return undefined;
	}

	/** Sends bytes as typed keys. */
	write(data: string): void {
		this.proc.write(data);
	}

	/**
	 * Sends each key on its own, waiting `gapMs` between them (a person's typing), so a key
	 * never lands in the same read as the next one.
	 */
	async press(keys: string | string[], gapMs = 60): Promise<void> {
		for (const key of Array.isArray(keys) ? keys : [keys]) {
			this.proc.write(key);
			await sleep(gapMs);
		}
	}

	/** Types text one character at a time. */
	async type(text: string, gapMs = 30): Promise<void> {
		await this.press([...text], gapMs);
	}

	/** Waits until the screen contains `text` (or matches it); the failure shows the screen. */
	async waitFor(text: string | RegExp, timeout = 10_000): Promise<string> {
		return this.waitUntil(screen => (typeof text === 'string' ? screen.includes(text) : text.test(screen)), `${String(text)}`, timeout);
	}

	/** Waits until `predicate(screen)` holds; the failure names `what` and shows the screen. */
	async waitUntil(predicate: (screen: string) => boolean, what: string, timeout = 10_000): Promise<string> {
		const deadline = Date.now() + timeout;
		for (;;) {
			await this.parsed;
			const screen = this.screen();
			if (predicate(screen)) return screen;
			if (this.exit) throw new Error(`kiosk exited (${JSON.stringify(this.exit)}) while waiting for ${what}; last screen:\n${frame(screen)}`);
			if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}; screen:\n${frame(screen)}`);
			await sleep(50);
		}
	}

	/**
	 * Waits until the kiosk has switched its terminal to raw mode (read on the pty's slave side
	 * with `stty -F`). Until then the line discipline is cooked: a key sent is echoed and Enter
	 * reaches the kiosk as "\n", which it ignores, so the first key of a test must wait for this.
	 */
	async waitForRawMode(timeout = 10_000): Promise<void> {
		const pts = (this.proc as unknown as {ptsName?: string}).ptsName;
		if (!pts) {
			await sleep(1_000); // No slave name on this platform: give the kiosk a generous moment.
			return;
		}
		const deadline = Date.now() + timeout;
		for (;;) {
			const {stdout} = await execFileAsync('stty', ['-F', pts, '-a']);
			if (/(^|\s)-icanon(\s|$)/.test(stdout) && /(^|\s)-echo(\s|$)/.test(stdout)) return;
			if (this.exit) throw new Error(`kiosk exited (${JSON.stringify(this.exit)}) before entering raw mode`);
			if (Date.now() > deadline) throw new Error(`the kiosk's terminal is still not in raw mode ${timeout} ms later (stty: ${stdout.trim()}); screen:\n${frame(this.screen())}`);
			await sleep(20);
		}
	}

	/** Waits for the process to end; rejects after `timeout`. */
	async waitExit(timeout = 10_000): Promise<Exit> {
		let timer: NodeJS.Timeout | undefined;
		try {
			return await Promise.race([
				this.exited,
				new Promise<never>((_, reject) => {
					timer = setTimeout(() => reject(new Error(`kiosk still running ${timeout} ms later; screen:\n${frame(this.screen())}`)), timeout);
				}),
			]);
		} finally {
			clearTimeout(timer);
		}
	}

	/** Kills the kiosk if it still runs and waits (briefly) for it to go; safe to call twice. */
	async dispose(): Promise<void> {
		if (!this.exit) {
			try {
				this.proc.kill('SIGKILL');
			} catch {
				// Already gone.
			}
			await Promise.race([this.exited, sleep(2_000)]);
		}
		this.term.dispose();
	}
}

const execFileAsync = promisify(execFile);

export function sleep(ms: number): Promise<void> {
	return new Promise(resolve => setTimeout(resolve, ms));
}

/** The screen in a box, for failure messages. */
function frame(screen: string): string {
	return screen
		.split('\n')
		.map(line => `|${line}`)
		.join('\n');
}
