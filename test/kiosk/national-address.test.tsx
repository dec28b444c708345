// Step 2 with a national directory (issue 12 item 9), at 80×24 on the demo card and the real
// service over HTTP: the holder's own national address is said to be theirs already; the other form
// of the name, given nationally to a homonym, gets a suffix; the address activated is their own.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, expect, test} from 'vitest';
import {DEMO_IDENTITY} from '../../src/hardware/demo-card.js';
import {EXTRACTION_COLUMNS} from '../../src/server/directory/extraction.js';
import {extractionLine} from '../helpers/extraction.js';
import {startKiosk} from '../helpers/kiosk.js';
import {activateWithCode, fillAccount, toStep2} from '../helpers/walk.js';

const person = (address: string, national: string) =>
	extractionLine({
		'Type de BAL': 'PER',
		'Adresse BAL': address,
		'Identification nationale PP': national,
		"Nom d'exercice": 'LEFÈVRE-DURAND',
		"Prénom d'exercice": 'Marie-Hélène',
		'Code Profession': '10',
		'Libellé Profession': 'Médecin',
		'Code postal': '14000',
		L6LIGNEACHEMINEMENT: '14000 CAEN',
	});

let kiosk: Awaited<ReturnType<typeof startKiosk>> | undefined;
let root: string | undefined;
afterEach(async () => {
	await kiosk?.stop();
	kiosk = undefined;
	if (root) rmSync(root, {recursive: true, force: true});
});

test('step 2 says which proposal is already the practitioner’s in the national directory, and a homonym’s one is suffixed', async () => {
	root = mkdtempSync(path.join(tmpdir(), 'mssante-kiosk-national-'));
	const file = path.join(root, 'annuaire.txt');
	writeFileSync(
		file,
		`${[
			EXTRACTION_COLUMNS.join('|'),
			person('marie-helene.lefevre-durand@medecin.mssante.fr', `8${DEMO_IDENTITY.nationalId}`),
			person('lefevre-durand.marie-helene@medecin.mssante.fr', '810000000042'),
		].join('\n')}\n`,
	);
	kiosk = await startKiosk({directory: {kind: 'file', path: file}});
	const {pilot, backend} = kiosk;
	await toStep2(pilot);
	const lines = pilot.frame().split('\n');
	const under = (address: string) => lines[lines.findIndex(line => line.includes(address)) + 1] ?? '';
	expect(under('marie-helene.lefevre-durand@medecin.mssante.fr')).toContain('adresse qui vous est déjà attribuée dans l’annuaire national');
	expect(under('lefevre-durand.marie-helene2@medecin.mssante.fr')).toContain('adresse déjà prise : suffixe 2 ajouté');
	expect(pilot.frame()).not.toContain('lefevre-durand.marie-helene@medecin.mssante.fr');
	// The first proposal, their own, is the one activated.
	await pilot.press('tab', 'tab', 'tab', 'tab', 'tab', 'space', 'tab', 'tab', 'enter');
	await pilot.waitFor('Choisissez votre mot de passe');
	await fillAccount(pilot);
	await activateWithCode(pilot, backend.outbox);
	expect((await backend.accounts())[0]?.address).toBe('marie-helene.lefevre-durand@medecin.mssante.fr');
});
