#!/usr/bin/env node
// Bytes per key benchmark: what one keystroke costs on the wire (SPEC §14, helpdesk over `ssh -t`).
// The BUILT kiosk on its demo card in a real 80×24 pseudo-terminal, its output read by a headless
// xterm to know where it is. Run `npm run build` first.
//
//   node bench/keys-bytes.mjs [--keys N] [--quiet-ms MS] [--no-color] [--json]
//
// Keys are sent one at a time; the bytes of a key are everything the kiosk writes from the key
// until its output has been quiet for --quiet-ms (so the password's strength meter, updated after
// a short pause, counts with the character that changed it). Three measures:
//   - a character typed in step 3's password field;
//   - Tab on the welcome menu (two lines change: the pointer leaves one item for the next);
//   - Tab through step 3's form (the focus mark moves, sometimes the form scrolls).
// Also counted: frames that clear the terminal (ESC[2J) or wipe the scrollback (ESC[3J).
// Figures are printed, never asserted: the exit code is 0 unless a measurement cannot be made.
import {existsSync} from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {COLS, ROWS, integerOption, log, makeTempDir, median, onInterrupt, parseCommandLine, percentile, removeDir, root, spawnPty, tableLines, terminate} from './lib.mjs';

const require = createRequire(import.meta.url);
const {Terminal} = require('@xterm/headless');

const KIOSK_BIN = path.join(root, 'bin/mssante-kiosk.js');
const WAIT_MS = 15_000;
const TARGET_BYTES = 300;
const CLEAR_SCREEN = '\u001B[2J';
const CLEAR_SCROLLBACK = '\u001B[3J';
// Typed into the password field: letters, digits and symbols, over and over.
const CHARACTERS = 'Kiosque#Sante2026-Mdp!';

const usage = `Usage: node bench/keys-bytes.mjs [options]   (after \`npm run build\`)

  --keys N        characters typed, and Tabs pressed on each screen (default 24, minimum 20)
  --quiet-ms MS   silence that ends a key's output (default 250)
  --no-color      run as a terminal without colours (NO_COLOR=1); default: colours, as over ssh -t
  --json          print the figures as JSON instead of a table
  -h, --help      this text`;

const args = parseCommandLine(
	{
		keys: {type: 'string', default: '24'},
		'quiet-ms': {type: 'string', default: '250'},
		'no-color': {type: 'boolean', default: false},
		json: {type: 'boolean', default: false},
		help: {type: 'boolean', short: 'h', default: false},
	},
	usage,
);
const keys = integerOption(args.keys, '--keys', 20);
const quietMs = integerOption(args['quiet-ms'], '--quiet-ms', 50);

if (!existsSync(path.join(root, 'dist/cli.js'))) {
	console.error('dist/cli.js is missing: run `npm run build` first.');
	process.exit(1);
}

/** The environment of a helpdesk terminal: no CI variable (chalk turns colours off for any), UTF-8. */
function kioskEnv() {
	const env = {...process.env, TERM: 'xterm-256color', LANG: 'C.UTF-8'};
	for (const name of ['CI', 'FORCE_COLOR', 'NO_COLOR', 'LC_ALL', 'LC_CTYPE']) delete env[name];
	if (args['no-color']) env.NO_COLOR = '1';
	return env;
}

/** The built kiosk in a pty, its output counted and fed to a headless xterm. */
class Kiosk {
	constructor(dataDir) {
		this.term = new Terminal({cols: COLS, rows: ROWS, allowProposedApi: true, scrollback: 0});
		this.raw = '';
		this.bytes = 0;
		this.lastOutput = 0;
		this.exited = false;
		this.parsed = Promise.resolve();
		this.child = spawnPty(process.execPath, [KIOSK_BIN, '--demo', '--data-dir', dataDir], kioskEnv());
		this.child.onData(data => {
			this.raw += data;
			this.bytes += Buffer.byteLength(data);
			this.lastOutput = Date.now();
			this.parsed = new Promise(resolve => this.term.write(data, resolve));
		});
		this.child.onExit(() => {
			this.exited = true;
		});
	}

	screen() {
		const buffer = this.term.buffer.active;
		const lines = [];
		for (let y = 0; y < ROWS; y++) lines.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
		return lines.join('\n');
	}

