// The national directory's import: the public "Extraction Correspondance MSSanté" format read from
// real files on disk, every malformed-line kind, and the project's generator.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, test} from 'vitest';
import {describeReport} from '../../src/server/commands/directory.js';
import {
	EXTRACTION_COLUMNS,
	ExtractionHeaderError,
	PARALLEL_READ_BYTES,
	batched,
	cityOfAcheminement,
	departementOfPostalCode,
	fileLines,
	importExtraction,
	type DirectoryRecord,
	type ImportReport,
} from '../../src/server/directory/extraction.js';
import {generateExtraction, writeExtraction} from '../../src/server/directory/generator.js';
import {DirectoryService} from '../../src/server/directory/directory-service.js';
import {DirectoryIndexBuilder} from '../../src/server/directory/directory-index.js';
import {extractionLine} from '../helpers/extraction.js';

const folder = mkdtempSync(path.join(tmpdir(), 'mssante-directory-'));
afterAll(() => rmSync(folder, {recursive: true, force: true}));

const person = (address: string, surname: string, givenName: string, extra: Partial<Record<(typeof EXTRACTION_COLUMNS)[number], string>> = {}) =>
	extractionLine({
		'Type de BAL': 'PER',
		'Adresse BAL': address,
		"Nom d'exercice": surname,
		"Prénom d'exercice": givenName,
		'Code Profession': '10',
		'Libellé Profession': 'Médecin',
		'Code postal': '14200',
		L6LIGNEACHEMINEMENT: '14200 HEROUVILLE ST CLAIR',
		...extra,
	});

async function importFile(content: string | Buffer): Promise<{records: DirectoryRecord[]; report: ImportReport}> {
	const file = path.join(folder, `extraction-${Math.random().toString(36).slice(2)}.txt`);
	writeFileSync(file, content);
	const records: DirectoryRecord[] = [];
	const {report} = await importExtraction(fileLines(file), record => records.push({...record}));
	return {records, report};
}

