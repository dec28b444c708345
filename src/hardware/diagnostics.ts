/**
 * Diagnostics of the smart-card stack (SPEC §6): is pcscd running, which readers it sees, which
 * card is in them, and whether the CPS PKCS#11 module is present and loads. Used by step 1, the
 * help screens and the non-interactive `doctor` command.
 *
 * Every external check runs through `execa` with an argument array (never a shell) and a
 * timeout. The native addons (`pcsclite`, `pkcs11js`) are loaded in short-lived Node children,
 * never in this process: a broken module cannot crash or block the caller, and the children load
 * them by absolute path so this works from the esbuild bundle in `dist/` too.
 * `runDiagnostics` never throws: a failed check is reported with its reason.
 */
import {stat} from 'node:fs/promises';
import {createRequire} from 'node:module';
import {cpsKindOf, formatAtr, normaliseAtr, type CpsKind} from './atr.js';
import {stripControl} from '../contract/text/sanitize.js';

export type DiagnosticLang = 'fr' | 'en';

export const PCSCD_SOCKET = '/run/pcscd/pcscd.comm';

export type PcscdCheck = {
	/** pcscd answers: its process and socket are there, or a client could talk to it (socket activation). */
	running: boolean;
	pid?: number;
	/** Whether the daemon's socket exists. */
	socket: boolean;
	detail: string;
};

export type ReadersCheck = {
	/** Whether pcscd could be asked for its readers. */
	ok: boolean;
	names: string[];
	error?: string;
};

export type ModuleCheck = {
	path: string;
	present: boolean;
	loadable: boolean;
	/** `libraryDescription` from C_GetInfo. */
	description?: string;
	manufacturer?: string;
	/** Cryptoki version implemented, e.g. `2.40`. */
	cryptokiVersion?: string;
	/** Slots with a token present (`C_GetSlotList(true)`). */
	slotsWithToken?: number;
	error?: string;
};

export type CardFinding = {
	reader: string;
	/** ATR as printed in documentation: `3B AC 00 …`. */
	atr: string;
	isCps: boolean;
	cpsKind?: CpsKind;
};

export type IssueCode =
	| 'pcscd-down'
	| 'pcscd-no-socket'
	| 'pcscd-not-answering'
	| 'pcsclite-unavailable'
	| 'no-reader'
	| 'module-missing'
	| 'module-not-loadable'
	| 'no-card'
	| 'not-cps';

/** One problem, machine-readable; `blocking` problems make `canReadCps` false. */
export type DiagnosticIssue = {
	code: IssueCode;
	blocking: boolean;
	pid?: number;
	path?: string;
	error?: string;
	reader?: string;
	atr?: string;
};

export type DiagnosticReport = {
	/** ISO date of the run. */
	checkedAt: string;
	durationMs: number;
	pcscd: PcscdCheck;
	readers: ReadersCheck;
	module: ModuleCheck;
	/** Cards found in the readers. */
	cards: CardFinding[];
	verdict: {
		/** pcscd running, at least one reader, module loadable (a card need not be inserted). */
		canReadCps: boolean;
		/** One sentence per problem, saying what to do, blocking problems first. */
		problems: string[];
		issues: DiagnosticIssue[];
	};
};

export type DiagnosticOptions = {
	/** The CPS PKCS#11 module to check. */
	modulePath: string;
	/** Timeout of each external check, 5 s by default. */
	timeoutMs?: number;
	/** Environment of the children (e.g. `SOFTHSM2_CONF`), on top of this process's. */
	env?: NodeJS.ProcessEnv;
	/** Language of `detail` and `problems`, French by default. */
	lang?: DiagnosticLang;
	/** How long the readers check listens to pcscd, 700 ms by default. */
	readerWindowMs?: number;
};

