/**
 * `mssante-kiosk doctor`: a non-interactive check of the smart-card stack that a helpdesk runs
 * over SSH. Prints a human report (or, with `--json`, the DiagnosticReport) and returns the exit
 * code: 0 when the workstation can read a CPS card, 1 otherwise.
 */
import {describeIssue, runDiagnostics, type DiagnosticLang, type DiagnosticReport} from '../hardware/diagnostics.js';
import {stripControl} from '../contract/text/sanitize.js';

const catalogue = {
	fr: {
		title: 'Diagnostic du poste pour la carte CPS',
		duration: (ms: number) => `${(ms / 1000).toFixed(1).replace('.', ',')} s`,
		locale: 'fr-FR',
		pcscd: 'Service carte à puce (pcscd)',
		readers: 'Lecteurs de carte',
		readersFound: (names: string[]) => `${names.length} — ${names.join(', ')}`,
		readersNone: 'aucun lecteur détecté',
		readersError: (error: string) => `liste impossible : ${error}`,
		card: 'Carte',
		cardUnchecked: 'non vérifiée (aucun lecteur disponible)',
		cardNone: 'aucune carte insérée',
		cardCps: (kind: string, reader: string) => `${kind} dans « ${reader} »`,
		cardNotCps: (reader: string) => `carte non CPS dans « ${reader} »`,
		atr: (atr: string) => `ATR ${atr}`,
		module: 'Module CPS (PKCS#11)',
		moduleMissing: 'fichier introuvable',
		moduleNotLoadable: (error: string) => `ne se charge pas : ${error}`,
		moduleLoaded: (m: DiagnosticReport['module']) =>
			[
				'chargé',
				m.description ? ` : ${m.description}${m.manufacturer ? ` (${m.manufacturer})` : ''}` : '',
				m.cryptokiVersion ? `, Cryptoki ${m.cryptokiVersion}` : '',
				m.slotsWithToken !== undefined ? `, ${m.slotsWithToken} emplacement${m.slotsWithToken > 1 ? 's' : ''} avec jeton` : '',
			].join(''),
		verdictOk: 'Verdict : ce poste peut lire une carte CPS.',
		verdictKo: 'Verdict : ce poste NE PEUT PAS lire une carte CPS.',
		todo: 'À faire :',
		remarks: 'À noter :',
		failed: (error: string) => `Le diagnostic a échoué : ${error}`,
	},
	en: {
		title: 'Workstation check for the CPS card',
		duration: (ms: number) => `${(ms / 1000).toFixed(1)} s`,
		locale: 'en-GB',
		pcscd: 'Smart-card service (pcscd)',
		readers: 'Card readers',
		readersFound: (names: string[]) => `${names.length} — ${names.join(', ')}`,
		readersNone: 'no reader detected',
		readersError: (error: string) => `cannot list them: ${error}`,
		card: 'Card',
		cardUnchecked: 'not checked (no reader available)',
		cardNone: 'no card inserted',
		cardCps: (kind: string, reader: string) => `${kind} in "${reader}"`,
		cardNotCps: (reader: string) => `non-CPS card in "${reader}"`,
		atr: (atr: string) => `ATR ${atr}`,
		module: 'CPS module (PKCS#11)',
		moduleMissing: 'file not found',
		moduleNotLoadable: (error: string) => `does not load: ${error}`,
		moduleLoaded: (m: DiagnosticReport['module']) =>
			[
				'loaded',
				m.description ? `: ${m.description}${m.manufacturer ? ` (${m.manufacturer})` : ''}` : '',
				m.cryptokiVersion ? `, Cryptoki ${m.cryptokiVersion}` : '',
				m.slotsWithToken !== undefined ? `, ${m.slotsWithToken} slot${m.slotsWithToken === 1 ? '' : 's'} with a token` : '',
			].join(''),
		verdictOk: 'Verdict: this workstation can read a CPS card.',
		verdictKo: 'Verdict: this workstation CANNOT read a CPS card.',
		todo: 'To do:',
		remarks: 'Note:',
		failed: (error: string) => `The check failed: ${error}`,
	},
} satisfies Record<DiagnosticLang, unknown>;

type Catalogue = (typeof catalogue)['fr'];

export type DoctorOptions = {
	modulePath: string;
	json: boolean;
	lang: 'fr' | 'en';
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
	return new Promise((resolve) => {
		stream.write(text, () => resolve());
	});
}

/** The human report, one line per check, then the verdict and what to do. */
export function formatReport(report: DiagnosticReport, lang: DiagnosticLang): string {
	const t: Catalogue = catalogue[lang];
	const lines: string[] = [];
	const when = new Date(report.checkedAt).toLocaleString(t.locale);
	lines.push(`${t.title} — ${when} (${t.duration(report.durationMs)})`, '');

	const separator = lang === 'fr' ? ' : ' : ': ';
	const check = (mark: string, label: string, value: string) => `${mark} ${label}${separator}${value}`;

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
			lines.push(
				card.isCps
					? check(OK, t.card, t.cardCps(card.cpsKind ?? 'CPS', card.reader))
					: check(BAD, t.card, t.cardNotCps(card.reader)),
				`${INDENT}${t.atr(card.atr)}`,
			);
		}
	}

	const modulePath = stripControl(module.path);
	const moduleMark = module.loadable ? OK : BAD;
	lines.push(check(moduleMark, t.module, modulePath));
	lines.push(`${INDENT}${!module.present ? t.moduleMissing : module.loadable ? t.moduleLoaded(module) : t.moduleNotLoadable(module.error ?? '')}`);

	lines.push('', verdict.canReadCps ? t.verdictOk : t.verdictKo);
	const items = verdict.issues.map((issue) => ({issue, text: describeIssue(issue, lang)}));
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
		const text = options.json ? `${JSON.stringify({error: message})}\n` : `${catalogue[options.lang].failed(message)}\n`;
		try {
			await write(options.stdout, text);
		} catch {
			// Nothing more can be said.
		}
		return 1;
	}
}
