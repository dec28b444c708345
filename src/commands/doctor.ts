/**
 * `mssante-kiosk doctor`: a non-interactive check of the smart-card stack that a helpdesk runs
 * over SSH. Prints a human report (or, with `--json`, the DiagnosticReport) and returns the exit
 * code: 0 when the workstation can read a CPS card, 1 otherwise.
 */
import path from 'node:path';
import {parseArgs} from 'node:util';
import {catalogues, type Lang} from '../contract/i18n/index.js';
import {stripControl} from '../contract/text/sanitize.js';
import {resolveModulePath} from '../hardware/card-stack.js';
import {describeIssue, runDiagnostics, type DiagnosticReport} from '../hardware/diagnostics.js';
import {readSettings} from '../services/settings.js';
import type {CommandLine} from '../contract/cli/command-line.js';

export type DoctorOptions = {
	modulePath: string;
	json: boolean;
	lang: Lang;
	stdout: NodeJS.WritableStream;
	/** Environment of the check processes (e.g. `SOFTHSM2_CONF`), on top of this process's. */
	env?: NodeJS.ProcessEnv;
	/** Timeout of each external check, 5 s by default. */
	timeoutMs?: number;
};

const OK = '[OK]';
const BAD = '[!!]';
/** Neither good nor bad: no card inserted, or nothing to check. */
const INFO = '[--]';
const INDENT = '     ';

function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
	return new Promise(resolve => {
		stream.write(text, () => resolve());
	});
}

/** The human report, one line per check, then the verdict and what to do. */
export function formatReport(report: DiagnosticReport, lang: Lang): string {
	const t = catalogues[lang].doctor;
	const lines: string[] = [];
	const when = new Date(report.checkedAt).toLocaleString(t.locale);
	lines.push(`${t.title} — ${when} (${t.duration(report.durationMs)})`, '');

	const check = (mark: string, label: string, value: string) => `${mark} ${t.labelled(label, value)}`;

	const {pcscd, readers, module, cards, verdict} = report;
	lines.push(check(pcscd.running ? OK : BAD, t.pcscd, pcscd.detail));

	const readersLine = !readers.ok
		? check(BAD, t.readers, t.readersError(readers.error ?? ''))
		: readers.names.length === 0
			? check(BAD, t.readers, t.readersNone)
			: check(OK, t.readers, t.readersFound(readers.names));
	lines.push(readersLine);

	if (!readers.ok || readers.names.length === 0) {
		lines.push(check(INFO, t.card, t.cardUnchecked));
	} else if (cards.length === 0) {
		lines.push(check(INFO, t.card, t.cardNone));
	} else {
		for (const card of cards) {
			lines.push(card.isCps ? check(OK, t.card, t.cardCps(card.cpsKind ?? 'CPS', card.reader)) : check(BAD, t.card, t.cardNotCps(card.reader)), `${INDENT}${t.atr(card.atr)}`);
		}
	}

	const modulePath = stripControl(module.path);
	const moduleMark = module.loadable ? OK : BAD;
	lines.push(check(moduleMark, t.module, modulePath));
	lines.push(`${INDENT}${!module.present ? t.moduleMissing : module.loadable ? t.moduleLoaded(module) : t.moduleNotLoadable(module.error ?? '')}`);

	lines.push('', verdict.canReadCps ? t.verdictOk : t.verdictKo);
	const items = verdict.issues.map(issue => ({issue, text: describeIssue(issue, lang)}));
	const todo = items.filter(({issue}) => issue.blocking);
	const remarks = items.filter(({issue}) => !issue.blocking);
	if (todo.length > 0) {
		lines.push(t.todo);
		todo.forEach(({text}, index) => lines.push(`  ${index + 1}. ${stripControl(text)}`));
	}
	if (remarks.length > 0) {
		lines.push(t.remarks);
		for (const {text} of remarks) lines.push(`  - ${stripControl(text)}`);
	}
	return `${lines.join('\n')}\n`;
}

/** Runs the diagnostics, prints them and returns the exit code (0: can read a CPS, 1: cannot). */
export async function doctor(options: DoctorOptions): Promise<number> {
	try {
		const report = await runDiagnostics({
			modulePath: options.modulePath,
			lang: options.lang,
			...(options.env ? {env: options.env} : {}),
			...(options.timeoutMs !== undefined ? {timeoutMs: options.timeoutMs} : {}),
		});
		await write(options.stdout, options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report, options.lang));
		return report.verdict.canReadCps ? 0 : 1;
	} catch (error) {
		// runDiagnostics never throws; this only guards against a broken output stream or a bug.
		const message = error instanceof Error ? error.message : String(error);
		const text = options.json ? `${JSON.stringify({error: message})}\n` : `${catalogues[options.lang].doctor.failed(message)}\n`;
		try {
			await write(options.stdout, text);
		} catch {
			// Nothing more can be said.
		}
		return 1;
	}
}

/** The options of `mssante-kiosk doctor`. */
const DOCTOR_OPTIONS = {
	/** The DiagnosticReport as JSON instead of the human report. */
	json: {type: 'boolean'},
	/** The module to check instead of the settings' one. */
	'pkcs11-module': {type: 'string'},
	/** Where the settings are read (never written: the kiosk may be running). */
	'data-dir': {type: 'string'},
} as const;

/** What `doctor` was asked for. */
type DoctorArguments = {json: boolean; pkcs11Module?: string; dataDir: string; lang?: Lang};

/** `mssante-kiosk doctor`, for the program's entry. */
export const doctorCommand = {
	options: DOCTOR_OPTIONS,
	parse(args: string[], cli: CommandLine): DoctorArguments {
		const {values, positionals} = parseArgs({args, options: DOCTOR_OPTIONS, strict: true, allowPositionals: true});
		if (positionals.length > 0) throw new Error(catalogues[cli.lang ?? 'fr'].cli.unknownCommand(['doctor', ...positionals].join(' ')));
		return {json: values.json ?? false, pkcs11Module: values['pkcs11-module'], dataDir: path.resolve(values['data-dir'] ?? cli.defaultDataDir), lang: cli.lang};
	},
	async run(options: DoctorArguments): Promise<number> {
		// Read-only: a helpdesk runs it over SSH while the kiosk holds the settings.
		const settings = readSettings(options.dataDir);
		return doctor({
			modulePath: resolveModulePath(options.pkcs11Module, settings.pkcs11Module),
			json: options.json,
			lang: options.lang ?? settings.lang,
			stdout: process.stdout,
		});
	},
};