	async waitFor(pattern) {
		const deadline = Date.now() + WAIT_MS;
		for (;;) {
			await this.parsed;
			const screen = this.screen();
			if (typeof pattern === 'string' ? screen.includes(pattern) : pattern.test(screen)) return screen;
			if (this.exited) throw new Error(`the kiosk exited while waiting for ${pattern}`);
			if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; screen:\n${screen}`);
			await sleep(20);
		}
	}

	/** Waits until the output has been quiet for `quietMs`. */
	async quiet() {
		while (Date.now() - this.lastOutput < quietMs) await sleep(quietMs / 5);
		await this.parsed;
	}

	/** Sends `key` and returns what its output cost: bytes, and whether it cleared the screen or the scrollback. */
	async measure(key) {
		await this.quiet();
		const before = this.bytes;
		const from = this.raw.length;
		this.child.write(key);
		const deadline = Date.now() + WAIT_MS;
		while (this.bytes === before && Date.now() < deadline) await sleep(5);
		await this.quiet();
		const output = this.raw.slice(from);
		return {bytes: this.bytes - before, clears: output.includes(CLEAR_SCREEN), wipes: output.includes(CLEAR_SCROLLBACK)};
	}

	/** Sends keys at a person's pace, for the walk between measures. */
	async press(...keysToSend) {
		for (const key of keysToSend) {
			this.child.write(key);
			await sleep(80);
		}
	}
}

/** Median, p90 and max of a series of key costs, with how many of them cleared or wiped. */
function summary(samples) {
	const bytes = samples.map(sample => sample.bytes);
	return {
		keys: samples.length,
		median: median(bytes),
		p90: percentile(bytes, 90),
		max: Math.max(...bytes),
		clears: samples.filter(sample => sample.clears).length,
		wipes: samples.filter(sample => sample.wipes).length,
	};
}

const dataDir = makeTempDir('mssante-keys-bytes-');
let kiosk;
onInterrupt(() => {
	if (kiosk) terminate(kiosk.child, 500);
	removeDir(dataDir);
});

try {
	kiosk = new Kiosk(dataDir);
	await kiosk.waitFor('Carte CPS lue');
	// Raw mode comes just after the first frame: a key sent before it would be echoed by the line discipline.
	await sleep(1_000);

	log(`Tab on the welcome menu, ${keys} times…`);
	const menuTabs = [];
	for (let i = 0; i < keys; i++) menuTabs.push(await kiosk.measure('\t'));
	// Back to the first item ("Créer / activer mon compte MSSanté"), four items in all.
	await kiosk.press(...Array((4 - (keys % 4)) % 4).fill('\t'));

	log('walking to step 3 (PIN, address, CGU)…');
	await kiosk.press('\r');
	await kiosk.waitFor('Entrez le code porteur');
	await kiosk.press(...'1234', '\r');
	await kiosk.waitFor('Carte lue');
	await kiosk.waitFor('RPPS');
	await kiosk.press('\r');
	await kiosk.waitFor('@medecin.mssante.fr');
	await kiosk.press('\t', '\t', '\t', '\t', '\t', ' ', '\t', '\t', '\r');
	await kiosk.waitFor('Votre mot de passe *');

	log(`${keys} characters in the password field…`);
	const characters = [];
	for (let i = 0; i < keys; i++) characters.push(await kiosk.measure(CHARACTERS[i % CHARACTERS.length]));

	log(`Tab through step 3's form, ${keys} times…`);
	const formTabs = [];
	for (let i = 0; i < keys; i++) formTabs.push(await kiosk.measure('\t'));

	const results = {
		terminal: `${COLS}×${ROWS}`,
		colours: !args['no-color'],
		character: summary(characters),
		menuTab: summary(menuTabs),
		formTab: summary(formTabs),
	};
	if (args.json) console.log(JSON.stringify(results, null, 2));
	else {
		const row = (name, s) => [name, String(s.keys), String(s.median), String(s.p90), String(s.max), String(s.clears), String(s.wipes)];
		console.log(`\nBytes written per key, ${results.terminal}, ${results.colours ? 'colours' : 'no colours'} (target: median ≤ ${TARGET_BYTES} per character and per Tab)\n`);
		for (const line of tableLines([
			['key', 'keys', 'median', 'p90', 'max', 'ESC[2J', 'ESC[3J'],
			row('character, password field', results.character),
			row('Tab, welcome menu', results.menuTab),
			row('Tab, step 3 form', results.formTab),
		]))
			console.log(line);
	}
} catch (error) {
	console.error(error.message);
	process.exitCode = 1;
} finally {
	if (kiosk) {
		const timer = terminate(kiosk.child, 1_000);
		await sleep(300);
		clearTimeout(timer);
	}
	removeDir(dataDir);
}
