#!/usr/bin/env node
// Start-up benchmark: time to first frame and peak memory of the kiosk,
// compared with a bare Ink app bundled with the same esbuild options.
//
//   node bench/startup.mjs [--runs N] [--warmup N] [--json] [--only-hello]
//
// Each run spawns a fresh process in a real pseudo-terminal (node-pty, 80x24).
// Cold start = from just before spawn to the first time the output contains
// the command's marker ("Hello", or "Créer son compte MSSanté" for the kiosk,
// the header stepper every kiosk screen shows). Peak RSS = VmHWM of the
// spawned node process, read 300 ms after the first frame. The two commands
// are alternated run by run so that machine noise hits both alike.
//
// --only-hello points the second command at the hello bundle as well: it
// checks the benchmark itself when the kiosk does not exist (yet).
// Figures are printed, never asserted: the exit code is 0 unless a run fails.
import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {KIOSK_ENTRIES, bundle} from '../scripts/build.mjs';
import {COLS, ROWS, integerOption, killGroup, log, makeTempDir, median, onInterrupt, parseCommandLine, percentile, removeDir, root, spawnPty, tableLines, terminate} from './lib.mjs';

const SETTLE_MS = 300; // wait after the first frame before reading VmHWM
const KILL_GRACE_MS = 1000; // SIGTERM, then SIGKILL after this
const RUN_TIMEOUT_MS = 10_000;
const TARGET_RATIO = 1.5;
const TARGET_RSS_MB = 80;

// ---------------------------------------------------------------- arguments

const usage = `Usage: node bench/startup.mjs [options]

  --runs N       measured runs per command (default 15)
  --warmup N     unmeasured runs per command first, to warm the disk cache
                 (default 1; 0 to measure the very first start too)
  --json         print the figures as JSON instead of a table
  --only-hello   measure the hello bundle in place of the kiosk too
                 (tests the benchmark while the kiosk does not exist)
  -h, --help     this text`;

const args = parseCommandLine(
	{
		runs: {type: 'string', default: '15'},
		warmup: {type: 'string', default: '1'},
		json: {type: 'boolean', default: false},
		'only-hello': {type: 'boolean', default: false},
		help: {type: 'boolean', short: 'h', default: false},
	},
	usage,
);
const runs = integerOption(args.runs, '--runs', 1);
const warmup = integerOption(args.warmup, '--warmup', 0);
const onlyHello = args['only-hello'];

// ------------------------------------------------------------- the commands

const helloBundle = path.join(root, 'bench/out/hello.js');
const kioskBin = path.join(root, 'bin/mssante-kiosk.js');

/** @typedef {{name: string, marker: string, args: () => {file?: string, argv: string[], cleanup?: () => void}}} Command */

/** @type {Command} */
const hello = {
	name: 'hello',
	marker: 'Hello',
	args: () => ({argv: [helloBundle]}),
};

/** @type {Command} */
const kiosk = onlyHello
	? {name: 'hello (b)', marker: 'Hello', args: () => ({argv: [helloBundle]})}
	: {
			name: 'kiosk',
			marker: 'Créer son compte MSSanté',
			args: () => {
				// A fresh data directory per run: no settings, directory or outbox carried over.
				const dataDir = makeTempDir('mssante-bench-');
				// Launched through its shebang, as an installed `mssante-kiosk` is (it sets V8 flags).
				return {
					file: kioskBin,
					argv: ['--demo', '--data-dir', dataDir],
					cleanup: () => removeDir(dataDir),
				};
			},
		};

// ------------------------------------------------------------------ bundles

if (!onlyHello && !existsSync(kioskBin)) {
	fail('bin/mssante-kiosk.js does not exist yet: use --only-hello to test the benchmark alone.');
}

log('Bundling bench/hello.tsx → bench/out/hello.js');
await bundle('bench/hello.tsx', 'bench/out');

