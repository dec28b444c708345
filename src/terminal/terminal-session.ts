/**
 * The kiosk's hold on the terminal, from raw mode to the last restore: every way out of the
 * program (the kiosk's own exit, a signal, a vanished terminal, a crash) goes through one release
 * that puts the terminal back and frees the data files.
 */

const ENTER_ALT_SCREEN = '\u001B[?1049h\u001B[H';
const LEAVE_ALT_SCREEN = '\u001B[?25h\u001B[?1049l';

/** The terminal, held by the kiosk. */
export type TerminalSession = {
	/**
	 * The App is on screen and `unmount` takes it off: from now on signals, a hang-up, `beforeExit`,
	 * a crash and `exit` all release everything first.
	 */
	guard(unmount: () => void): void;
	/** Releases everything, then exits with `code` (the kiosk's own way out). */
	shutdown(code: number): Promise<void>;
	/** Releases everything, says why on stderr, then exits with `code`. */
	failWith(message: string, code: number): Promise<void>;
};

/** What the session releases, after the screen and the terminal. */
export type TerminalSessionOptions = {
	/** Closed in this order once the screen is unmounted and the terminal restored (card stack, service, settings). */
	close: Array<() => unknown>;
	/** The one line an unexpected crash prints. */
	internalError: (message: string) => string;
};

/** Takes the terminal: raw mode and the alternate screen, before the first frame. */
export function enterTerminal(options: TerminalSessionOptions): TerminalSession {
	// Raw mode before the first frame: a key pressed meanwhile is neither echoed nor line-buffered.
	process.stdin.setRawMode(true);
	process.stdout.write(ENTER_ALT_SCREEN);
	let restored = false;
	const restoreTerminal = () => {
		if (restored) return;
		restored = true;
		process.stdin.setRawMode(false);
		process.stdout.write(LEAVE_ALT_SCREEN);
	};
	let unmount: (() => void) | undefined;
	// Each step runs even if an earlier one fails (a vanished terminal makes every write throw).
	const release = async () => {
		for (const step of [() => unmount?.(), restoreTerminal, ...options.close]) {
			try {
				await step();
			} catch {
				// Keep releasing: the data files' locks matter more than the screen.
			}
		}
	};
	const shutdown = async (code: number) => {
		await release();
		process.exit(code);
	};
	// On a signal, clean up then die of that same signal, as Unix programs do. Exiting normally
	// after SIGHUP would make Node restore a terminal that is gone, and abort.
	const dieOf = async (signal: NodeJS.Signals) => {
		await release();
		process.removeAllListeners(signal);
		process.kill(process.pid, signal);
	};
	return {
		guard(unmountApp) {
			unmount = unmountApp;
			for (const signal of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) process.once(signal, () => void dieOf(signal));
			// The terminal went away (SSH link cut, window closed): reading it fails with EIO, or input
			// ends and nothing is left to run. Leave as on a hang-up: a normal exit would make Node 20
			// restore the vanished terminal's settings and abort (node::ResetStdio assertion).
			process.stdin.on('error', () => void dieOf('SIGHUP'));
			process.once('beforeExit', () => void dieOf('SIGHUP'));
			process.on('uncaughtException', error => {
				if (['EIO', 'EPIPE'].includes((error as NodeJS.ErrnoException).code ?? '')) {
					void dieOf('SIGHUP');
					return;
				}
				void release().then(() => {
					process.stderr.write(`${options.internalError(error.message)}\n`);
					process.exit(70);
				});
			});
			process.on('exit', restoreTerminal);
		},
		shutdown,
		async failWith(message, code) {
			await release();
			process.stderr.write(`${message}\n`);
			process.exit(code);
		},
	};
}
