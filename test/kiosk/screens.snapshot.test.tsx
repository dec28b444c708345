// Snapshots of every screen state at 80×24. Each state also has behaviour tests that type keys
// and assert what changed (wizard.test.tsx); these catch layout regressions.
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import {writeExtraction} from '../../src/server/directory/generator.js';
import {DEFAULT_SETTINGS} from '../../src/services/settings.js';
import {startKiosk, type TestKioskOptions} from '../helpers/kiosk.js';
import {PASSWORD, activateWithCode, fillAccount, focusLine, pressActivate, toIdentity, toStep2, toStep3} from '../helpers/walk.js';

let kiosk: Awaited<ReturnType<typeof startKiosk>> | undefined;
afterEach(async () => {
	await kiosk?.stop();
	kiosk = undefined;
});

async function open(options: TestKioskOptions = {}) {
	kiosk = await startKiosk(options);
	return kiosk.pilot;
}

/** The code screen's countdown runs in real time: its seconds depend on the machine's speed, not on the layout. */
function liveCountdown(frame: string): string {
	return frame.replace(/Nouveau code possible dans \d+ s\./, 'Nouveau code possible dans NN s.');
}

function expectScreen(frame: string) {
	const lines = frame.split('\n');
	expect(lines.length).toBeLessThanOrEqual(24);
	for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80);
	expect(frame).not.toContain(PASSWORD);
	expect(frame).toMatchSnapshot();
}

describe('Welcome', () => {
	test('French, ASCII', async () => expectScreen((await open()).frame()));
	test('English', async () => expectScreen((await open({props: {lang: 'en'}})).frame()));
	test('UTF-8 symbols', async () => expectScreen((await open({props: {theme: {unicode: true, color: true}}})).frame()));
	test('after the card was removed', async () => {
		const pilot = await open();
		await toIdentity(pilot);
		kiosk?.card.toggleCard();
		expectScreen(await pilot.waitFor('Carte retirée'));
	});
	test('settings set aside at start', async () => {
		const pilot = await open({props: {startupNotice: 'Réglages illisibles : mis de côté sous /var/lib/x/settings.json.corrupt-2026, valeurs par défaut utilisées.'}});
		expectScreen(pilot.frame());
	});
	test('kiosk mode refuses Ctrl+C', async () => {
		const pilot = await open({props: {kioskMode: true}});
		await pilot.press('ctrlC');
		expectScreen(await pilot.waitFor('Ctrl+C est désactivé'));
	});
});

describe('Step 1', () => {
	test('PIN prompt', async () => {
		const pilot = await open();
		await pilot.press('enter');
		await pilot.type('12');
		expectScreen(await pilot.waitFor('Code porteur : **'));
	});
	test('no card', async () => {
		const pilot = await open({card: {inserted: false}});
		await pilot.press('enter');
		expectScreen(await pilot.waitFor('En attente du lecteur'));
	});
	test('wrong PIN, then final try', async () => {
		const pilot = await open();
		await pilot.press('enter');
		await pilot.type('0000\r');
		expectScreen(await pilot.waitFor('il vous reste 2 essai(s)'));
		await pilot.type('0000\r');
		expectScreen(await pilot.waitFor('dernier essai'));
	});
	test('locked', async () => {
		const pilot = await open();
		await pilot.press('enter');
		for (const pin of ['0000', '0000', '0000']) await pilot.type(`${pin}\r`);
		expectScreen(await pilot.waitFor('Carte bloquée'));
	});
	test('identity read from the card', async () => {
		const pilot = await open();
		await toIdentity(pilot);
		expectScreen(pilot.frame());
	});
	test.each([
		[1, 'Demandez votre carte CPS'],
		[2, 'Vérifiez le câble USB'],
		[3, 'Insérez la carte puce en premier'],
	])('help branch %i', async (tabs, text) => {
		const pilot = await open();
		await pilot.press('enter');
		for (let i = 0; i < tabs; i++) await pilot.press('tab');
		await pilot.press('enter');
		expectScreen(await pilot.waitFor(text));
	});
	test('general help (F1)', async () => {
		const pilot = await open();
		await pilot.press('f1');
		expectScreen(await pilot.waitFor('Diagnostic automatique'));
	});
});

describe('Step 2', () => {
	test('proposals with a suffixed address', async () => {
		const pilot = await open();
		await toStep2(pilot);
		expectScreen(pilot.frame());
	});
	test('CGU not accepted', async () => {
		const pilot = await open();
		await toStep2(pilot);
		await focusLine(pilot, 'Suivant >');
		await pilot.press('enter');
		expectScreen(await pilot.waitFor('Acceptez les conditions'));
	});
});