if (!onlyHello) {
	if (!existsSync(path.join(root, 'dist/cli.js'))) {
		if (!existsSync(path.join(root, KIOSK_ENTRIES.cli))) {
			fail(`dist/cli.js is missing and there is no ${KIOSK_ENTRIES.cli} to bundle.`);
		}
		log(`dist/cli.js missing: bundling ${KIOSK_ENTRIES.cli} → dist/ (normally \`npm run build\`)`);
		await bundle(KIOSK_ENTRIES, 'dist');
	}
}

// ---------------------------------------------------------------- one run

/** Live children and their clean-ups, so that an interrupted benchmark leaves nothing behind. */
const live = new Map();

// Removes CSI, OSC and two-character escape sequences, so that the marker is
// found whatever colours or cursor moves Ink puts around or inside it.
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]/g;
const visibleText = raw => raw.replace(ESCAPES, '').replace(/\s+/g, ' ');

/**
 * Spawns `command` in a pty; resolves with the time to first frame (ms) and
 * the peak RSS (kB) once the process has exited.
 * @param {Command} command
 */
function runOnce(command) {
	const {file, argv, cleanup} = command.args();
	return new Promise((resolve, reject) => {
		let output = '';
		let firstFrameMs;
		let peakKb;
		let failure;
		let exited = false;
		let timeout;
		let killTimer;

		const env = {...process.env, CI: 'false', TERM: 'xterm-256color', LANG: 'C.UTF-8'};
		const start = performance.now();
		const child = spawnPty(file ?? process.execPath, argv, env);
		live.set(child, cleanup);

		const stop = error => {
			failure ??= error;
			clearTimeout(timeout);
			if (exited || killTimer) return;
			killTimer = terminate(child, KILL_GRACE_MS);
		};

		child.onData(data => {
			if (firstFrameMs !== undefined || failure) return; // keep draining the pty, nothing more to look at
			output = (output + data).slice(-1_000_000);
			if (!visibleText(output).includes(command.marker)) return;
			firstFrameMs = performance.now() - start;
			clearTimeout(timeout);
			setTimeout(() => {
				if (exited) return; // reported by onExit
				try {
					peakKb = readPeakKb(child.pid);
					stop();
				} catch (error) {
					stop(error);
				}
			}, SETTLE_MS);
		});

		child.onExit(({exitCode, signal}) => {
			exited = true;
			clearTimeout(timeout);
			clearTimeout(killTimer);
			live.delete(child);
			// Anything the command started in its session goes too.
			killGroup(child.pid, 'SIGKILL');
			try {
				cleanup?.();
			} catch {}
			if (!failure && peakKb === undefined) {
				failure = new Error(
					`${command.name} exited (code ${exitCode}, signal ${signal}) ${firstFrameMs === undefined ? 'before its first frame' : `within ${SETTLE_MS} ms of its first frame`}.\n${tail(output)}`,
				);
			}
			if (failure) reject(failure);
			else resolve({ms: firstFrameMs, peakKb});
		});

		timeout = setTimeout(
			() =>
				stop(
					new Error(
						`${command.name}: no "${command.marker}" within ${RUN_TIMEOUT_MS / 1000} s ` + `(node ${argv.map(a => (path.isAbsolute(a) ? path.relative(root, a) : a)).join(' ')}).\n${tail(output)}`,
					),
				),
			RUN_TIMEOUT_MS,
		);
	});
}

/** VmHWM (peak resident set size) in kB from /proc/<pid>/status. */
function readPeakKb(pid) {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
	if (!match) throw new Error(`no VmHWM in /proc/${pid}/status (process already exiting?)`);
	return Number(match[1]);
}

function tail(raw) {
	const text = raw.replace(ESCAPES, '').trim();
	if (!text) return 'It printed nothing.';
	return `Last output:\n${text.slice(-600)}`;
}

function fail(message) {
	console.error(`bench/startup: ${message}`);
	process.exit(1);
}

onInterrupt(() => {
	for (const [child, cleanup] of live) {
		killGroup(child.pid, 'SIGKILL');
		try {
			cleanup?.();
		} catch {}
	}
});

