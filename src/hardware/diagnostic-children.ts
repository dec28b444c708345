/**
 * The native addons (`pcsclite`, `pkcs11js`) are loaded by the diagnostics in short-lived Node
 * children, never in the caller's process: a broken module cannot crash or block it, and the
 * children load them by absolute path so this works from the esbuild bundle in `dist/` too.
 */
import {stat} from 'node:fs/promises';
import {createRequire} from 'node:module';
import {normaliseAtr} from './atr.js';
import type {ModuleCheck} from './diagnostic-report.js';
import type {Catalogue} from '../contract/i18n/index.js';
import {stripControl} from '../contract/text/sanitize.js';

/** `execa` itself, loaded on first use (it is not needed before a check runs). */
export type Execa = typeof import('execa')['execa'];

/** Marks the line of a child's stdout that carries its JSON result (a module may print its own logs). */
const RESULT_MARK = '@@mssante-diagnostics@@';

/**
 * Lists pcscd's readers with `pcsclite` (argv: absolute path of pcsclite, listening window in ms).
 * `require('pcsclite')()` throws at once when pcscd is down; `close()` emits "Command cancelled",
 * which is ignored once the result is written. Status `state` has an event counter in its upper
 * bits: only test SCARD_STATE_PRESENT (0x20).
 */
const READERS_SCRIPT = `
'use strict';
const [pcscPath, windowArg] = process.argv.slice(1);
const windowMs = Number(windowArg) || 700;
const started = Date.now();
const readers = [];
let pcsc;
let done = false;
function finish(result) {
	if (done) return;
	done = true;
	try { if (pcsc) pcsc.close(); } catch {}
	process.stdout.write('\\n${RESULT_MARK}' + JSON.stringify(result) + '\\n', () => process.exit(0));
}
function settled() {
	if (readers.length > 0 && readers.every((r) => r.status) && Date.now() - started >= Math.min(100, windowMs)) {
		finish({readers: readers.map(({name, atr}) => (atr ? {name, atr} : {name}))});
	}
}
function main() {
	let factory;
	try { factory = require(pcscPath); } catch (error) { return finish({error: String(error && error.message || error), stage: 'load'}); }
	try { pcsc = factory(); } catch (error) { return finish({error: String(error && error.message || error), stage: 'connect'}); }
	pcsc.on('error', (error) => finish({error: String(error && error.message || error), stage: 'connect'}));
	pcsc.on('reader', (reader) => {
		const entry = {name: String(reader.name), status: false};
		readers.push(entry);
		reader.on('error', () => { entry.status = true; settled(); });
		reader.on('end', () => {});
		reader.once('status', (status) => {
			entry.status = true;
			if ((status.state & 0x20) && status.atr && status.atr.length > 0) entry.atr = status.atr.toString('hex');
			settled();
		});
	});
	setTimeout(() => finish({readers: readers.map(({name, atr}) => (atr ? {name, atr} : {name}))}), windowMs);
	setTimeout(settled, Math.min(100, windowMs) + 1);
}
main();
`;

/**
 * Loads a PKCS#11 module with `pkcs11js` (argv: absolute path of pkcs11js, module path) and counts
 * its initialised tokens (CKF_TOKEN_INITIALIZED, 0x400): SoftHSM always offers one more slot whose
 * blank token is not one.
 */
const MODULE_SCRIPT = `
'use strict';
const [pkcs11Path, modulePath] = process.argv.slice(1);
const result = {loadable: false};
let lib;
try {
	const pkcs11js = require(pkcs11Path);
	lib = new pkcs11js.PKCS11();
	lib.load(modulePath);
	try { lib.C_Initialize(); } catch (error) { if (!/CKR_CRYPTOKI_ALREADY_INITIALIZED/.test(String(error && error.message))) throw error; }
	const info = lib.C_GetInfo();
	result.description = String(info.libraryDescription).trim();
	result.manufacturer = String(info.manufacturerID).trim();
	result.cryptokiVersion = info.cryptokiVersion.major + '.' + info.cryptokiVersion.minor;
	result.slotsWithToken = lib.C_GetSlotList(true).filter((slot) => lib.C_GetTokenInfo(slot).flags & 0x400).length;
	result.loadable = true;
} catch (error) {
	result.error = String(error && error.message || error);
}
try { if (lib && result.loadable) lib.C_Finalize(); } catch {}
process.stdout.write('\\n${RESULT_MARK}' + JSON.stringify(result) + '\\n', () => process.exit(0));
`;

/** What a child gave back: its JSON result, or why there is none. */
type ChildOutcome = {ok: true; value: Record<string, unknown>} | {ok: false; error: string};

/** How a child runs: its time limit, environment, and the texts of its failures. */
export type ChildOptions = {timeoutMs: number; env?: NodeJS.ProcessEnv; t: Catalogue['diagnostics']};

