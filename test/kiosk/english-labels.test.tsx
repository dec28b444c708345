// `--lang en`: what the cards and the directory give in French (table G15's professions) and the demo
// reader's name are shown in English, on the demo card and a real service over loopback HTTP.
import {appendFileSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import {writeExtraction} from '../../src/server/directory/generator.js';
import {extractionLine} from '../helpers/extraction.js';
import {startKiosk} from '../helpers/kiosk.js';

const folder = mkdtempSync(path.join(tmpdir(), 'mssante-english-labels-'));
const EXTRACTION = path.join(folder, 'extraction.txt');
afterAll(() => rmSync(folder, {recursive: true, force: true}));

beforeAll(async () => {
	await writeExtraction(EXTRACTION, {rows: 200, seed: 5});
	appendFileSync(
		EXTRACTION,
		`${extractionLine({'Type de BAL': 'PER', 'Adresse BAL': 'elodie.bouvier@sage-femme.mssante.fr', "Nom d'exercice": 'BOUVIER', "Prénom d'exercice": 'Élodie', 'Code Profession': '50', 'Libellé Profession': 'Sage-Femme', 'Code postal': '14200'})}\n`,
	);
});

let kiosk: Awaited<ReturnType<typeof startKiosk>> | undefined;
afterEach(async () => {
	await kiosk?.stop();
	kiosk = undefined;
});

describe('English mode', () => {
	test('step 1: the demo reader and the profession read from the card, in English', async () => {
		kiosk = await startKiosk({props: {lang: 'en'}});
		const {pilot} = kiosk;
		await pilot.press('enter');
		const step1 = await pilot.waitFor('Enter the 4-digit PIN');
		expect(step1).toMatch(/Reader ?: Demo reader 00 00/);
		expect(step1).not.toContain('démonstration');
		await pilot.type('1234\r');
		const identity = await pilot.waitFor('Card read');
		expect(identity).toMatch(/Profession ?: Physician/);
		expect(identity).not.toContain('Médecin');
	});

	test('directory: the professions of the results and of the filter, in English', async () => {
		kiosk = await startKiosk({props: {lang: 'en'}, directory: {kind: 'file', path: EXTRACTION}});
		const {pilot} = kiosk;
		await pilot.press('tab', 'tab', 'enter');
		await pilot.waitFor('201 addresses', 10_000);
		await pilot.type('bouvier');
		const found = await pilot.waitFor('elodie.bouvier@sage-femme.mssante.fr');
		expect(found).toContain('BOUVIER Élodie — Midwife');
		await pilot.press('tab');
		await pilot.press('right');
		await pilot.waitFor(/Profession ?: ‹ (Physician|Pharmacist|Dental surgeon|Midwife|Nurse|Psychiatric nurse|Physiotherapist|Podiatrist|Speech therapist|Orthoptist) ›/);
	});
});
