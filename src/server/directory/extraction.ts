import {createReadStream} from 'node:fs';
import {stat} from 'node:fs/promises';
import {hasControl, stripControl} from '../../contract/text/sanitize.js';
import {foldLatin} from '../../contract/text/text.js';
import {MAILBOX_TYPES, type DirectoryEntry} from '../../contract/domain/directory.js';

/**
 * The public "Extraction Correspondance MSSanté" of the Annuaire Santé: UTF-8, `|`-separated,
 * one header line, these 31 columns (the order of a file is read from its header).
 */
export const EXTRACTION_COLUMNS = [
	'Type de BAL',
	'Adresse BAL',
	'Type Identifiant PP',
	'Identifiant PP',
	'Identification nationale PP',
	'Type identifiant structure',
	'Identification Structure',
	'Service de rattachement',
	"Civilité d'exercice",
	"Nom d'exercice",
	"Prénom d'exercice",
	'Catégorie profession',
	'Libellé de catégorie profession',
	'Code Profession',
	'Libellé Profession',
	'Code savoir-faire',
	'Libellé savoir-faire',
	'Dématérialisation',
	'Raison Sociale structure BAL',
	'Enseigne commerciale structure BAL',
	'L2COMPLEMENTLOCALISATION',
	'L3COMPLEMENTDISTRIBUTION',
	'L4NUMEROVOIE',
	'L4COMPLEMENTNUMEROVOIE',
	'NL4TYPEVOIE',
	'L4LIBELLEVOIE',
	'L5LIEUDITMENTION',
	'L6LIGNEACHEMINEMENT',
	'Code postal',
	'Département',
	'Pays',
] as const;

type Column = (typeof EXTRACTION_COLUMNS)[number];

const COLUMN_INDEX = Object.fromEntries(EXTRACTION_COLUMNS.map((column, index) => [column, index])) as Record<Column, number>;

/** Non-empty parts, space-separated. */
function joinWords(...parts: string[]): string {
	let joined = '';
	for (const part of parts) if (part) joined = joined ? `${joined} ${part}` : part;
	return joined;
}

// Without these a line says nothing a search could use.
const REQUIRED: readonly Column[] = ['Type de BAL', 'Adresse BAL', "Nom d'exercice", "Prénom d'exercice", 'Code Profession', 'Libellé Profession', 'Code postal'];

export type MailboxType = DirectoryEntry['type'];

/** One mailbox of the directory as the import keeps it: what the directory shows, less what only accounts have. */
export type DirectoryRecord = Omit<DirectoryEntry, 'mobile'>;

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

/** The header does not describe an extraction: the file cannot be imported at all. */
export class ExtractionHeaderError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'ExtractionHeaderError';
	}
}

// Longer than any real line by far (the longest real ones are a few hundred characters).
const MAX_LINE_CHARS = 4096;
// Far more columns than the format has: a line with more is refused without counting further.
const MAX_FIELDS = 200;
const ADDRESS = /^[a-z0-9!#$%&'*+/=?^_`{|}~.-]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/;

function headerKey(name: string): string {
	return foldLatin(name).replace(/[^a-z0-9]+/g, '');
}

/** A field without the quotes some exports put around every value. */
function unquoted(field: string): string {
	const trimmed = field.trim();
	return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1).replaceAll('""', '"').trim() : trimmed;
}

/** Département of a postal code when the column is empty: Corsica and overseas have their own rules. */
export function departementOfPostalCode(postalCode: string): string {
	if (postalCode.startsWith('97') || postalCode.startsWith('98')) return postalCode.slice(0, 3);
	if (postalCode.startsWith('20')) return Number(postalCode.slice(2, 3)) < 2 ? '2A' : '2B';
	return postalCode.slice(0, 2);
}

/** The city of an L6 line: "14052 CAEN CEDEX 4" → "CAEN". */
export function cityOfAcheminement(line: string, postalCode: string): string {
	let city = line.trim();
	if (postalCode && city.startsWith(postalCode)) city = city.slice(postalCode.length);
	else city = city.replace(/^\d{5}\s+/, '');
	return /cedex/i.test(city) ? city.replace(/\s+CEDEX(\s+\d+)?$/i, '').trim() : city.trim();
}

/**
 * Reads an extraction line by line: the header first (its columns are found by name, accents and
 * case aside), then each data line becomes a record or a counted, numbered refusal — never an
 * exception. A line's address seen before is refused as a duplicate (the first one is kept).
 */