describe('Import of the extraction file', () => {
	test('every malformed-line kind is counted and reported with its line number; the good lines are imported', async () => {
		const header = EXTRACTION_COLUMNS.join('|');
		const lines = [
			header, // 1
			person('jean.dupont@medecin.mssante.fr', 'DUPONT', 'Jean'), // 2: good
			person('x@medecin.mssante.fr', 'X', 'Y').split('|').slice(0, 12).join('|'), // 3: field-count
			person(`${'a'.repeat(5000)}@medecin.mssante.fr`, 'LONG', 'Line'), // 4: line-too-long
			'', // 5: blank, skipped silently
			person('', 'SANS', 'Adresse'), // 6: missing-address
			person('pas une adresse', 'MAUVAISE', 'Adresse'), // 7: invalid-address
			extractionLine({'Type de BAL': 'XYZ', 'Adresse BAL': 'a.b@medecin.mssante.fr', "Nom d'exercice": 'B'}), // 8: unknown-type
			person('anonyme@medecin.mssante.fr', '', 'Anne'), // 9: missing-name
			person('code.postal@medecin.mssante.fr', 'CODE', 'Postal', {'Code postal': '14-200'}), // 10: invalid-postal-code
			person('JEAN.DUPONT@medecin.mssante.fr', 'DUPONT', 'Jean'), // 11: duplicate-address (case aside)
			person('marie.lefevre@medecin.mssante.fr', 'LEFÈVRE', 'Marie'), // 12: good
		];
		const text = Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8');
		// Line 13: a Latin-1 byte where UTF-8 is expected.
		const latin1 = Buffer.from(`${person('helene.invalid@medecin.mssante.fr', 'HXLENE', 'Anne')}\r\n`, 'utf8');
		latin1[latin1.indexOf('X')] = 0xe9;
		const {records, report} = await importFile(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), text, latin1, Buffer.from(`${person('last.line@medecin.mssante.fr', 'LAST', 'Line')}`)]));
		expect(records.map(record => record.address)).toEqual(['jean.dupont@medecin.mssante.fr', 'marie.lefevre@medecin.mssante.fr', 'last.line@medecin.mssante.fr']);
		expect(report.lines).toBe(12);
		expect(report.imported).toBe(3);
		expect(report.refused).toEqual({
			'field-count': 1,
			'line-too-long': 1,
			'invalid-utf8': 1,
			'missing-address': 1,
			'invalid-address': 1,
			'unknown-type': 1,
			'missing-name': 1,
			'invalid-postal-code': 1,
			'duplicate-address': 1,
		});
		expect(report.examples.map(problem => [problem.line, problem.kind])).toEqual([
			[3, 'field-count'],
			[4, 'line-too-long'],
			[6, 'missing-address'],
			[7, 'invalid-address'],
			[8, 'unknown-type'],
			[9, 'missing-name'],
			[10, 'invalid-postal-code'],
			[11, 'duplicate-address'],
			[13, 'invalid-utf8'],
		]);
		// What `directory check` prints: the counts, then each refused line by number.
		const printed = describeReport(report).join('\n');
		expect(printed).toContain('12 lignes lues, 3 adresses importées, 9 ligne(s) refusée(s)');
		expect(printed).toContain('ligne 11 : adresse déjà vue plus haut (doublon) — jean.dupont@medecin.mssante.fr');
		expect(printed).toContain('ligne 13 : texte qui n’est pas de l’UTF-8');
	});

	test('a record keeps the display forms: accents, city without postal code or CEDEX, département derived', async () => {
		const {records} = await importFile(
			[
				EXTRACTION_COLUMNS.join('|'),
				person('marie.lefevre@medecin.mssante.fr', 'LEFÈVRE', 'Marie-Hélène', {
					"Civilité d'exercice": 'DR',
					L4NUMEROVOIE: '12',
					NL4TYPEVOIE: 'RUE',
					L4LIBELLEVOIE: 'DE LA REPUBLIQUE',
					'Code postal': '20090',
					L6LIGNEACHEMINEMENT: '20090 AJACCIO CEDEX 9',
				}),
			].join('\n'),
		);
		expect(records[0]).toMatchObject({surname: 'LEFÈVRE', givenName: 'Marie-Hélène', civility: 'DR', street: '12 RUE DE LA REPUBLIQUE', postalCode: '20090', city: 'AJACCIO', departement: '2A'});
	});

	test('columns are found by name, in any order; quoted fields, a trailing separator and control characters are handled', async () => {
		const columns = ['Adresse BAL', 'Type de BAL', "Nom d'exercice", "Prénom d'exercice", 'Code Profession', 'Libellé Profession', 'Code postal'];
		const {records, report} = await importFile(
			[`${columns.map(name => `"${name.toUpperCase()}"`).join('|')}|`, '"paul.martin@medecin.mssante.fr"|"PER"|"MARTIN"|"Paul\u001B[31m"|"10"|"Médecin"|"75001"|'].join('\n'),
		);
		expect(report.refused['field-count']).toBe(0);
		expect(records[0]).toMatchObject({address: 'paul.martin@medecin.mssante.fr', surname: 'MARTIN', givenName: 'Paul[31m', departement: '75'});
	});

	test('a header without the required columns, or an empty file, cannot be imported: a clear message, no crash', async () => {
		await expect(importFile('Nom|Prénom\nDUPONT|Jean\n')).rejects.toThrow(ExtractionHeaderError);
		await expect(importFile('Nom|Prénom\n')).rejects.toThrow(/colonne\(s\) absente\(s\) « Type de BAL », « Adresse BAL »/);
		await expect(importFile('')).rejects.toThrow(/Fichier vide/);
	});

	test('L6 lines and postal codes give the city and the département', () => {
		expect(cityOfAcheminement('14052 CAEN CEDEX 4', '14052')).toBe('CAEN');
		expect(cityOfAcheminement('14200 HEROUVILLE ST CLAIR', '14200')).toBe('HEROUVILLE ST CLAIR');
		expect(departementOfPostalCode('20200')).toBe('2B');
		expect(departementOfPostalCode('97110')).toBe('971');
		expect(departementOfPostalCode('01000')).toBe('01');
	});
});

