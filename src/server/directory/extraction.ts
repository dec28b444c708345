// The import of the public "Extraction Correspondance MSSanté", as the rest of the service, the
// `directory` command, the benchmarks and the tests use it. The work is done by the modules behind
// it: the columns and the header (extraction-columns.ts), a record's fields (extraction-fields.ts),
// the line-by-line reading (extraction-reader.ts), where lines come from (line-batches.ts), the
// report (import-report.ts) and the reading of a large file in two halves at once (two-halves.ts).
export {EXTRACTION_COLUMNS, ExtractionHeaderError} from './extraction-columns.js';
export {cityOfAcheminement, departementOfPostalCode, type DirectoryRecord} from './extraction-fields.js';
export {importExtraction} from './extraction-reader.js';
export {IMPORT_PROBLEM_KINDS, type ImportProblemKind, type ImportReport} from './import-report.js';
export {batched, fileLines} from './line-batches.js';
export {PARALLEL_READ_BYTES} from './two-halves.js';