export class ExtractionReader {
	/** Position in the file's lines of each of EXTRACTION_COLUMNS (-1: absent), by the column's index. */
	private positions: Int16Array | null = null;
	private fieldCount = 0;
	private readonly bounds = new Int32Array(MAX_FIELDS + 2);
	// The line being read, for `get` (one function for every line rather than a closure per line).
	private clean = '';
	private quoted = false;
	private readonly get = (column: Column): string => {
		const index = (this.positions as Int16Array)[COLUMN_INDEX[column]] as number;
		if (index === -1) return '';
		const field = this.clean.slice((this.bounds[index] as number) + 1, this.bounds[index + 1]);
		if (this.quoted) return unquoted(field);
		return field.length > 0 && (field.charCodeAt(0) <= 32 || field.charCodeAt(field.length - 1) <= 32) ? field.trim() : field;
	};
	private readonly seen = new Set<string>();
	/** Lines read, header and blank ones included (set once the import is done). */
	lastLine = 0;
	readonly report: ImportReport = {lines: 0, imported: 0, refused: Object.fromEntries(IMPORT_PROBLEM_KINDS.map(kind => [kind, 0])) as Record<ImportProblemKind, number>, examples: []};

	constructor(private readonly maxExamples = 100) {}

	/** Reads the header line; throws ExtractionHeaderError when required columns are missing. */
	header(line: string): void {
		const names = line.replace(/^\uFEFF/, '').replace(/\r$/, '').split('|').map(unquoted);
		// Many exports end every line with a separator: a last empty column is not a column.
		if (names.length > 1 && names.at(-1) === '') names.pop();
		const byKey = new Map(names.map((name, index) => [headerKey(name), index]));
		const columns = new Map<Column, number>();
		for (const column of EXTRACTION_COLUMNS) {
			const index = byKey.get(headerKey(column));
			if (index !== undefined) columns.set(column, index);
		}
		const missing = REQUIRED.filter(column => !columns.has(column));
		if (missing.length > 0) {
			throw new ExtractionHeaderError(`En-tête d’extraction MSSanté attendu : colonne(s) absente(s) ${missing.map(name => `« ${name} »`).join(', ')}`);
		}
		this.positions = Int16Array.from(EXTRACTION_COLUMNS, column => columns.get(column) ?? -1);
		this.fieldCount = names.length;
	}

	/** Reads data line `lineNumber` (1 = header); a record, or null when it was blank or refused. */
	line(raw: string, lineNumber: number): DirectoryRecord | null {
		const positions = this.positions;
		if (!positions) throw new Error('header() first');
		const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
		if (text.trim() === '') return null;
		this.report.lines++;
		if (text.length > MAX_LINE_CHARS) return this.refuse(lineNumber, 'line-too-long', `${text.length} caractères`);
		if (text.includes('\uFFFD')) return this.refuse(lineNumber, 'invalid-utf8', 'octets qui ne sont pas de l’UTF-8');
		// Control characters never reach the screen; checked once per line, removed where found.
		const clean = hasControl(text) ? stripControl(text) : text;
		// Field boundaries only; the fields needed are cut out one by one (splitting every line whole
		// is the slowest part of reading 600,000 lines).
		const bounds = this.bounds;
		let count = 0;
		bounds[0] = -1;
		for (let at = clean.indexOf('|'); at !== -1 && count < MAX_FIELDS; at = clean.indexOf('|', at + 1)) bounds[++count] = at;
		bounds[++count] = clean.length;
		if (count === this.fieldCount + 1 && clean.slice((bounds[count - 1] as number) + 1).trim() === '') count--;
		if (count !== this.fieldCount) return this.refuse(lineNumber, 'field-count', `${count >= MAX_FIELDS ? `${MAX_FIELDS}+` : count} champs au lieu de ${this.fieldCount}`);
		this.clean = clean;
		this.quoted = clean.includes('"');
		const get = this.get;
		const type = get('Type de BAL').toUpperCase();
		const address = get('Adresse BAL').toLowerCase();
		if (!address) return this.refuse(lineNumber, 'missing-address', 'colonne « Adresse BAL » vide');
		if (address.length > 254 || !ADDRESS.test(address)) return this.refuse(lineNumber, 'invalid-address', address.slice(0, 80));
		if (!(MAILBOX_TYPES as readonly string[]).includes(type)) return this.refuse(lineNumber, 'unknown-type', `« ${type.slice(0, 20)} »`);
		const surname = get("Nom d'exercice");
		const organisation = get('Raison Sociale structure BAL') || get('Enseigne commerciale structure BAL');
		if (type === 'PER' ? !surname : !surname && !organisation) return this.refuse(lineNumber, 'missing-name', type === 'PER' ? 'nom d’exercice vide' : 'ni nom ni raison sociale');
		const postalCode = get('Code postal');
		const country = get('Pays');
		const abroad = country !== '' && !/^(france|fr|fra|99100)$/i.test(country);
		if (postalCode !== '' && !abroad && !/^\d{5}$/.test(postalCode)) return this.refuse(lineNumber, 'invalid-postal-code', `« ${postalCode.slice(0, 20)} »`);
		if (this.seen.has(address)) return this.refuse(lineNumber, 'duplicate-address', address);
		// A copy: the address is a slice of its line, which the set would keep alive.
		this.seen.add((' ' + address).slice(1));
		this.report.imported++;
		const street = joinWords(get('L4NUMEROVOIE'), get('L4COMPLEMENTNUMEROVOIE'), get('NL4TYPEVOIE'), get('L4LIBELLEVOIE'));
		return {
			type: type as MailboxType,
			address,
			civility: get("Civilité d'exercice"),
			surname,
			givenName: get("Prénom d'exercice"),
			professionCode: get('Code Profession'),
			profession: get('Libellé Profession'),
			specialty: get('Libellé savoir-faire'),
			organisation,
			service: get('Service de rattachement'),
			street: street || get('L5LIEUDITMENTION'),
			postalCode,
			city: cityOfAcheminement(get('L6LIGNEACHEMINEMENT'), postalCode),
			departement: get('Département') || (postalCode && !abroad ? departementOfPostalCode(postalCode) : ''),
		};
	}