// ------------------------------------------------------------------ measure

const commands = [hello, kiosk];
const samples = new Map(commands.map(c => [c, {ms: [], peakKb: []}]));

try {
	for (let i = 0; i < warmup + runs; i++) {
		const measured = i >= warmup;
		const label = measured ? `run ${i - warmup + 1}/${runs}` : `warm-up ${i + 1}/${warmup}`;
		for (const command of commands) {
			const result = await runOnce(command);
			if (measured) {
				samples.get(command).ms.push(result.ms);
				samples.get(command).peakKb.push(result.peakKb);
			}
			log(`${label.padEnd(14)} ${command.name.padEnd(10)} ${result.ms.toFixed(0).padStart(5)} ms ${mb(result.peakKb).toFixed(1).padStart(6)} MB`);
		}
	}
} catch (error) {
	fail(error.message);
}

// ------------------------------------------------------------------- report

function mb(kb) {
	return kb / 1024;
}
const round = (x, digits = 1) => Number(x.toFixed(digits));

const figures = Object.fromEntries(
	commands.map(command => {
		const {ms, peakKb} = samples.get(command);
		const rss = peakKb.map(mb);
		return [
			command === hello ? 'hello' : 'kiosk',
			{
				command:
					command === hello ? 'node bench/out/hello.js' : onlyHello ? 'node bench/out/hello.js (--only-hello)' : 'bin/mssante-kiosk.js --demo --data-dir <tmp> (shebang: node --max-semi-space-size=1)',
				marker: command.marker,
				coldStartMs: {median: round(median(ms)), p90: round(percentile(ms, 90)), min: round(Math.min(...ms)), max: round(Math.max(...ms)), samples: ms.map(x => round(x))},
				peakRssMb: {median: round(median(rss)), max: round(Math.max(...rss)), samples: rss.map(x => round(x))},
			},
		];
	}),
);
const ratio = figures.kiosk.coldStartMs.median / figures.hello.coldStartMs.median;
const ratioMet = ratio <= TARGET_RATIO;
const rssMet = figures.kiosk.peakRssMb.max <= TARGET_RSS_MB;

const report = {
	node: process.version,
	terminal: `${COLS}x${ROWS}`,
	runs,
	warmup,
	onlyHello,
	...figures,
	ratio: round(ratio, 2),
	targets: {
		evaluated: !onlyHello,
		ratioMax: TARGET_RATIO,
		ratioMet: onlyHello ? null : ratioMet,
		kioskPeakRssMaxMb: TARGET_RSS_MB,
		rssMet: onlyHello ? null : rssMet,
		met: onlyHello ? null : ratioMet && rssMet,
	},
};

if (args.json) {
	console.log(JSON.stringify(report, null, 2));
} else {
	const rows = [
		['command', 'start median', 'start p90', 'RSS median', 'RSS max'],
		...Object.values(figures).map((f, i) => [
			commands[i].name,
			`${f.coldStartMs.median.toFixed(0)} ms`,
			`${f.coldStartMs.p90.toFixed(0)} ms`,
			`${f.peakRssMb.median.toFixed(1)} MB`,
			`${f.peakRssMb.max.toFixed(1)} MB`,
		]),
	];
	const ok = met => (met ? 'met' : 'NOT met');
	console.log(
		[
			'',
			`Start-up to first frame, ${COLS}x${ROWS} pty, Node ${process.version}, ${runs} runs per command (+${warmup} warm-up), alternated`,
			`(peak RSS = VmHWM ${SETTLE_MS} ms after the first frame; MB = MiB)`,
			'',
			...tableLines(rows),
			'',
			`ratio median(${commands[1].name}) / median(hello): ${ratio.toFixed(2)}x`,
			onlyHello ? 'targets: not evaluated (--only-hello)' : `targets: start ≤ ${TARGET_RATIO}x hello: ${ok(ratioMet)}; peak RSS max ≤ ${TARGET_RSS_MB} MB: ${ok(rssMet)}`,
		].join('\n'),
	);
}
