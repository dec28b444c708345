/**
 * `mssante-kiosk directory generate|check`: for deployers. `generate` writes a realistic
 * national-size extraction (demo, tests, benchmarks); `check` imports a file as the service would
 * and reports every refused line with its number, without starting anything.
 */
import {parseArgs} from 'node:util';
import {catalogues, type Catalogue, type Lang} from '../../contract/i18n/index.js';
import {stripControl} from '../../contract/text/sanitize.js';
import {DirectoryIndexBuilder} from '../directory/directory-index.js';
import {ExtractionHeaderError, IMPORT_PROBLEM_KINDS, fileLines, importExtraction, type ImportProblemKind, type ImportReport} from '../directory/extraction.js';
import {NATIONAL_SIZE, writeExtraction} from '../directory/generator.js';

/** What `directory` was asked to do: write a generated extraction, or check one. */
type DirectoryArguments = ({action: 'generate'; out: string; rows?: number; seed?: number} | {action: 'check'; file: string; json: boolean}) & {
	/** Language of the report. */
	lang: Lang;
};

/** The report of an import, for people: counts, then the refused lines with their numbers. */
export function describeReport(report: ImportReport, lang: Lang = 'fr'): string[] {
	const t = catalogues[lang].directoryCommand;
	// Every kind of problem has its label (a catalogue missing one does not compile).
	const labels: Record<ImportProblemKind, string> = t.problems;
	const refused = IMPORT_PROBLEM_KINDS.filter(kind => report.refused[kind] > 0);
	const total = refused.reduce((sum, kind) => sum + report.refused[kind], 0);
	const lines = [t.summary(report.lines, report.imported, total)];
	for (const kind of refused) lines.push(`  ${report.refused[kind]} × ${labels[kind]}`);
	for (const problem of report.examples) lines.push(`  ${t.refusedLine(problem.line, labels[problem.kind], stripControl(problem.detail))}`);
	if (total > report.examples.length) lines.push(`  ${t.more(total - report.examples.length)}`);
	return lines;
}

/** Runs the command, each line of its report to `log`; resolves with the exit code (1: the file cannot be imported at all). */
async function runDirectoryCommand(options: DirectoryArguments & {log: (line: string) => void}): Promise<number> {
	const t = catalogues[options.lang].directoryCommand;
	const started = performance.now();
	if (options.action === 'generate') {
		const rows = options.rows ?? NATIONAL_SIZE;
		await writeExtraction(options.out, {rows, seed: options.seed});
		options.log(t.written(rows, options.out, t.seconds(performance.now() - started)));
		return 0;
	}
	const builder = new DirectoryIndexBuilder();
	try {
		const {report} = await importExtraction(fileLines(options.file), (record, line) => builder.add(record, line));
		const index = builder.build();
		const ms = performance.now() - started;
		if (options.json) options.log(JSON.stringify({file: options.file, ms: Math.round(ms), entries: index.size, ...report}));
		else for (const line of [t.imported(options.file, t.seconds(ms)), ...describeReport(report, options.lang)]) options.log(line);
		return 0;
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		const message = error instanceof ExtractionHeaderError ? error.message : code === 'ENOENT' ? t.notFound : (error as Error).message;
		options.log(t.failed(options.file, message));
		return 1;
	}
}

/** The options of `mssante-kiosk directory`; each action takes some of them (ACTION_OPTIONS). */
const DIRECTORY_OPTIONS = {
	/** generate: the file to write. */
	out: {type: 'string'},
	/** generate: how many mailboxes, the national size by default. */
	rows: {type: 'string'},
	/** generate: the same seed writes the same file. */
	seed: {type: 'string'},
	/** check: the import report as one JSON line. */
	json: {type: 'boolean'},
} as const;

const ACTION_OPTIONS = {generate: ['out', 'rows', 'seed'], check: ['json']} as const;

/** A whole number given as `option`, or a usage error. */
function wholeNumber(option: string, value: string | undefined, t: Catalogue['cli']): number | undefined {
	if (value === undefined) return undefined;
	if (!/^\d{1,9}$/.test(value)) throw new Error(t.integerExpected(option, value));
	return Number(value);
}

/** `mssante-kiosk directory`, for the program's entry. */
export const directoryCommand = {
	options: DIRECTORY_OPTIONS,
	parse(args: string[], cli: {lang: Lang | undefined}): DirectoryArguments {
		const lang = cli.lang ?? 'fr';
		const t = catalogues[lang].cli;
		const {values, positionals} = parseArgs({args, options: DIRECTORY_OPTIONS, strict: true, allowPositionals: true});
		const [action, ...rest] = positionals;
		if (action !== 'generate' && action !== 'check') throw new Error(t.directoryAction(action));
		const allowed: readonly string[] = ACTION_OPTIONS[action];
		const stray = Object.keys(values).find(name => !allowed.includes(name));
		if (stray) throw new Error(t.unknownOption(`--${stray}`, `mssante-kiosk directory ${action}`));
		if (action === 'generate') {
			if (rest.length > 0) throw new Error(t.unknownCommand(['directory', ...positionals].join(' ')));
			if (!values.out) throw new Error(t.outExpected);
			return {action, out: values.out, rows: wholeNumber('--rows', values.rows, t), seed: wholeNumber('--seed', values.seed, t), lang};
		}
		const [file, ...extra] = rest;
		if (file === undefined) throw new Error(t.fileExpected);
		if (extra.length > 0) throw new Error(t.unknownCommand(['directory', ...positionals].join(' ')));
		return {action, file, json: values.json ?? false, lang};
	},
	run: (options: DirectoryArguments): Promise<number> => runDirectoryCommand({...options, log: line => process.stdout.write(`${line}\n`)}),
};
