// The import report `directory check` prints and `serve` logs, in French and in English.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, expect, test} from 'vitest';
import {describeReport} from '../../../src/server/commands/directory.js';
import {EXTRACTION_COLUMNS, fileLines, importExtraction} from '../../../src/server/directory/extraction.js';
import {extractionLine} from '../../helpers/extraction.js';

const folder = mkdtempSync(path.join(tmpdir(), 'mssante-report-'));
afterAll(() => rmSync(folder, {recursive: true, force: true}));

test('counts, then each refused line with its number and why, in the language asked for', async () => {
	const file = path.join(folder, 'annuaire.txt');
	const line = (address: string, postalCode: string) =>
		extractionLine({'Type de BAL': 'PER', 'Adresse BAL': address, "Nom d'exercice": 'DUPONT', "Prénom d'exercice": 'Jean', 'Code postal': postalCode});
	writeFileSync(file, [EXTRACTION_COLUMNS.join('|'), line('jean.dupont@medecin.mssante.fr', '14200'), line('pas-une-adresse', '14200'), line('j.dupont@medecin.mssante.fr', '1420')].join('\n'));
	const {report} = await importExtraction(fileLines(file), () => undefined);
	expect(describeReport(report)).toEqual([
		'3 lignes lues, 1 adresses importées, 2 ligne(s) refusée(s)',
		'  1 × adresse BAL invalide',
		'  1 × code postal invalide',
		expect.stringMatching(/^ {2}ligne 3 : adresse BAL invalide — /),
		expect.stringMatching(/^ {2}ligne 4 : code postal invalide — /),
	]);
	expect(describeReport(report, 'en')).toEqual([
		'3 lines read, 1 addresses imported, 2 line(s) refused',
		'  1 × invalid mailbox address',
		'  1 × invalid postal code',
		expect.stringMatching(/^ {2}line 3: invalid mailbox address — /),
		expect.stringMatching(/^ {2}line 4: invalid postal code — /),
	]);
});
