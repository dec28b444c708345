// "Rechercher dans l'annuaire" driven by keys at 80×24, on the kiosk and a real embedded service
// over HTTP, whose directory reads an extraction file from disk in its own thread.
import {appendFileSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import {writeExtraction} from '../../src/server/directory/generator.js';
import {addressProposals} from '../../src/contract/rules/address-rules.js';
import type {ApiClient} from '../../src/contract/api/operations.js';
import {startKiosk, type TestKioskOptions} from '../helpers/kiosk.js';
import {PASSWORD, activateWithCode, fillAccount, toStep3} from '../helpers/walk.js';
import {extractionLine} from '../helpers/extraction.js';

const folder = mkdtempSync(path.join(tmpdir(), 'mssante-directory-screen-'));
const SMALL = path.join(folder, 'small.txt');
afterAll(() => rmSync(folder, {recursive: true, force: true}));

/** Élodie BOUVIER, sage-femme at Hérouville-Saint-Clair: the colleague the tests look for. */
const COLLEAGUE = extractionLine({
	'Type de BAL': 'PER',
	'Adresse BAL': 'elodie.bouvier@sage-femme.mssante.fr',
	"Civilité d'exercice": '',
	"Nom d'exercice": 'BOUVIER',
	"Prénom d'exercice": 'Élodie',
	'Code Profession': '50',
	'Libellé Profession': 'Sage-Femme',
	'Raison Sociale structure BAL': 'MAISON DE SANTE PLURIPROFESSIONNELLE',
	L4NUMEROVOIE: '3',
	NL4TYPEVOIE: 'RUE',
	L4LIBELLEVOIE: 'DES LILAS',
	L6LIGNEACHEMINEMENT: '14200 HEROUVILLE ST CLAIR',
	'Code postal': '14200',
	Département: '14',
});

beforeAll(async () => {
	await writeExtraction(SMALL, {rows: 3000, seed: 11});
	appendFileSync(SMALL, `${COLLEAGUE}\n`);
});

let kiosk: Awaited<ReturnType<typeof startKiosk>> | undefined;
afterEach(async () => {
	await kiosk?.stop();
	kiosk = undefined;
});

async function openDirectory(options: TestKioskOptions = {directory: {kind: 'file', path: SMALL}}) {
	kiosk = await startKiosk(options);
	const {pilot} = kiosk;
	await pilot.press('tab', 'tab', 'enter');
	await pilot.waitFor('Rechercher dans l’annuaire MSSanté');
	return kiosk;
}

/** The result lines of the screen (between the count line and the status line). */
function resultLines(frame: string): string[] {
	const lines = frame.split('\n');
	const start = lines.findIndex(line => line.trimStart().startsWith('──'));
	return lines.slice(start + 1, start + 13).filter(line => line.trim() !== '');
}

describe('Rechercher dans l’annuaire', () => {
	test('opens from Welcome; results update as letters are typed; filters narrow them; Esc goes back', async () => {
		const {pilot} = await openDirectory();
		const all = await pilot.waitFor('3 001 adresses');
		expect(all).toContain('> Nom, prénom ou adresse :');
		await pilot.type('bou');
		const typed = await pilot.waitFor(frame => /── (?!3 001)[\d ]+ adresses? /.test(frame) && !frame.includes('recherche…'));
		const count = Number(/── ([\d ]+) adresse/.exec(typed)?.[1]?.replace(/ /g, ''));
		expect(count).toBeGreaterThan(0);
		expect(count).toBeLessThan(3001);
		// Each result: name — profession, then its address; every one matches "bou".
		for (const line of resultLines(typed).filter((_line, index) => index % 2 === 0)) expect(line.toLowerCase(), typed).toMatch(/bou/);
		// Postal code: Tab to the profession, Tab to the place.
		await pilot.press('tab', 'tab');
		await pilot.type('14200');
		const narrowed = await pilot.waitFor('elodie.bouvier@sage-femme.mssante.fr');
		expect(Number(/── ([\d ]+) adresse/.exec(narrowed)?.[1]?.replace(/ /g, ''))).toBeLessThan(count);
		expect(narrowed).toContain('BOUVIER Élodie — Sage-Femme');
		expect(narrowed).toContain('elodie.bouvier@sage-femme.mssante.fr · 14200 HEROUVILLE ST CLAIR');
		// The profession filter: ← and → cycle through the professions present.
		await pilot.press('shiftTab');
		expect(pilot.frame()).toContain('> Profession : ‹ Toutes ›');
		await pilot.press('right');
		await pilot.waitFor('‹ Médecin ›');
		await pilot.waitForNo('elodie.bouvier');
		await pilot.press('left');
		await pilot.waitFor('elodie.bouvier');
		// Esc back to Welcome: the next person at the kiosk does not find this search.
		await pilot.press('escape');
		await pilot.waitFor('Créer / activer mon compte MSSanté');
		await pilot.press('tab', 'tab', 'enter');
		const again = await pilot.waitFor('3 001 adresses');
		expect(again).not.toContain('bou');
		expect(again).toContain('Code postal ou département :      Ville');
	});

	test('↓ goes into the results, Enter shows one entry in full, Esc comes back to the list', async () => {
		const {pilot} = await openDirectory();
		await pilot.type('bouvier el');
		await pilot.waitFor('elodie.bouvier@sage-femme.mssante.fr');
		await pilot.press('down', 'down', 'down', 'down');
		const selected = pilot.frame();
		expect(resultLines(selected)[0]).toMatch(/^ *> BOUVIER Élodie/);
		await pilot.press('enter');
		const detail = await pilot.waitFor('Adresse postale : 3 RUE DES LILAS, 14200 HEROUVILLE ST CLAIR');
		expect(detail).toContain('Adresse MSSanté : elodie.bouvier@sage-femme.mssante.fr');
		expect(detail).toContain('Structure : MAISON DE SANTE PLURIPROFESSIONNELLE');
		expect(detail).toContain('Boîte aux lettres : personnelle');
		expect(detail).not.toContain('Mobile :');
		await pilot.press('escape');
		await pilot.waitForNo('Adresse postale');
		expect(pilot.frame()).toContain('Rechercher dans l’annuaire MSSanté');
		// ↑ from the first result goes back to the fields.
		await pilot.press('up');
		await pilot.type('x');
		await pilot.waitFor('aucune adresse');
		expect(pilot.frame()).toContain('Aucune adresse ne correspond');
	});

	test('many results: ↓ and PgDn move through them, fetching the next ones from the service', async () => {
		const {pilot} = await openDirectory();
		await pilot.waitFor('3 001 adresses');
		await pilot.press('shiftTab');
		const first = resultLines(pilot.frame());
		expect(first[0]).toMatch(/^ *> /);
		// 12 pages of 6 results: past the 50 results fetched at first, so more are asked for.
		for (let page = 0; page < 12; page++) await pilot.press('pageDown');
		await pilot.press('down');
		const later = await pilot.waitFor(frame => !resultLines(frame).some(line => line.trim() === '…'));
		expect(resultLines(later)).not.toEqual(first);
		expect(resultLines(later).filter(line => /^ *> /.test(line))).toHaveLength(1);
		// Back to the top: the first results again.
		for (let page = 0; page < 13; page++) await pilot.press('pageUp');
		expect(resultLines(await pilot.waitFor(frame => resultLines(frame)[0] === first[0]))[0]).toBe(first[0]);
	});

	test('a slow service: moving faster than the answers still ends on the highlighted result, whose details open', async () => {
		const slow = (client: ApiClient): ApiClient => ({
			...client,
			directory: async (query, options) => {
				await new Promise(resolve => setTimeout(resolve, 150));
				return client.directory(query, options);
			},
		});
		const {pilot} = await openDirectory({directory: {kind: 'file', path: SMALL}, wrapBackend: slow});
		await pilot.waitFor('3 001 adresses');
		await pilot.press('shiftTab');
		for (let step = 0; step < 8; step++) await pilot.press('pageDown');
		await pilot.press('pageUp', 'pageUp');
		// Settles on a real result under the highlight, fetched after the movement.
		const frame = await pilot.waitFor(screen => resultLines(screen).some(line => /^ *> \S/.test(line) && !line.includes('…')) && !screen.includes('recherche…'), 5000);
		const highlighted = resultLines(frame).find(line => /^ *> /.test(line)) ?? '';
		await pilot.press('enter');
		const detail = await pilot.waitFor('Adresse MSSanté :');
		expect(detail).toContain(highlighted.replace(/^ *> /, '').split(' — ')[0] ?? '');
	});

	test('a slow service (fake delay): while a search is on its way the list says so, never "aucune adresse"', async () => {
		const slow = (client: ApiClient): ApiClient => ({
			...client,
			directory: async (query, options) => {
				await new Promise(resolve => setTimeout(resolve, 400));
				return client.directory(query, options);
			},
		});
		const {pilot} = await openDirectory({directory: {kind: 'file', path: SMALL}, wrapBackend: slow});
		await pilot.waitFor('3 001 adresses');
		const from = pilot.stdout.frames.length;
		await pilot.type('zzzw');
		await pilot.waitFor('Aucune adresse ne correspond');
		// One more letter: the last answer had no address, the next one is not there yet.
		await pilot.type('x');
		await pilot.waitFor('recherche…');
		await pilot.waitFor(frame => frame.includes('Aucune adresse ne correspond') && !frame.includes('recherche…'));
		const inFlight = pilot.stdout.frames.slice(from).filter(frame => frame.includes('recherche…'));
		expect(inFlight.some(frame => frame.includes('Recherche en cours…'))).toBe(true);
		for (const frame of inFlight) expect(frame).not.toMatch(/aucune adresse/i);
	});

	test('the place field keeps a postal code (5 digits) or a Corsican département', async () => {
		const {pilot} = await openDirectory();
		await pilot.press('tab', 'tab');
		await pilot.type('2a1');
		expect(pilot.frame()).toContain('Code postal ou département : 2A_');
		await pilot.type('\u0015ab14 2007');
		expect(pilot.frame()).toContain('Code postal ou département : 14200_');
		expect(pilot.frame()).not.toContain('Requête invalide');
	});

	test('without a national file: only accounts activated here, said so', async () => {
		const {pilot} = await openDirectory({});
		const frame = await pilot.waitFor('Annuaire national non installé');
		expect(frame).toContain('aucune adresse');
	});

	test('while the national file loads, the screen says so and stays usable; results fill in when it is ready', async () => {
		const {pilot} = await openDirectory({directory: {kind: 'generated', rows: 150_000}});
		await pilot.waitFor('Chargement de l’annuaire national');
		await pilot.type('dup');
		expect(pilot.frame()).toContain('dup');
		const ready = await pilot.waitFor(/── [\d ]+ adresses/, 30_000);
		expect(ready).not.toContain('Chargement');
	}, 40_000);

	test('removing the card wipes the query', async () => {
		const {pilot, card} = await openDirectory();
		await pilot.type('bouvier');
		await pilot.waitFor('elodie.bouvier');
		card.toggleCard();
		await pilot.waitFor('Carte retirée : session fermée');
		card.toggleCard();
		await pilot.press('tab', 'tab', 'enter');
		const reopened = await pilot.waitFor('3 001 adresses');
		expect(reopened).not.toContain('bouvier');
	});
});

describe('Mobiles and accounts activated here', () => {
	/** A colleague activated at this service, with a published mobile. */
	async function activateColleague(backend: NonNullable<typeof kiosk>['backend'], publishMobile: boolean) {
		const identity = {surname: 'BOUVIER', givenName: 'Élodie', profession: 'Sage-Femme', professionCode: '50', nationalId: '810000000123', idType: 'RPPS' as const};
		// The national file may give her first proposal to a namesake: the free form of it.
		const [free] = await backend.availability([addressProposals(identity)[0]?.address ?? ''], identity);
		return backend.activate({
			requestId: '00000000-0000-4000-8000-000000000001',
			identity,
			address: free?.available ?? '',
			password: PASSWORD,
			options: {email: 'e.bouvier@exemple.fr', mobile: '+33611223344', otpChannel: 'mail', notify: false, publishMobile, listeRouge: false, paperless: false},
			// Received a code on it with her card: the mobile may be published.
			verifiedMobile: '+33611223344',
		});
	}

	test('anonymous from Welcome: a just-activated colleague is found, without the mobile she published', async () => {
		const {pilot, backend} = await openDirectory();
		const account = await activateColleague(backend, true);
		await pilot.type('bouvier');
		const frame = await pilot.waitFor(account.address);
		expect(frame).not.toContain('06 11 22 33 44');
		expect(frame).toContain('Mobiles publiés : visibles une fois connecté');
	});

	test('after activating with the card: the practitioner finds themself, and sees published mobiles', async () => {
		kiosk = await startKiosk({directory: {kind: 'file', path: SMALL}});
		const {pilot, backend} = kiosk;
		const colleague = await activateColleague(backend, true);
		await toStep3(pilot);
		await fillAccount(pilot);
		await activateWithCode(pilot, backend.outbox);
		await pilot.press('tab', 'tab', 'tab', 'enter');
		await pilot.waitFor('Rechercher dans l’annuaire MSSanté');
		await pilot.type('lefevre-durand');
		await pilot.waitFor('marie-helene.lefevre-durand@medecin.mssante.fr');
		// The session opened with the card: once the national file is read, the status says so.
		await pilot.waitFor('Connecté : les mobiles publiés sont visibles.', 10_000);
		await pilot.press('escape');
		// Step 4 again, the focus still on "Rechercher dans l'annuaire".
		await pilot.waitFor(/> Rechercher dans l’annuaire/);
		await pilot.press('enter');
		await pilot.waitFor('Rechercher dans l’annuaire MSSanté');
		// Ctrl+U clears the box; then the colleague with her published mobile.
		await pilot.type('\u0015bouvier elo');
		const found = await pilot.waitFor(colleague.address);
		expect(found).toContain('06 11 22 33 44');
		// Her choice changes: the mobile is no longer published, and no longer shown.
		await backend.update(colleague.address, null, {options: {...colleague.options, publishMobile: false}});
		await pilot.type('d');
		await pilot.press('backspace');
		await pilot.waitForNo('06 11 22 33 44');
	}, 30_000);
});

describe('National size', () => {
	test('a person finds a colleague among 600,001 mailboxes by typing three letters of the name and a postal code', async () => {
		const file = path.join(folder, 'national.txt');
		await writeExtraction(file, {rows: 600_000});
		appendFileSync(file, `${COLLEAGUE}\n`);
		const {pilot} = await openDirectory({directory: {kind: 'file', path: file}});
		await pilot.waitFor('600 001 adresses', 60_000);
		await pilot.type('bou');
		await pilot.press('tab', 'tab');
		await pilot.type('14200');
		const narrowed = await pilot.waitFor(/── [\d ]+ adresses? ·?/);
		await pilot.waitForNo('recherche…');
		// A handful of results: she is among them, a few ↓ away.
		expect(Number(/── ([\d ]+) adresse/.exec(pilot.frame())?.[1]?.replace(/ /g, ''))).toBeLessThan(30);
		expect(narrowed).toContain('Code postal ou département : 14200');
		await pilot.press('enter');
		for (let step = 0; step < 30 && !/> BOUVIER Élodie/.test(pilot.frame()); step++) await pilot.press('down');
		expect(pilot.frame()).toMatch(/> BOUVIER Élodie — Sage-Femme/);
		expect(pilot.frame()).toContain('elodie.bouvier@sage-femme.mssante.fr · 14200 HEROUVILLE ST CLAIR');
	}, 90_000);
});
