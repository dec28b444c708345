// The built program's command line (bin/mssante-kiosk.js → dist/cli.js): exit codes, usage,
// messages in French or English. Argument mistakes stop before any command runs. The test never
// builds: run `npm run build` first.
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {catalogues} from '../../../src/contract/i18n/index.js';
import {EXTRACTION_COLUMNS} from '../../../src/server/directory/extraction.js';
import {extractionLine} from '../../helpers/extraction.js';
import {BIN, ROOT, assertBuilt, kioskEnv} from '../../helpers/pty.js';

const folder = mkdtempSync(path.join(tmpdir(), 'mssante-cli-'));
afterAll(() => rmSync(folder, {recursive: true, force: true}));
beforeAll(() => assertBuilt());

/** Runs the built program without a terminal (stdin is a pipe). */
function program(...args: string[]): {status: number | null; stdout: string; stderr: string} {
	const result = spawnSync(process.execPath, [BIN, ...args], {input: '', cwd: ROOT, env: kioskEnv({MSSANTE_KIOSK_DATA: folder}), encoding: 'utf8', timeout: 15_000});
	return {status: result.status, stdout: result.stdout, stderr: result.stderr};
}

describe('usage errors: one line, the usage, exit code 2', () => {
	test.each([
		[['--demo', '--no-demo'], '--demo et --no-demo s’excluent'],
		[['--backend', 'file:///etc/passwd'], '--backend : URL http(s) attendue, pas « file:///etc/passwd »'],
		[['serve', '--port', '80000'], '--port : numéro de port attendu, pas « 80000 »'],
		[['directory', 'generate', '--out', 'x', '--rows', 'many'], '--rows : nombre entier attendu, pas « many »'],
		[['directory', 'generate'], 'directory generate : --out FICHIER attendu'],
		[['activate'], 'commande inconnue : activate'],
		[['serve', '--demo'], '--demo : option inconnue de « mssante-kiosk serve »'],
		[['doctor', '--port', '8080'], '--port : option inconnue de « mssante-kiosk doctor »'],
		[['--json'], '--json : option inconnue de « mssante-kiosk »'],
		[['--lang', 'de'], '--lang : fr ou en attendu, pas « de »'],
	])('%j', (args, message) => {
		const result = program(...args);
		expect(result.status, result.stderr).toBe(2);
		expect(result.stderr).toBe(`${message}\n${catalogues.fr.cli.usage}\n`);
		expect(result.stdout).toBe('');
	});

	test('--lang en: in English, wherever --lang is', () => {
		const result = program('serve', '--demo', '--lang', 'en');
		expect(result.status).toBe(2);
		expect(result.stderr).toBe(`--demo: not an option of "mssante-kiosk serve"\n${catalogues.en.cli.usage}\n`);
		expect(program('--lang=en', 'activate').stderr).toMatch(/^unknown command: activate\nUsage: /);
	});
});

test('--help: the usage on stdout, in the language asked for, exit code 0', () => {
	expect(program('--help')).toEqual({status: 0, stdout: `${catalogues.fr.cli.usage}\n`, stderr: ''});
	expect(program('serve', '-h', '--lang', 'en')).toEqual({status: 0, stdout: `${catalogues.en.cli.usage}\n`, stderr: ''});
});

test('the kiosk refuses to start without a terminal, in the language asked for (exit 2)', () => {
	expect(program('--lang', 'en')).toMatchObject({status: 2, stderr: `${catalogues.en.cli.notATerminal}\n`});
});

test('directory check: the report in French, or in English with --lang en', () => {
	const file = path.join(folder, 'annuaire.txt');
	const good = extractionLine({'Type de BAL': 'PER', 'Adresse BAL': 'jean.dupont@medecin.mssante.fr', "Nom d'exercice": 'DUPONT', "Prénom d'exercice": 'Jean', 'Code postal': '14200'});
	writeFileSync(file, `${EXTRACTION_COLUMNS.join('|')}\n${good}\n${good}\n`);
	const french = program('directory', 'check', file);
	expect(french.status).toBe(0);
	expect(french.stdout).toMatch(new RegExp(`^${file} : importé en \\d+,\\d s\n`));
	expect(french.stdout).toContain(
		'2 lignes lues, 1 adresses importées, 1 ligne(s) refusée(s)\n  1 × adresse déjà vue plus haut (doublon)\n  ligne 3 : adresse déjà vue plus haut (doublon) — jean.dupont@medecin.mssante.fr',
	);
	const english = program('directory', 'check', file, '--lang', 'en');
	expect(english.status).toBe(0);
	expect(english.stdout).toMatch(new RegExp(`^${file}: imported in \\d+\\.\\d s\n`));
	expect(english.stdout).toContain(
		'2 lines read, 1 addresses imported, 1 line(s) refused\n  1 × address already seen above (duplicate)\n  line 3: address already seen above (duplicate) — jean.dupont@medecin.mssante.fr',
	);
	expect(program('--lang', 'en', 'directory', 'check', path.join(folder, 'absent.txt'))).toMatchObject({status: 1, stdout: `${path.join(folder, 'absent.txt')}: file not found\n`});
});