describe('Step 3', () => {
	test('empty form', async () => {
		const pilot = await open();
		await toStep3(pilot);
		expectScreen(pilot.frame());
	});
	test('invalid fields with their reasons', async () => {
		const pilot = await open();
		await toStep3(pilot);
		await pilot.type('abc\tabd\tjean@mssante.fr\t0123\t');
		expectScreen(await pilot.waitFor('numéro invalide'));
	});
	test('liste rouge turned publishing off', async () => {
		const pilot = await open();
		await toStep3(pilot);
		await fillAccount(pilot);
		await focusLine(pilot, 'Je souhaite que mon numéro de mobile');
		await pilot.press('space', 'tab', 'space');
		expectScreen(await pilot.waitFor('Liste rouge choisie'));
	});
	test('convention de preuve', async () => {
		const pilot = await open();
		await toStep3(pilot);
		await focusLine(pilot, 'En savoir plus sur la convention de preuve');
		await pilot.press('enter');
		expectScreen(await pilot.waitFor('Convention de preuve'));
	});
	test('idle countdown', async () => {
		// The warning comes after 5 s without a key: the walk's keys are not taken by it (the key that
		// ends a countdown is not typed anywhere, see idle-countdown.test.tsx).
		const pilot = await open({props: {settings: {...DEFAULT_SETTINGS, idleTimeoutSeconds: 65, idleWarningSeconds: 60}}});
		await toStep2(pilot);
		await pilot.press('tab');
		expectScreen(await pilot.waitFor('la session se ferme dans 60 s', 10_000));
	});
});

describe('One-time code and sign-in', () => {
	test('code asked before activation', async () => {
		const pilot = await open();
		await toStep3(pilot);
		await fillAccount(pilot);
		await pressActivate(pilot);
		expectScreen(liveCountdown(await pilot.waitFor('Saisissez le code à usage unique')));
	});
	test('wrong code', async () => {
		const pilot = await open();
		await toStep3(pilot);
		await fillAccount(pilot);
		await pressActivate(pilot);
		await pilot.waitFor('Saisissez le code à usage unique');
		await pilot.type('000000\r');
		expectScreen(liveCountdown(await pilot.waitFor(/code incorrect|code expiré/)));
	});
	test('sign-in without the card', async () => {
		const pilot = await open();
		await pilot.press('down', 'enter');
		await pilot.type('jean.dupont@medecin.mssante.fr\t');
		expectScreen(await pilot.waitFor('Recevoir mon code'));
	});
});

describe('Step 4', () => {
	async function activated() {
		const pilot = await open();
		await toStep3(pilot);
		await fillAccount(pilot);
		await activateWithCode(pilot, (kiosk as NonNullable<typeof kiosk>).backend.outbox);
		return pilot;
	}
	test('summary', async () => expectScreen((await activated()).frame()));
	test('webmail with QR code', async () => {
		const pilot = await activated();
		await pilot.press('enter');
		// The QR code is drawn once its library is loaded, after the screen shows.
		expectScreen(await pilot.waitFor(frame => frame.includes('Aucun navigateur') && frame.includes('█')));
	});
	test('invitations sent', async () => {
		const pilot = await activated();
		await pilot.press('tab', 'tab', 'enter');
		await pilot.type('a.martin@exemple.fr\r');
		expectScreen(await pilot.waitFor('1 invitation(s) envoyée(s).'));
	});
	test('edit mode', async () => {
		const pilot = await activated();
		await pilot.press('tab', 'enter');
		expectScreen(await pilot.waitFor('Nouveau mot de passe'));
	});
});

describe('Directory', () => {
	const folder = mkdtempSync(path.join(tmpdir(), 'mssante-snapshot-'));
	const file = path.join(folder, 'extraction.txt');
	beforeAll(() => writeExtraction(file, {rows: 2000, seed: 5}));
	afterAll(() => rmSync(folder, {recursive: true, force: true}));

	async function directory() {
		const pilot = await open({directory: {kind: 'file', path: file}});
		await pilot.press('tab', 'tab', 'enter');
		await pilot.waitFor('2 000 adresses');
		return pilot;
	}

	test('results as typed, with a postal code', async () => {
		const pilot = await directory();
		await pilot.type('ma');
		await pilot.press('tab', 'tab');
		await pilot.type('75');
		expectScreen(await pilot.waitFor(frame => /── (?!2 000)[\d ]+ adresses/.test(frame) && !frame.includes('recherche…')));
	});
	test('one entry in full', async () => {
		const pilot = await directory();
		await pilot.type('secretariat');
		await pilot.waitFor(frame => /── (?!2 000)[\d ]+ adresses/.test(frame) && !frame.includes('recherche…'));
		await pilot.press('enter', 'enter');
		expectScreen(await pilot.waitFor('Boîte aux lettres'));
	});
	test('nothing found', async () => {
		const pilot = await directory();
		await pilot.type('zzz');
		// Each letter is searched: the last answer is the one without a search on its way.
		expectScreen(await pilot.waitFor(frame => frame.includes('Aucune adresse ne correspond') && !frame.includes('recherche…')));
	});
	test('no national file installed', async () => {
		const pilot = await open();
		await pilot.press('tab', 'tab', 'enter');
		expectScreen(await pilot.waitFor('Annuaire national non installé'));
	});
});