const texts = {
	fr: {
		pcscdRunning: (pid: number) => `démarré (pid ${pid}), socket ${PCSCD_SOCKET} présent`,
		pcscdActivated: `processus non visible, mais le service répond sur ${PCSCD_SOCKET} (activation par socket)`,
		pcscdNoSocket: (pid: number) => `processus présent (pid ${pid}) mais socket ${PCSCD_SOCKET} absent`,
		pcscdStopped: (socket: boolean) => `non démarré (aucun processus pcscd${socket ? `, ${PCSCD_SOCKET} présent mais muet` : `, pas de ${PCSCD_SOCKET}`})`,
		pcscdCheckFailed: (error: string) => `vérification impossible : ${error}`,
		issue: {
			'pcscd-down': () => 'Le service carte à puce (pcscd) n’est pas démarré : sudo systemctl start pcscd',
			'pcscd-no-socket': (i: DiagnosticIssue) =>
				`Le service carte à puce (pcscd, pid ${i.pid}) tourne sans son socket ${PCSCD_SOCKET} : sudo systemctl restart pcscd`,
			'pcscd-not-answering': (i: DiagnosticIssue) =>
				`Le service carte à puce (pcscd) ne répond pas (${i.error}) : sudo systemctl restart pcscd`,
			'pcsclite-unavailable': (i: DiagnosticIssue) =>
				`La bibliothèque PC/SC du kiosque ne se charge pas (${i.error}) : réinstallez le kiosque (paquet libpcsclite1 requis)`,
			'no-reader': () => 'Aucun lecteur de carte détecté : vérifiez le câble USB',
			'module-missing': (i: DiagnosticIssue) =>
				`Le module CPS est introuvable : ${i.path} (installez la Cryptolib CPS ou passez --pkcs11-module)`,
			'module-not-loadable': (i: DiagnosticIssue) =>
				`Le module CPS ne se charge pas : ${i.error} (${i.path} ; réinstallez la Cryptolib CPS ou passez --pkcs11-module)`,
			'no-card': () => 'Aucune carte dans le lecteur',
			'not-cps': (i: DiagnosticIssue) =>
				`La carte insérée${i.reader ? ` dans « ${i.reader} »` : ''} n’est pas une carte CPS (ATR ${i.atr})`,
		} satisfies Record<IssueCode, (issue: DiagnosticIssue) => string>,
		timedOut: (ms: number) => `pas de réponse en ${ms} ms`,
		killed: (signal: string) => `processus de vérification arrêté (${signal})`,
		noOutput: (stderr: string) => `pas de résultat${stderr ? ` : ${stderr}` : ''}`,
	},
	en: {
		pcscdRunning: (pid: number) => `running (pid ${pid}), socket ${PCSCD_SOCKET} present`,
		pcscdActivated: `no process visible, but the service answers on ${PCSCD_SOCKET} (socket activation)`,
		pcscdNoSocket: (pid: number) => `process present (pid ${pid}) but no socket ${PCSCD_SOCKET}`,
		pcscdStopped: (socket: boolean) => `not running (no pcscd process${socket ? `, ${PCSCD_SOCKET} present but silent` : `, no ${PCSCD_SOCKET}`})`,
		pcscdCheckFailed: (error: string) => `could not check: ${error}`,
		issue: {
			'pcscd-down': () => 'The smart-card service (pcscd) is not running: sudo systemctl start pcscd',
			'pcscd-no-socket': (i: DiagnosticIssue) =>
				`The smart-card service (pcscd, pid ${i.pid}) runs without its socket ${PCSCD_SOCKET}: sudo systemctl restart pcscd`,
			'pcscd-not-answering': (i: DiagnosticIssue) =>
				`The smart-card service (pcscd) does not answer (${i.error}): sudo systemctl restart pcscd`,
			'pcsclite-unavailable': (i: DiagnosticIssue) =>
				`The kiosk's PC/SC library does not load (${i.error}): reinstall the kiosk (package libpcsclite1 required)`,
			'no-reader': () => 'No card reader detected: check the USB cable',
			'module-missing': (i: DiagnosticIssue) =>
				`The CPS module is missing: ${i.path} (install the Cryptolib CPS or pass --pkcs11-module)`,
			'module-not-loadable': (i: DiagnosticIssue) =>
				`The CPS module does not load: ${i.error} (${i.path}; reinstall the Cryptolib CPS or pass --pkcs11-module)`,
			'no-card': () => 'No card in the reader',
			'not-cps': (i: DiagnosticIssue) => `The card inserted${i.reader ? ` in "${i.reader}"` : ''} is not a CPS card (ATR ${i.atr})`,
		} satisfies Record<IssueCode, (issue: DiagnosticIssue) => string>,
		timedOut: (ms: number) => `no answer within ${ms} ms`,
		killed: (signal: string) => `check process stopped (${signal})`,
		noOutput: (stderr: string) => `no result${stderr ? `: ${stderr}` : ''}`,
	},
};

