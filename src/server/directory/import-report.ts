// What an import did with a file: lines read and imported, every refused line counted by kind and
// the first ones listed; and the report of a file read in two parts, made one.

/** Why a line of the file was not imported. */
export type ImportProblemKind =
	| 'field-count'
	| 'line-too-long'
	| 'invalid-utf8'
	| 'missing-address'
	| 'invalid-address'
	| 'unknown-type'
	| 'missing-name'
	| 'invalid-postal-code'
	| 'duplicate-address';

/** Every ImportProblemKind, in the order reports list them. */
export const IMPORT_PROBLEM_KINDS: readonly ImportProblemKind[] = [
	'field-count',
	'line-too-long',
	'invalid-utf8',
	'missing-address',
	'invalid-address',
	'unknown-type',
	'missing-name',
	'invalid-postal-code',
	'duplicate-address',
];

/** One refused line: its number in the file (the header is line 1) and why. */
export type ImportProblem = {line: number; kind: ImportProblemKind; detail: string};

/** What an import did with a file: every refused line is counted; the first ones are listed. */
export type ImportReport = {
	/** Data lines read (header and blank lines excluded). */
	lines: number;
	imported: number;
	refused: Record<ImportProblemKind, number>;
	/** The first refused lines, with their numbers (at most `maxExamples`). */
	examples: ImportProblem[];
};

/** The report of an import that has read nothing yet. */
export function emptyReport(): ImportReport {
	return {lines: 0, imported: 0, refused: refusedBy(() => 0), examples: []};
}

/**
 * The report of a file read in two parts: the second part's lines are numbered from 1 within it,
 * and `duplicates` are its lines (numbered in the file) whose address the first part had.
 */
export function combinedReport(first: ImportReport, second: ImportReport, secondStartsAfter: number, duplicates: ImportProblem[], maxExamples = 100): ImportReport {
	const refused = refusedBy(kind => first.refused[kind] + second.refused[kind]);
	refused['duplicate-address'] += duplicates.length;
	return {
		lines: first.lines + second.lines,
		imported: first.imported + second.imported - duplicates.length,
		refused,
		examples: [...first.examples, ...second.examples.map(problem => ({...problem, line: problem.line + secondStartsAfter})), ...duplicates].sort((a, b) => a.line - b.line).slice(0, maxExamples),
	};
}

function refusedBy(count: (kind: ImportProblemKind) => number): Record<ImportProblemKind, number> {
	return Object.fromEntries(IMPORT_PROBLEM_KINDS.map(kind => [kind, count(kind)])) as Record<ImportProblemKind, number>;
}
