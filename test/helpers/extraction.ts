import {EXTRACTION_COLUMNS} from '../../src/server/directory/extraction.js';

/** A data line in the extraction's column order, from the columns given (others empty). */
export function extractionLine(values: Partial<Record<(typeof EXTRACTION_COLUMNS)[number], string>>): string {
	return EXTRACTION_COLUMNS.map(column => values[column] ?? '').join('|');
}
