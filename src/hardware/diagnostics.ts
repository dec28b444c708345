/**
 * Diagnostics of the smart-card stack (SPEC §6): is pcscd running, which readers it sees, which
 * card is in them, and whether the CPS PKCS#11 module is present and loads. Used by step 1, the
 * help screens and the non-interactive `doctor` command.
 *
 * Every external check runs through `execa` with an argument array (never a shell) and a
 * timeout; the native addons load in Node children (see diagnostic-children.ts).
 * `runDiagnostics` never throws: a failed check is reported with its reason.
 */
import {catalogues, type Lang} from '../contract/i18n/index.js';
import {cpsKindOf, formatAtr} from './atr.js';
import {checkModule, errorText, exists, listReaders, oneLine, type Execa, type RawReaders} from './diagnostic-children.js';
import {PCSCD_SOCKET, type CardFinding, type DiagnosticReport, type ModuleCheck, type PcscdCheck, type ReadersCheck} from './diagnostic-report.js';
import {judge} from './diagnostic-verdict.js';

// The diagnostics' public face: the report's shape and the verdict are in modules of their own.
export {PCSCD_SOCKET, type DiagnosticReport} from './diagnostic-report.js';
export {describeIssue, judge} from './diagnostic-verdict.js';

export type DiagnosticOptions = {
	/** The CPS PKCS#11 module to check. */
	modulePath: string;
	/** Timeout of each external check, 5 s by default. */
	timeoutMs?: number;
	/** Environment of the children (e.g. `SOFTHSM2_CONF`), on top of this process's. */
	env?: NodeJS.ProcessEnv;
	/** Language of `detail` and `problems`, French by default. */
	lang?: Lang;
	/** How long the readers check listens to pcscd, 700 ms by default. */
	readerWindowMs?: number;
};

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

/** Checks pcscd, its readers and cards, and the PKCS#11 module. Never throws. */
export async function runDiagnostics(options: DiagnosticOptions): Promise<DiagnosticReport> {
	const started = Date.now();
	const lang = options.lang ?? 'fr';
	const t = catalogues[lang].diagnostics;
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
		execa ? listReaders(execa, {...childOptions, windowMs}) : Promise.resolve<RawReaders>({ok: false, error: loadError, stage: 'load'}),
		execa ? checkModule(execa, options.modulePath, childOptions) : exists(options.modulePath).then((present): ModuleCheck => ({path: options.modulePath, present, loadable: false, error: loadError})),
	]);

	const pid = pidResult.pid;
	let pcscd: PcscdCheck;
	if (rawReaders.ok) {
		// A client talked to pcscd: it runs, whatever pidof says (socket activation, other pid namespace).
		pcscd = {running: true, ...(pid !== undefined ? {pid} : {}), socket, detail: pid !== undefined ? t.pcscdRunning(pid, PCSCD_SOCKET) : t.pcscdActivated(PCSCD_SOCKET)};
	} else if (pid !== undefined) {
		pcscd = {running: socket, pid, socket, detail: socket ? t.pcscdRunning(pid, PCSCD_SOCKET) : t.pcscdNoSocket(pid, PCSCD_SOCKET)};
	} else {
		pcscd = {running: false, socket, detail: pidResult.error ? t.pcscdCheckFailed(pidResult.error) : t.pcscdStopped(socket, PCSCD_SOCKET)};
	}

	const readers: ReadersCheck = rawReaders.ok ? {ok: true, names: rawReaders.readers.map(r => r.name)} : {ok: false, names: [], error: rawReaders.error};
	const cards: CardFinding[] = rawReaders.ok
		? rawReaders.readers.flatMap(r => {
				if (!r.atr) return [];
				const cpsKind = cpsKindOf(r.atr);
				return [{reader: r.name, atr: formatAtr(r.atr), isCps: cpsKind !== undefined, ...(cpsKind ? {cpsKind} : {})}];
			})
		: [];

	const verdict = judge({pcscd, readers, ...(rawReaders.ok ? {} : {readersStage: rawReaders.stage}), module, cards}, lang);
	return {checkedAt: new Date(started).toISOString(), durationMs: Date.now() - started, pcscd, readers, module, cards, verdict};
}
