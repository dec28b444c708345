import {spawn, type ChildProcess} from 'node:child_process';
import {closeSync, mkdirSync, openSync, readFileSync, rmSync} from 'node:fs';
import {createConnection} from 'node:net';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {execa} from 'execa';

/** pcscd 1.9.9 ignores PCSCLITE_CSOCK_NAME: one daemon per machine, always on this socket. */
const PCSCD_SOCKET = '/run/pcscd/pcscd.comm';

/** A pcscd this harness may have started; `stop()` never touches a daemon it found running. */
export type PcscdHandle = {startedHere: boolean; stop(): Promise<void>};

/** The daemon started by this process, if any, and the log its output goes to. */
let child: {process: ChildProcess; exited: Promise<void>; log: string} | undefined;

/** Pids of every running pcscd (`pgrep -x`, so "pcscd" exactly, not a command line mentioning it). */
async function pcscdPids(): Promise<number[]> {
	// pgrep exits with 1 when nothing matches: that is an answer, not an error.
	const {stdout} = await execa('pgrep', ['-x', 'pcscd'], {reject: false});
	return stdout
		.split('\n')
		.map(line => Number.parseInt(line, 10))
		.filter(pid => Number.isInteger(pid) && pid > 0);
}

/** True when a client can connect to pcscd's socket right now (a stale socket file refuses). */
function pcscdAccepts(): Promise<boolean> {
	return new Promise(resolve => {
		const socket = createConnection(PCSCD_SOCKET);
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => {
			socket.destroy();
			resolve(false);
		});
	});
}

/** Polls until pcscd's socket accepts connections, failing after `timeoutMs`. */
export async function waitForPcscdSocket(timeoutMs = 10_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await pcscdAccepts())) {
		if (child && child.process.exitCode !== null) throw new Error(`pcscd exited with code ${child.process.exitCode} before accepting connections:\n${readLog()}`);
		if (Date.now() > deadline) throw new Error(`pcscd's socket ${PCSCD_SOCKET} refused connections for ${timeoutMs} ms`);
		await sleep(50);
	}
}

/** The tail of the started daemon's log, for error messages. */
function readLog(): string {
	if (!child) return '';
	try {
		return readFileSync(child.log, 'utf8').slice(-2000);
	} catch {
		return '';
	}
}

/**
 * Starts `pcscd -f` as a child of this process and waits until its socket accepts clients.
 * Foreground, never `--auto-exit`: a daemon that quits after 60 s idle would vanish under a
 * long test run. Its output goes to a log file rather than a pipe, so the daemon does not die
 * of a broken pipe if it outlives this process.
 *
 * @throws Error when a pcscd already runs (two would fight over the one socket) or when the
 *   started one exits or does not answer.
 */
export async function startPcscd(timeoutMs = 10_000): Promise<PcscdHandle> {
	const running = await pcscdPids();
	if (running.length > 0) throw new Error(`pcscd already runs (pid ${running.join(', ')})`);
	mkdirSync(path.dirname(PCSCD_SOCKET), {recursive: true});

	const log = path.join(tmpdir(), `mssante-pcscd-${process.pid}-${Date.now()}.log`);
	const fd = openSync(log, 'a', 0o600);
	const started = spawn('pcscd', ['-f'], {stdio: ['ignore', fd, fd]});
	closeSync(fd);
	const exited = new Promise<void>(resolve => {
		started.once('exit', () => resolve());
		// A spawn failure (pcscd not installed) comes as 'error' without 'exit'.
		started.once('error', () => resolve());
	});
	const spawnError = new Promise<Error>(resolve => started.once('error', resolve));
	child = {process: started, exited, log};

	try {
		await Promise.race([
			waitForPcscdSocket(timeoutMs),
			spawnError.then(error => {
				throw new Error(`cannot start pcscd: ${error.message}`);
			}),
		]);
	} catch (error) {
		// Leave no half-started daemon behind a failed start.
		await stopChild(started);
		throw error;
	}
	const mine = started;
	return {startedHere: true, stop: () => stopChild(mine)};
}

/**
 * Makes sure a pcscd answers: reuses a running one (CI or the developer's machine started it)
 * or starts one in the foreground. `stop()` ends only a daemon started here.
 */
export async function ensurePcscd(timeoutMs = 10_000): Promise<PcscdHandle> {
	if ((await pcscdPids()).length > 0) {
		await waitForPcscdSocket(timeoutMs);
		return {startedHere: false, stop: async () => {}};
	}
	return startPcscd(timeoutMs);
}

/** Terminates the daemon this process started, if it is still that one, and waits for its exit. */
async function stopChild(target: ChildProcess): Promise<void> {
	if (!child || child.process !== target) return;
	const {exited} = child;
	if (target.exitCode === null && target.signalCode === null) {
		target.kill('SIGTERM');
		const timer = setTimeout(() => target.kill('SIGKILL'), 5_000);
		await exited;
		clearTimeout(timer);
	}
	forgetChild();
}

/** Drops the record of our daemon once it has exited, with its log (kept only while it runs). */
function forgetChild(): void {
	if (child) rmSync(child.log, {force: true});
	child = undefined;
}

/** True while `pid` names a live process (signal 0 checks without sending anything). */
function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/**
 * Stops every running pcscd with SIGTERM and waits until it has exited, for tests of "service
 * arrêté" (the kiosk must notice and recover). A daemon that ignores SIGTERM for 5 s is killed.
 * Whoever started it, the daemon is gone afterwards: restart one with `startPcscd()`.
 */
export async function killPcscd(timeoutMs = 5_000): Promise<void> {
	const pids = await pcscdPids();
	for (const pid of pids) {
		try {
			process.kill(pid, 'SIGTERM');
		} catch {
			// Already gone between pgrep and kill.
		}
	}
	const deadline = Date.now() + timeoutMs;
	while (pids.some(alive)) {
		if (Date.now() > deadline) {
			for (const pid of pids.filter(alive)) process.kill(pid, 'SIGKILL');
			await sleep(100);
			break;
		}
		await sleep(25);
	}
	// Our own child must be reaped too, or it lingers as a zombie that pgrep still lists.
	if (child && pids.includes(child.process.pid ?? -1)) {
		await child.exited;
		forgetChild();
	}
}