describe('Generated national directory', () => {
	test('deterministic: the same seed writes the same file; another seed another', async () => {
		const first = path.join(folder, 'a.txt');
		const second = path.join(folder, 'b.txt');
		await writeExtraction(first, {rows: 2000, seed: 7});
		await writeExtraction(second, {rows: 2000, seed: 7});
		const {readFileSync} = await import('node:fs');
		expect(readFileSync(first, 'utf8')).toBe(readFileSync(second, 'utf8'));
		expect([...generateExtraction({rows: 50, seed: 8})]).not.toEqual([...generateExtraction({rows: 50, seed: 7})]);
	});

	test('realistic: every line imports, unique addresses, the four mailbox types, accents, hyphens, particles, real postal codes', async () => {
		const records: DirectoryRecord[] = [];
		const {report} = await importExtraction(batched(generateExtraction({rows: 30_000}), 30_001), record => records.push({...record}));
		expect(report.imported).toBe(30_000);
		expect(Object.values(report.refused).every(count => count === 0)).toBe(true);
		const types = new Map<string, number>();
		for (const record of records) types.set(record.type, (types.get(record.type) ?? 0) + 1);
		// Personal mailboxes are most of the directory, then organisational ones.
		expect((types.get('PER') ?? 0) / records.length).toBeGreaterThan(0.75);
		expect((types.get('ORG') ?? 0) / records.length).toBeGreaterThan(0.08);
		expect(types.get('CAB')).toBeGreaterThan(0);
		expect(types.get('APP')).toBeGreaterThan(0);
		const surnames = records.map(record => record.surname);
		expect(surnames.some(name => /[ÉÈÊËÏÎÔÇŒŸ]/.test(name))).toBe(true);
		expect(surnames.some(name => /-/.test(name))).toBe(true);
		expect(surnames.some(name => /^(LE|DE|DU|DE LA|D') ?/.test(name))).toBe(true);
		expect(records.map(record => record.givenName).some(name => /[éèëïîôç]/.test(name))).toBe(true);
		expect(new Set(surnames).size).toBeGreaterThan(3000);
		expect(records.every(record => /^\d{5}$/.test(record.postalCode))).toBe(true);
		const professions = new Map<string, number>();
		for (const record of records) if (record.professionCode) professions.set(record.profession, (professions.get(record.profession) ?? 0) + 1);
		expect([...professions].sort((a, b) => b[1] - a[1])[0]?.[0]).toBe('Médecin');
		expect(professions.size).toBeGreaterThan(10);
		expect(records.some(record => record.city === 'HEROUVILLE ST CLAIR')).toBe(true);
	});
});

describe("A large file, read in two halves at once by the directory's threads", () => {
	test('the same rows and report as one reading; refused lines numbered in the whole file, duplicates across halves included', async () => {
		const file = path.join(folder, 'large.txt');
		await writeExtraction(file, {rows: 60_000, seed: 21});
		const {appendFileSync, readFileSync} = await import('node:fs');
		const lines = readFileSync(file, 'utf8').split('\n');
		// A line of the first half repeated at the end, and two malformed lines in the second half.
		const firstHalfLine = lines[100] as string;
		appendFileSync(file, `${person('', 'SANS', 'Adresse')}\n${firstHalfLine}\n${person('x@y', 'BAD', 'Address')}\n`);
		const total = lines.length - 1 + 3;
		expect((await import('node:fs')).statSync(file).size).toBeGreaterThan(PARALLEL_READ_BYTES);

		// One reading, in this thread: the reference.
		const builder = new DirectoryIndexBuilder();
		const {report: expected} = await importExtraction(fileLines(file), (record, line) => builder.add(record, line));
		const reference = builder.build();

		let loaded: ImportReport | undefined;
		const service = new DirectoryService({source: {kind: 'file', path: file}, onLoaded: report => (loaded = report)});
		try {
			service.load();
			while (service.state.phase === 'loading') await new Promise(resolve => setTimeout(resolve, 20));
			expect(service.state.phase).toBe('ready');
			expect(loaded).toEqual(expected);
			expect(loaded?.imported).toBe(60_000);
			expect(loaded?.examples.map(problem => [problem.line, problem.kind])).toEqual([
				[total - 2, 'missing-address'],
				[total - 1, 'duplicate-address'],
				[total, 'invalid-address'],
			]);
			for (const query of [{text: 'ma'}, {text: 'z', place: '75'}, {profession: '60', city: 'br'}, {}]) {
				const page = await service.search({...query, limit: 100}, {signedIn: false});
				const same = reference.search({...query, limit: 100}, {signedIn: false});
				expect(page.total, JSON.stringify(query)).toBe(same.total);
				expect(page.entries).toEqual(same.entries);
			}
		} finally {
			await service.close();
		}
	}, 60_000);
});