	/** Whether an address was imported from an earlier line. */
	hasSeen(address: string): boolean {
		return this.seen.has(address);
	}

	private refuse(line: number, kind: ImportProblemKind, detail: string): null {
		this.report.refused[kind]++;
		if (this.report.examples.length < this.maxExamples) this.report.examples.push({line, kind, detail});
		return null;
	}
}

/** A file larger than this is read in two halves at once (below it, one thread is done before two start). */
export const PARALLEL_READ_BYTES = 8 << 20;

/** Lines read together, and the share of the source read so far. */
export type LineBatch = {lines: string[]; progress: number};

/**
 * The lines of a file in batches (one per megabyte read), each line decoded on its own: a bad
 * byte spoils its own line only, as U+FFFD. With a byte range, only the lines starting in it
 * (the range starts at a line's start).
 */
export async function* fileLines(file: string, range?: {start: number; end: number}): AsyncGenerator<LineBatch> {
	const start = range?.start ?? 0;
	const size = (range?.end ?? (await stat(file)).size) - start || 1;
	let read = 0;
	let rest: Buffer = Buffer.alloc(0);
	const stream = createReadStream(file, {highWaterMark: 1 << 20, start, end: range ? range.end - 1 : undefined});
	for await (const chunk of stream) {
		const buffer: Buffer = rest.length > 0 ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
		read += (chunk as Buffer).length;
		const lines: string[] = [];
		let from = 0;
		for (let end = buffer.indexOf(10, from); end !== -1; end = buffer.indexOf(10, from)) {
			lines.push(buffer.toString('utf8', from, end));
			from = end + 1;
		}
		rest = buffer.subarray(from);
		yield {lines, progress: read / size};
	}
	if (rest.length > 0) yield {lines: [rest.toString('utf8')], progress: 1};
}

/** Lines made one by one (the generator), grouped in batches. */
export function* batched(lines: Iterable<string>, total: number, size = 4096): Generator<LineBatch> {
	let batch: string[] = [];
	let done = 0;
	for (const line of lines) {
		batch.push(line);
		if (batch.length === size) {
			done += batch.length;
			yield {lines: batch, progress: done / total};
			batch = [];
		}
	}
	yield {lines: batch, progress: 1};
}

/**
 * Imports an extraction (file lines, or lines made in memory), handing each record and its line
 * number to `onRecord` as it is read: the file is never held whole. Throws ExtractionHeaderError
 * when the first line is not an extraction header. With `header`, the lines are a later part of a
 * file whose header that is (numbered from 1 within the part).
 */
export async function importExtraction(
	batches: AsyncIterable<LineBatch> | Iterable<LineBatch>,
	onRecord: (record: DirectoryRecord, line: number) => void,
	onProgress: (share: number) => void = () => undefined,
	options: {header?: string} = {},
): Promise<ExtractionReader> {
	const reader = new ExtractionReader();
	let lineNumber = 0;
	if (options.header !== undefined) reader.header(options.header);
	for await (const {lines, progress} of batches) {
		for (const line of lines) {
			lineNumber++;
			if (lineNumber === 1 && options.header === undefined) reader.header(line);
			else {
				const record = reader.line(line, lineNumber);
				if (record) onRecord(record, lineNumber);
			}
		}
		onProgress(progress);
	}
	if (lineNumber === 0 && options.header === undefined) throw new ExtractionHeaderError('Fichier vide : en-tête d’extraction MSSanté attendu');
	reader.lastLine = lineNumber;
	return reader;
}

/**
 * The report of a file read in two parts: the second part's lines are numbered from 1 within it,
 * and `duplicates` are its lines (numbered in the file) whose address the first part had.
 */
export function combinedReport(first: ImportReport, second: ImportReport, secondStartsAfter: number, duplicates: ImportProblem[], maxExamples = 100): ImportReport {
	const refused = Object.fromEntries(IMPORT_PROBLEM_KINDS.map(kind => [kind, first.refused[kind] + second.refused[kind]])) as Record<ImportProblemKind, number>;
	refused['duplicate-address'] += duplicates.length;
	return {
		lines: first.lines + second.lines,
		imported: first.imported + second.imported - duplicates.length,
		refused,
		examples: [...first.examples, ...second.examples.map(problem => ({...problem, line: problem.line + secondStartsAfter})), ...duplicates].sort((a, b) => a.line - b.line).slice(0, maxExamples),
	};
}
