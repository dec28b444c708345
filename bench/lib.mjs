// Pieces shared by the benchmarks in bench/: command line, progress, statistics, tables,
// pseudo-terminals, temporary directories and clean-up on Ctrl+C.
import {mkdtempSync, rmSync} from 'node:fs';
import {createRequire} from 'node:module';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';

const require = createRequire(import.meta.url);
const pty = require('node-pty');

/** The project's root directory (the parent of bench/). */
export const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** Size of the pseudo-terminals the benchmarks run their commands in. */
export const COLS = 80;
export const ROWS = 24;

// ---------------------------------------------------------------- arguments

/** Parses the command line strictly against `options`: usage and exit 2 on an error, usage and exit 0 on --help. */
export function parseCommandLine(options, usage) {
	let values;
	try {
		({values} = parseArgs({options, strict: true}));
	} catch (error) {
		console.error(`${error.message}\n\n${usage}`);
		process.exit(2);
	}
	if (values.help) {
		console.log(usage);
		process.exit(0);
	}
	return values;
}

/** The integer ≥ `min` that option `name` holds as `text`; otherwise an error message and exit 2. */
export function integerOption(text, name, min) {
	const n = Number(text);
	if (!Number.isInteger(n) || n < min) {
		console.error(`${name} must be an integer ≥ ${min}, got "${text}"`);
		process.exit(2);
	}
	return n;
}

/** Progress goes to stderr so that `--json` output stays clean. */
export const log = message => process.stderr.write(`${message}\n`);

// --------------------------------------------------------------- statistics

/** A sorted copy of `values`, in ascending numeric order. */
export const sorted = values => [...values].sort((a, b) => a - b);

/** The median of `values` (mean of the two middle ones for an even count). */
export function median(values) {
	const s = sorted(values);
	const mid = s.length >> 1;
	return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Nearest-rank percentile `p` (0–100) of `values`. */
export function percentile(values, p) {
	const s = sorted(values);
	return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)];
}

// ------------------------------------------------------------------- tables

/** The lines of a text table: header row, dashes, body rows; first column left-aligned, the others right-aligned. */
export function tableLines(rows) {
	const widths = rows[0].map((_, c) => Math.max(...rows.map(r => r[c].length)));
	const line = r => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
	return [line(rows[0]), widths.map(w => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)];
}

// ------------------------------------------------------------------ processes

/** Spawns `file argv` in a COLS×ROWS xterm-256color pty, in the project's root, with exactly `env`. */
export function spawnPty(file, argv, env) {
	return pty.spawn(file, argv, {name: 'xterm-256color', cols: COLS, rows: ROWS, cwd: root, env});
}

/** Sends `signal` to the process group `pid` leads (node-pty makes its child a session and group leader), ignoring errors. */
export function killGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
	} catch {}
}

/** Sends SIGTERM to a pty child, and SIGKILL to its group after `graceMs`; returns that timer. */
export function terminate(child, graceMs) {
	try {
		child.kill('SIGTERM');
	} catch {}
	return setTimeout(() => killGroup(child.pid, 'SIGKILL'), graceMs);
}

/** On SIGINT or SIGTERM: runs `cleanup` (and awaits it when it returns a promise), then exits 130. */
export function onInterrupt(cleanup) {
	const exit = () => process.exit(130);
	for (const signal of ['SIGINT', 'SIGTERM']) {
		process.on(signal, () => {
			const result = cleanup();
			if (result && typeof result.then === 'function') result.then(exit, exit);
			else exit();
		});
	}
}

// ------------------------------------------------------------ temp directories

/** Creates a fresh directory in the system's temporary directory, its name starting with `prefix`. */
export const makeTempDir = prefix => mkdtempSync(path.join(os.tmpdir(), prefix));

/** Removes `dir` and everything in it; nothing happens when it does not exist. */
export const removeDir = dir => rmSync(dir, {recursive: true, force: true});
