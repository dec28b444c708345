/**
 * `mssante-kiosk directory generate|check`: for deployers. `generate` writes a realistic
 * national-size extraction (demo, tests, benchmarks); `check` imports a file as the service would
 * and reports every refused line with its number, without starting anything.
 */
import {DirectoryIndexBuilder} from '../directory/directory-index.js';
import {ExtractionHeaderError, IMPORT_PROBLEM_KINDS, fileLines, importExtraction, type ImportProblemKind, type ImportReport} from '../directory/extraction.js';
import {NATIONAL_SIZE, writeExtraction} from '../directory/generator.js';
import {stripControl} from '../../contract/text/sanitize.js';

/** Why a line was refused, as `check` prints it. */
export const PROBLEM_LABELS: Record<ImportProblemKind, string> = {
	'field-count': 'nombre de champs incorrect',
	'line-too-long': 'ligne trop longue',
	'invalid-utf8': 'texte qui n’est pas de l’UTF-8',
	'missing-address': 'adresse BAL absente',
	'invalid-address': 'adresse BAL invalide',
	'unknown-type': 'type de BAL inconnu (PER, CAB, ORG, APP attendus)',
	'missing-name': 'nom absent',
	'invalid-postal-code': 'code postal invalide',
	'duplicate-address': 'adresse déjà vue plus haut (doublon)',
};

/** Options of `directory`. */
export type DirectoryCommandOptions =
	| {action: 'generate'; out: string; rows?: number; seed?: number; log: (line: string) => void}
	| {action: 'check'; file: string; json: boolean; log: (line: string) => void};

function seconds(ms: number): string {
	return `${(ms / 1000).toFixed(1).replace('.', ',')} s`;
}

/** The report of an import, for people: counts, then the refused lines with their numbers. */
export function describeReport(report: ImportReport): string[] {
	const refused = IMPORT_PROBLEM_KINDS.filter(kind => report.refused[kind] > 0);
	const total = refused.reduce((sum, kind) => sum + report.refused[kind], 0);
	const lines = [`${report.lines} lignes lues, ${report.imported} adresses importées, ${total} ligne(s) refusée(s)`];
	for (const kind of refused) lines.push(`  ${report.refused[kind]} × ${PROBLEM_LABELS[kind]}`);
	for (const problem of report.examples) lines.push(`  ligne ${problem.line} : ${PROBLEM_LABELS[problem.kind]} — ${stripControl(problem.detail)}`);
	if (total > report.examples.length) lines.push(`  … et ${total - report.examples.length} autre(s)`);
	return lines;
}

/** Runs the command; resolves with the exit code (1: the file cannot be imported at all). */
export async function directoryCommand(options: DirectoryCommandOptions): Promise<number> {
	const started = performance.now();
	if (options.action === 'generate') {
		const rows = options.rows ?? NATIONAL_SIZE;
		await writeExtraction(options.out, {rows, seed: options.seed});
		options.log(`${rows} adresses écrites dans ${options.out} en ${seconds(performance.now() - started)}`);
		return 0;
	}
	const builder = new DirectoryIndexBuilder();
	try {
		const {report} = await importExtraction(fileLines(options.file), (record, line) => builder.add(record, line));
		const index = builder.build();
		const ms = performance.now() - started;
		if (options.json) options.log(JSON.stringify({file: options.file, ms: Math.round(ms), entries: index.size, ...report}));
		else for (const line of [`${options.file} : importé en ${seconds(ms)}`, ...describeReport(report)]) options.log(line);
		return 0;
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		const message = error instanceof ExtractionHeaderError ? error.message : code === 'ENOENT' ? 'fichier introuvable' : (error as Error).message;
		options.log(`${options.file} : ${message}`);
		return 1;
	}
}
