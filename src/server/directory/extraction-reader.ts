// Reading an extraction's lines: each data line becomes a record or a counted, numbered refusal,
// never an exception. This is the import's hot path (600,000 lines): a line's fields are cut out
// one by one from its separators' positions, only those a record needs.
import {hasControl, stripControl} from '../../contract/text/sanitize.js';
import {MAILBOX_TYPES} from '../../contract/domain/directory.js';
import {COLUMN_INDEX, ExtractionHeaderError, readHeader, unquoted, type Column} from './extraction-columns.js';
import {ADDRESS, cityOfAcheminement, departementOfPostalCode, joinWords, type DirectoryRecord, type MailboxType} from './extraction-fields.js';
import {emptyReport, type ImportProblemKind, type ImportReport} from './import-report.js';
import type {LineBatch} from './line-batches.js';

// Longer than any real line by far (the longest real ones are a few hundred characters).
const MAX_LINE_CHARS = 4096;
// Far more columns than the format has: a line with more is refused without counting further.
const MAX_FIELDS = 200;

/**
 * Reads an extraction line by line: the header first (its columns are found by name, accents and
 * case aside), then each data line becomes a record or a counted, numbered refusal — never an
 * exception. A line's address seen before is refused as a duplicate (the first one is kept).
 */
export class ExtractionReader {
	/** Where the lines hold each column (readHeader); null until the header is read. */
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
	readonly report: ImportReport = emptyReport();

	constructor(private readonly maxExamples = 100) {}

	/** Reads the header line; throws ExtractionHeaderError when required columns are missing. */
	header(line: string): void {
		const {positions, fieldCount} = readHeader(line);
		this.positions = positions;
		this.fieldCount = fieldCount;
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
		this.seen.add(` ${address}`.slice(1));
		this.report.imported++;
		// Whose mailbox it is: the full identifier, or its type and number when only those are given.
		const idType = get('Type Identifiant PP');
		const id = get('Identifiant PP');
		const nationalId = (get('Identification nationale PP') || (idType && id ? `${idType}${id}` : '')).toUpperCase();
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
			nationalId,
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
