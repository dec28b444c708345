import {spawn} from 'node:child_process';
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

/**
 * Spawns `command` with `args`, stdout and stderr appended to `log`: a file, not a pipe, so the
 * daemon never blocks on a full pipe nor dies of a broken one. Through setpriv, which execs it in
 * place (the pid held here is the daemon's own) after applying `privileges` (setpriv options, e.g.
 * another user) and a parent-death signal: the kernel sends the daemon `deathSignal` when this
 * process ends, however it ends. Vitest kills its workers, so no 'exit' handler of ours would run,
 * and a test file that times out would leave its servers running. SIGQUIT suits PostgreSQL: its
 * postmaster then ends its backends too, which SIGKILL would leave behind.
 */
export function spawnDaemon(name: string, command: string, args: string[], options: {log: string; deathSignal: NodeJS.Signals; privileges?: string[]}): Daemon {
	const fd = openSync(options.log, 'a', 0o600);
	const child = spawn('setpriv', ['--pdeathsig', options.deathSignal, ...(options.privileges ?? []), '--', command, ...args], {stdio: ['ignore', fd, fd]});
	closeSync(fd);
	let spawnError: Error | undefined;
	const exited = new Promise<void>(resolve => {
		child.once('exit', () => resolve());
		// A binary that is not there comes as 'error' without 'exit'.
		child.once('error', error => {
			spawnError = error;
			resolve();
		});
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
