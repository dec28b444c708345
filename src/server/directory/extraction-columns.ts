// The extraction's columns, and a file's header line: which column is where in its lines. Files
// differ in column order, accents, case, quotes and a trailing separator, so columns are found by
// name rather than by position.
import {foldLatin} from '../../contract/text/text.js';

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

/** A column of EXTRACTION_COLUMNS. */
export type Column = (typeof EXTRACTION_COLUMNS)[number];

/** Index of each column in EXTRACTION_COLUMNS. */
export const COLUMN_INDEX = Object.fromEntries(EXTRACTION_COLUMNS.map((column, index) => [column, index])) as Record<Column, number>;

// Without these a line says nothing a search could use.
const REQUIRED: readonly Column[] = ['Type de BAL', 'Adresse BAL', "Nom d'exercice", "Prénom d'exercice", 'Code Profession', 'Libellé Profession', 'Code postal'];

/** The header does not describe an extraction: the file cannot be imported at all. */
export class ExtractionHeaderError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'ExtractionHeaderError';
	}
}

/** Where a file's lines hold each column. */
export type ColumnPositions = {
	/** Position in the file's lines of each of EXTRACTION_COLUMNS (-1: absent), by the column's index. */
	positions: Int16Array;
	/** Fields of a line. */
	fieldCount: number;
};

/** Reads a header line; throws ExtractionHeaderError when required columns are missing. */
export function readHeader(line: string): ColumnPositions {
	const names = line
		.replace(/^\uFEFF/, '')
		.replace(/\r$/, '')
		.split('|')
		.map(unquoted);
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
	return {positions: Int16Array.from(EXTRACTION_COLUMNS, column => columns.get(column) ?? -1), fieldCount: names.length};
}

/** A field without the quotes some exports put around every value. */
export function unquoted(field: string): string {
	const trimmed = field.trim();
	return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1).replaceAll('""', '"').trim() : trimmed;
}

function headerKey(name: string): string {
	return foldLatin(name).replace(/[^a-z0-9]+/g, '');
}