/** `text` on one line, without control characters, at most `max` characters. */
export function oneLine(text: string, max = 300): string {
	const line = stripControl(text.replace(/\s+/g, ' ')).trim();
	return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** An error's message, on one line. */
export function errorText(error: unknown): string {
	return oneLine(error instanceof Error ? error.message : String(error));
}

/** Runs a Node child with `script` and returns the JSON it marked as its result. */
async function runNodeChild(execa: Execa, script: string, args: string[], options: ChildOptions): Promise<ChildOutcome> {
	try {
		const result = await execa(process.execPath, ['-e', script, ...args], {
			reject: false,
			timeout: options.timeoutMs,
			forceKillAfterDelay: 1000,
			stdin: 'ignore',
			env: options.env,
		});
		if (result.timedOut) return {ok: false, error: options.t.timedOut(options.timeoutMs)};
		const stdout = typeof result.stdout === 'string' ? result.stdout : '';
		const line = stdout.split('\n').find(l => l.startsWith(RESULT_MARK));
		if (line) {
			try {
				return {ok: true, value: JSON.parse(line.slice(RESULT_MARK.length)) as Record<string, unknown>};
			} catch {
				// Fall through to the generic failure below.
			}
		}
		if (result.signal) return {ok: false, error: options.t.killed(result.signal)};
		const stderr = typeof result.stderr === 'string' ? result.stderr : '';
		return {ok: false, error: options.t.noOutput(oneLine(stderr.split('\n').filter(Boolean).slice(-3).join(' ')))};
	} catch (error) {
		return {ok: false, error: errorText(error)};
	}
}

/** The absolute path of an installed package's entry, for a child to `require`. */
function resolvePackage(name: string): {path: string} | {error: string} {
	try {
		return {path: createRequire(import.meta.url).resolve(name)};
	} catch (error) {
		return {error: errorText(error)};
	}
}

/** Whether a file exists. */
export async function exists(path: string): Promise<boolean> {
	try {
		await stat(path);
		return true;
	} catch {
		return false;
	}
}

/** pcscd's readers and the ATR of the card in each, or why they could not be listed (`load`: pcsclite itself). */
export type RawReaders = {ok: true; readers: Array<{name: string; atr?: string}>} | {ok: false; error: string; stage: 'load' | 'connect'};

/** Asks pcscd for its readers and cards, listening `windowMs` for them. */
export async function listReaders(execa: Execa, options: ChildOptions & {windowMs: number}): Promise<RawReaders> {
	const pcsclite = resolvePackage('pcsclite');
	if ('error' in pcsclite) return {ok: false, error: pcsclite.error, stage: 'load'};
	const outcome = await runNodeChild(execa, READERS_SCRIPT, [pcsclite.path, String(options.windowMs)], options);
	if (!outcome.ok) return {ok: false, error: outcome.error, stage: 'connect'};
	const value = outcome.value;
	if (typeof value['error'] === 'string') {
		return {ok: false, error: oneLine(value['error']), stage: value['stage'] === 'load' ? 'load' : 'connect'};
	}
	const readers = Array.isArray(value['readers']) ? (value['readers'] as Array<{name?: unknown; atr?: unknown}>) : [];
	return {
		ok: true,
		readers: readers.filter(r => typeof r.name === 'string').map(r => ({name: oneLine(String(r.name)), ...(typeof r.atr === 'string' && r.atr ? {atr: normaliseAtr(r.atr)} : {})})),
	};
}

/** Whether the PKCS#11 module exists and loads, and what it says about itself. */
export async function checkModule(execa: Execa, modulePath: string, options: ChildOptions): Promise<ModuleCheck> {
	const present = await exists(modulePath);
	if (!present) return {path: modulePath, present, loadable: false};
	const pkcs11js = resolvePackage('pkcs11js');
	if ('error' in pkcs11js) return {path: modulePath, present, loadable: false, error: pkcs11js.error};
	const outcome = await runNodeChild(execa, MODULE_SCRIPT, [pkcs11js.path, modulePath], options);
	if (!outcome.ok) return {path: modulePath, present, loadable: false, error: outcome.error};
	const v = outcome.value;
	const check: ModuleCheck = {path: modulePath, present, loadable: v['loadable'] === true};
	if (typeof v['description'] === 'string') check.description = oneLine(v['description']);
	if (typeof v['manufacturer'] === 'string') check.manufacturer = oneLine(v['manufacturer']);
	if (typeof v['cryptokiVersion'] === 'string') check.cryptokiVersion = oneLine(v['cryptokiVersion']);
	if (typeof v['slotsWithToken'] === 'number') check.slotsWithToken = v['slotsWithToken'];
	if (typeof v['error'] === 'string') check.error = oneLine(v['error']);
	else if (!check.loadable) check.error = options.t.noOutput('');
	return check;
}