type Texts = (typeof texts)['fr'];

/** The sentence for one problem, in `lang`. */
export function describeIssue(issue: DiagnosticIssue, lang: DiagnosticLang = 'fr'): string {
	return texts[lang].issue[issue.code](issue);
}

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

/** Loads a PKCS#11 module with `pkcs11js` (argv: absolute path of pkcs11js, module path). */
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
	result.slotsWithToken = lib.C_GetSlotList(true).length;
	result.loadable = true;
} catch (error) {
	result.error = String(error && error.message || error);
}
try { if (lib && result.loadable) lib.C_Finalize(); } catch {}
process.stdout.write('\\n${RESULT_MARK}' + JSON.stringify(result) + '\\n', () => process.exit(0));
`;

type Execa = (typeof import('execa'))['execa'];

type ChildOutcome = {ok: true; value: Record<string, unknown>} | {ok: false; error: string};

function oneLine(text: string, max = 300): string {
	const line = stripControl(text.replace(/\s+/g, ' ')).trim();
	return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function errorText(error: unknown): string {
	return oneLine(error instanceof Error ? error.message : String(error));
}

/** Runs a Node child with `script` and returns the JSON it marked as its result. */
async function runNodeChild(
	execa: Execa,
	script: string,
	args: string[],
	options: {timeoutMs: number; env?: NodeJS.ProcessEnv; t: Texts},
): Promise<ChildOutcome> {
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
		const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARK));
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

function resolvePackage(name: string): {path: string} | {error: string} {
	try {
		return {path: createRequire(import.meta.url).resolve(name)};
	} catch (error) {
		return {error: errorText(error)};
	}
}

async function exists(path: string): Promise<boolean> {
	try {
		await stat(path);
		return true;
	} catch {
		return false;
	}
}

/** pid of a running pcscd through `pidof` (or `pgrep -x` where pidof is missing); undefined when none. */
async function pcscdPid(execa: Execa, timeoutMs: number): Promise<{pid?: number; error?: string}> {
	const attempts: Array<[string, string[]]> = [
		['pidof', ['pcscd']],
		['pgrep', ['-x', 'pcscd']],
	];
	let lastError: string | undefined;
	for (const [file, args] of attempts) {
		try {
			const result = await execa(file, args, {reject: false, timeout: timeoutMs, stdin: 'ignore'});
			if (result.failed && result.exitCode === undefined) {
				// ENOENT, timeout…: try the next tool.
				lastError = oneLine(result.shortMessage ?? result.message ?? '');
				continue;
			}
			const pid = Number.parseInt(String(result.stdout).trim().split(/\s+/)[0] ?? '', 10);
			return Number.isInteger(pid) && pid > 0 ? {pid} : {};
		} catch (error) {
			lastError = errorText(error);
		}
	}
	return {error: lastError ?? 'pidof/pgrep'};
}

type RawReaders = {ok: true; readers: Array<{name: string; atr?: string}>} | {ok: false; error: string; stage: 'load' | 'connect'};

async function listReaders(execa: Execa, options: {timeoutMs: number; windowMs: number; env?: NodeJS.ProcessEnv; t: Texts}): Promise<RawReaders> {
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
		readers: readers
			.filter((r) => typeof r.name === 'string')
			.map((r) => ({name: oneLine(String(r.name)), ...(typeof r.atr === 'string' && r.atr ? {atr: normaliseAtr(r.atr)} : {})})),
	};
}

async function checkModule(execa: Execa, modulePath: string, options: {timeoutMs: number; env?: NodeJS.ProcessEnv; t: Texts}): Promise<ModuleCheck> {
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

/**
 * The verdict from the checks: blocking problems first (service, readers, module), then the card.
 * Pure, exported so step 1 and the tests can judge any combination.
 */
export function judge(
	checks: {pcscd: PcscdCheck; readers: ReadersCheck; readersStage?: 'load' | 'connect'; module: ModuleCheck; cards: CardFinding[]},
	lang: DiagnosticLang = 'fr',
): DiagnosticReport['verdict'] {
	const {pcscd, readers, module, cards} = checks;
	const issues: DiagnosticIssue[] = [];
	if (!readers.ok && checks.readersStage === 'load') {
		issues.push({code: 'pcsclite-unavailable', blocking: true, error: readers.error ?? ''});
	} else if (!pcscd.running) {
		if (pcscd.pid !== undefined && !pcscd.socket) issues.push({code: 'pcscd-no-socket', blocking: true, pid: pcscd.pid});
		else issues.push({code: 'pcscd-down', blocking: true});
	} else if (!readers.ok) {
		issues.push({code: 'pcscd-not-answering', blocking: true, error: readers.error ?? ''});
	} else if (readers.names.length === 0) {
		issues.push({code: 'no-reader', blocking: true});
	}
	if (!module.present) issues.push({code: 'module-missing', blocking: true, path: module.path});
	else if (!module.loadable) issues.push({code: 'module-not-loadable', blocking: true, path: module.path, error: module.error ?? ''});
	if (readers.ok && readers.names.length > 0) {
		if (cards.length === 0) issues.push({code: 'no-card', blocking: false});
		for (const card of cards) {
			if (!card.isCps) {
				issues.push({code: 'not-cps', blocking: false, atr: card.atr, ...(readers.names.length > 1 ? {reader: card.reader} : {})});
			}
		}
	}
	const canReadCps = pcscd.running && readers.ok && readers.names.length > 0 && module.loadable;
	return {canReadCps, problems: issues.map((issue) => describeIssue(issue, lang)), issues};
}

/** Checks pcscd, its readers and cards, and the PKCS#11 module. Never throws. */
export async function runDiagnostics(options: DiagnosticOptions): Promise<DiagnosticReport> {
	const started = Date.now();
	const lang = options.lang ?? 'fr';
	const t = texts[lang];
	const timeoutMs = options.timeoutMs ?? 5000;
	const windowMs = Math.max(50, Math.min(options.readerWindowMs ?? 700, timeoutMs - 200));
	const childOptions = {timeoutMs, t, ...(options.env ? {env: options.env} : {})};

	let execa: Execa | undefined;
	let loadError = '';
	try {
		({execa} = await import('execa'));
	} catch (error) {
		loadError = errorText(error);
	}

	const [pidResult, socket, rawReaders, module] = await Promise.all([
		execa ? pcscdPid(execa, timeoutMs) : Promise.resolve({error: loadError} as {pid?: number; error?: string}),
		exists(PCSCD_SOCKET),
		execa
			? listReaders(execa, {...childOptions, windowMs})
			: Promise.resolve<RawReaders>({ok: false, error: loadError, stage: 'load'}),
		execa
			? checkModule(execa, options.modulePath, childOptions)
			: exists(options.modulePath).then((present) => ({path: options.modulePath, present, loadable: false, error: loadError})),
	]);

	const pid = pidResult.pid;
	let pcscd: PcscdCheck;
	if (rawReaders.ok) {
		// A client talked to pcscd: it runs, whatever pidof says (socket activation, other pid namespace).
		pcscd = {running: true, ...(pid !== undefined ? {pid} : {}), socket, detail: pid !== undefined ? t.pcscdRunning(pid) : t.pcscdActivated};
	} else if (pid !== undefined) {
		pcscd = {running: socket, pid, socket, detail: socket ? t.pcscdRunning(pid) : t.pcscdNoSocket(pid)};
	} else {
		pcscd = {running: false, socket, detail: pidResult.error ? t.pcscdCheckFailed(pidResult.error) : t.pcscdStopped(socket)};
	}

	const readers: ReadersCheck = rawReaders.ok
		? {ok: true, names: rawReaders.readers.map((r) => r.name)}
		: {ok: false, names: [], error: rawReaders.error};
	const cards: CardFinding[] = rawReaders.ok
		? rawReaders.readers.flatMap((r) => {
				if (!r.atr) return [];
				const cpsKind = cpsKindOf(r.atr);
				return [{reader: r.name, atr: formatAtr(r.atr), isCps: cpsKind !== undefined, ...(cpsKind ? {cpsKind} : {})}];
			})
		: [];

	const verdict = judge({pcscd, readers, ...(rawReaders.ok ? {} : {readersStage: rawReaders.stage}), module, cards}, lang);
	return {checkedAt: new Date(started).toISOString(), durationMs: Date.now() - started, pcscd, readers, module, cards, verdict};
}
