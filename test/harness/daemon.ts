import {type ChildProcess, spawn} from 'node:child_process';
import {closeSync, openSync, readFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {setTimeout as sleep} from 'node:timers/promises';

/** A server process a harness started in the foreground, its output going to a log file. */
export type Daemon = {
	/** What the harness calls it in errors ("PostgreSQL", "HAProxy"). */
	name: string;
	pid: number;
	/** Settles when the process has exited (or could not be spawned). */
	exited: Promise<void>;
	/** True until the process has exited. */
	running(): boolean;
	/** The end of its log, for error messages. */
	logTail(): string;
	/** Sends `signal`, SIGKILL if it has not exited `graceMs` later, and waits for the exit. */
	stop(signal: NodeJS.Signals, graceMs?: number): Promise<void>;
};

/** Daemons still running, each with the signal that ends it at once, sent if this process exits first. */
const live = new Map<ChildProcess, NodeJS.Signals>();

// A failed afterAll or a timed-out hook must not leave servers behind the test process: 'exit' runs
// only synchronous code, which a signal is.
process.once('exit', () => {
	for (const [child, signal] of live) child.kill(signal);
});

/**
 * Spawns `command` with `args`, stdout and stderr appended to `log`: a file, not a pipe, so the
 * daemon never blocks on a full pipe nor dies of a broken one. `exitSignal` is what ends it at once
 * should this process exit while it runs (SIGQUIT for PostgreSQL's postmaster, which then takes its
 * backends with it; SIGKILL would leave them).
 */
export function spawnDaemon(name: string, command: string, args: string[], options: {log: string; exitSignal: NodeJS.Signals}): Daemon {
	const fd = openSync(options.log, 'a', 0o600);
	const child = spawn(command, args, {stdio: ['ignore', fd, fd]});
	closeSync(fd);
	live.set(child, options.exitSignal);
	let spawnError: Error | undefined;
	const exited = new Promise<void>(resolve => {
		child.once('exit', () => resolve());
		// A binary that is not there comes as 'error' without 'exit'.
		child.once('error', error => {
			spawnError = error;
			resolve();
		});
	}).then(() => {
		live.delete(child);
	});
	const running = (): boolean => child.exitCode === null && child.signalCode === null && spawnError === undefined;
	const logTail = (): string => {
		const text = readFileSync(options.log, 'utf8').slice(-3000);
		return spawnError ? `${spawnError.message}\n${text}` : text;
	};
	return {
		name,
		pid: child.pid ?? -1,
		exited,
		running,
		logTail,
		async stop(signal, graceMs = 10_000) {
			if (!running()) return exited;
			child.kill(signal);
			const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
			await exited;
			clearTimeout(timer);
		},
	};
}

/**
 * Polls `ready` until it answers true. Fails with the daemon's log when the daemon exits first,
 * and stops it when it does not get ready within `timeoutMs`.
 */
export async function waitUntilReady(daemon: Daemon, ready: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await ready())) {
		if (!daemon.running()) throw new DaemonExited(daemon);
		if (Date.now() > deadline) {
			await daemon.stop('SIGKILL');
			throw new Error(`${daemon.name} was not ready after ${timeoutMs} ms. Its log ends with:\n${daemon.logTail()}`);
		}
		await sleep(25);
	}
}

/** A daemon that exited before it was ready; its log says why. */
class DaemonExited extends Error {
	/** True when it could not bind its port because another process took it in the meantime. */
	readonly portTaken: boolean;

	constructor(daemon: Daemon) {
		const log = daemon.logTail();
		super(`${daemon.name} exited before it was ready. Its log ends with:\n${log}`);
		this.portTaken = /address already in use/i.test(log);
	}
}

/** A loopback TCP port that was free a moment ago (another process may take it before the daemon binds it). */
function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => {
				if (address && typeof address === 'object') resolve(address.port);
				else reject(new Error('no port assigned on 127.0.0.1'));
			});
		});
	});
}

/**
 * Runs `start` on a free loopback port, again on another one when the daemon found it taken (the
 * port is only known free before the daemon binds it).
 */
export async function onFreePort<T>(start: (port: number) => Promise<T>, attempts = 5): Promise<T> {
	for (let attempt = 1; ; attempt++) {
		try {
			return await start(await freePort());
		} catch (error) {
			if (!(error instanceof DaemonExited && error.portTaken) || attempt >= attempts) throw error;
		}
	}
}
