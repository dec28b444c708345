// What the kiosk says about the card stack, checked on the real one (pcscd + vpcd virtual reader +
// SoftHSM2): the default mode leaves the demo card by itself when pcscd and the module come, and
// each cause of a card not read is named for what it is (issue 10, items 2 and 11).
import {copyFileSync, mkdtempSync, rmSync} from 'node:fs';
import {createRequire} from 'node:module';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import {openKioskCardStack} from '../../src/commands/kiosk/kiosk-card-stack.js';
import type {KioskArguments} from '../../src/commands/kiosk/kiosk-options.js';
import type {Lang} from '../../src/contract/i18n/index.js';
import {KioskRoot} from '../../src/commands/kiosk/render-kiosk.js';
import {openCardStack, type CardStack, type CardStackOptions} from '../../src/hardware/card-stack.js';
import {CpsPkcs11Session, type Pkcs11Api} from '../../src/hardware/pkcs11-session.js';
import {DEFAULT_SETTINGS, openSettings, readSettings} from '../../src/services/settings.js';
import {ensurePcscd, killPcscd, startPcscd, type PcscdHandle} from '../harness/pcscd.js';
import {createTestPki, type TestPki} from '../harness/pki.js';
import {useSoftHsmInThisProcess, type SoftHsmToken} from '../harness/softhsm.js';
import {VirtualCard} from '../harness/virtual-card.js';
import {startKiosk} from '../helpers/kiosk.js';

const CPS3 = '3B AC 00 40 2A 00 12 25 00 64 80 00 03 10 00 90 00';
const MISSING_MODULE = '/nonexistent/libcps3_pkcs11_lux.so';

let pcscd: PcscdHandle;
let softhsm: SoftHsmToken;
let pki: TestPki;
beforeAll(async () => {
	pcscd = await ensurePcscd();
	pki = await createTestPki();
	softhsm = await useSoftHsmInThisProcess(pki);
});
afterAll(async () => {
	await softhsm.cleanup();
	await pcscd.stop();
});

let stack: CardStack | undefined;
let kiosk: Awaited<ReturnType<typeof startKiosk>> | undefined;
let card: VirtualCard | undefined;
afterEach(async () => {
	if (card?.inserted) await card.remove();
	// Whatever a test did to pcscd, the next one finds it running with an empty reader.
	pcscd = await ensurePcscd();
	if (kiosk && stack?.monitor.current().service === 'up') await kiosk.pilot.waitFor('Aucune carte', 5000).catch(() => undefined);
	await kiosk?.stop();
	await stack?.close();
	card = undefined;
	kiosk = undefined;
	stack = undefined;
});

/** The kiosk as the program draws it (KioskRoot follows the stack's switch) on a stack opened like the program's. */
async function kioskOn(mode: CardStackOptions['mode'], options: {modulePath?: string; tokenLabel?: string; lang?: Lang; realCardsUntrusted?: boolean} = {}) {
	const modulePath = options.modulePath ?? softhsm.modulePath;
	const opened = await openCardStack({mode, modulePath, settingsModulePath: modulePath, tokenLabel: options.tokenLabel ?? softhsm.tokenLabel});
	stack = opened;
	kiosk = await startKiosk({
		trustAnchorsPem: pki.caCertificate.toString('pem'),
		props: {monitor: opened.monitor, token: opened.token, lang: options.lang ?? 'fr'},
		root: app => <KioskRoot app={app} stack={opened} notices={[]} realCardsUntrusted={options.realCardsUntrusted ?? false} />,
	});
	return kiosk.pilot;
}

/** A frame showing `text`, wrapped over several lines or not. */
const shows = (text: string) => (frame: string) => frame.replace(/\s+/g, ' ').includes(text);

/** Inserts the CPS3 and opens step 1 up to the PIN prompt. */
async function atPinPrompt(pilot: Awaited<ReturnType<typeof kioskOn>>) {
	await pilot.waitFor('[!!] Aucune carte', 5000);
	card = new VirtualCard({atr: CPS3});
	await card.insert();
	await pilot.waitFor('[OK] Carte CPS lue');
	await pilot.press('enter');
	await pilot.waitFor('Entrez le code porteur');
}

describe('default mode (neither --demo nor --no-demo)', () => {
	test('started before pcscd: the demo card, then the real stack by itself once pcscd answers, with a notice (the demo session ended)', async () => {
		await killPcscd();
		const pilot = await kioskOn('auto');
		expect(stack?.demoCard).toBeDefined();
		await pilot.waitFor('Carte de démonstration : le service carte à puce (pcscd) ne répond pas.');
		expect(pilot.frame()).toContain('DÉMO');
		// A session begun on the demo card meanwhile: it ends with the switch, which says why.
		await pilot.press('enter');
		await pilot.waitFor('[OK] Lecteur : Lecteur de démonstration 00 00');
		pcscd = await startPcscd();
		await pilot.waitFor('Lecteur prêt : la carte de démonstration laisse place à votre carte CPS.', 5000);
		expect(pilot.frame()).toContain('Créer / activer mon compte MSSanté');
		expect(pilot.frame()).not.toContain('DÉMO');
		expect(pilot.frame()).not.toContain('ne répond pas');
		// The real card and token now: the SoftHSM certificate's holder, not the demo's.
		await atPinPrompt(pilot);
		expect(pilot.frame()).toContain('[OK] Lecteur : Virtual PCD 00 00');
		await pilot.type('1234\r');
		await pilot.waitFor('Marie-Hélène DUPONT-LAJOIE');
	});

	test('started before pcscd with no authority configured for real cards: no warning on the demo card, the warning once real cards serve', async () => {
		await killPcscd();
		const pilot = await kioskOn('auto', {realCardsUntrusted: true});
		await pilot.waitFor('Carte de démonstration : le service carte à puce (pcscd) ne répond pas.');
		expect(pilot.frame()).not.toContain('aucune autorité');
		pcscd = await startPcscd();
		await pilot.waitFor(shows('ne reconnaît aucune autorité de certification'), 5000);
	});

	test('module missing at start, then installed: the real stack by itself, with the notice', async () => {
		const folder = mkdtempSync(path.join(tmpdir(), 'mssante-module-later-'));
		const modulePath = path.join(folder, 'libcps3_pkcs11_lux.so');
		try {
			const pilot = await kioskOn('auto', {modulePath});
			await pilot.waitFor(shows(`Carte de démonstration : module CPS introuvable (${modulePath}).`));
			copyFileSync(softhsm.modulePath, modulePath);
			await pilot.waitFor('Lecteur prêt : la carte de démonstration laisse place à votre carte CPS.', 3000);
			expect(pilot.frame()).not.toContain('DÉMO');
			await atPinPrompt(pilot);
			expect(pilot.frame()).toContain('[OK] Module CPS (PKCS#11) : chargé');
		} finally {
			rmSync(folder, {recursive: true, force: true});
		}
	});

	test('module missing, then a real card in a real reader: the real stack and its failing module, never the demo all green', async () => {
		const pilot = await kioskOn('auto', {modulePath: MISSING_MODULE});
		await pilot.waitFor(shows(`Carte de démonstration : module CPS introuvable (${MISSING_MODULE}).`));
		card = new VirtualCard({atr: CPS3});
		await card.insert();
		await pilot.waitFor('Lecteur prêt', 3000);
		expect(pilot.frame()).not.toContain('DÉMO');
		// The badge does not turn green for a card that cannot be read.
		await pilot.waitFor('[!!] Module CPS non chargé');
		await pilot.press('enter');
		await pilot.waitFor(`[!!] Module CPS (PKCS#11) : ${MISSING_MODULE}`);
		const frame = pilot.frame();
		expect(frame).toContain('[OK] Lecteur : Virtual PCD 00 00');
		expect(frame).toContain('Carte reconnue, mais le module CPS ne se charge pas');
		expect(frame).not.toContain('Lecteur de démonstration');
		expect(frame).not.toContain('En attente du lecteur et de la carte');
		expect(frame).not.toContain('Entrez le code porteur');
	});
});

describe('causes named for what they are', () => {
	test('pcscd stopped mid-session: "service arrêté", not "Carte retirée"; the card back, the notice goes', async () => {
		const pilot = await kioskOn('real');
		await atPinPrompt(pilot);
		await killPcscd();
		await pilot.waitFor('Service carte à puce (pcscd) arrêté : session fermée.', 2000);
		expect(pilot.frame()).not.toContain('Carte retirée');
		await card?.remove();
		pcscd = await startPcscd();
		await pilot.waitFor('[!!] Aucune carte', 5000);
		card = new VirtualCard({atr: CPS3});
		await card.insert();
		await pilot.waitFor('[OK] Carte CPS lue');
		await pilot.waitForNo('session fermée');
	});

	test('a card pulled out mid-session: "Carte retirée"; put back, Welcome no longer says it', async () => {
		const pilot = await kioskOn('real');
		await atPinPrompt(pilot);
		await card?.remove();
		await pilot.waitFor('Carte retirée : session fermée.');
		card = new VirtualCard({atr: CPS3});
		await card.insert();
		await pilot.waitFor('[OK] Carte CPS lue');
		await pilot.waitForNo('Carte retirée');
	});

	test('in English, a module file missing: the badge, the check and the advice in English', async () => {
		const pilot = await kioskOn('real', {modulePath: MISSING_MODULE, lang: 'en'});
		card = new VirtualCard({atr: CPS3});
		await card.insert();
		await pilot.waitFor('[!!] CPS module not loaded');
		await pilot.press('enter');
		const frame = await pilot.waitFor(/\[!!\] CPS module \(PKCS#11\) ?: \/nonexistent\/libcps3_pkcs11_lux\.so/);
		expect(frame).toMatch(/\n\s+file not found\n/);
		expect(frame).toContain('Card recognised, but the CPS module does not load');
		expect(frame).not.toContain('introuvable');
	});

	test('a wrong --pkcs11-token-label: the label asked and the tokens present, not "carte retirée"', async () => {
		const pilot = await kioskOn('real', {tokenLabel: 'NOT-THERE'});
		await atPinPrompt(pilot);
		await pilot.type('1234\r');
		await pilot.waitFor(shows(`Aucun jeton « NOT-THERE » sur ce module (--pkcs11-token-label) ; jetons présents : ${softhsm.tokenLabel}.`));
		expect(pilot.frame()).not.toContain('retirée');
	});

	test('wrong PINs on SoftHSM (COUNT_LOW, never FINAL_TRY): "Code incorrect" with no count guessed, after each failure', async () => {
		const pilot = await kioskOn('real');
		await atPinPrompt(pilot);
		for (let attempt = 0; attempt < 2; attempt++) {
			await pilot.type('0000\r');
			await pilot.waitFor('Code incorrect');
			await pilot.waitForNo('Vérification du code');
			expect(pilot.frame()).not.toContain('essai');
		}
		await pilot.type('1234\r');
		await pilot.waitFor('Marie-Hélène DUPONT-LAJOIE');
	});
});

// The kiosk's token runs the worker's built bundle (dist/); the same session logic from the source,
// on the same real SoftHSM module, here in this thread.
describe('the PKCS#11 session on SoftHSM, in this thread', () => {
	let session: CpsPkcs11Session | undefined;
	afterEach(() => {
		session?.finalize();
		session = undefined;
	});

	const open = (tokenLabel: string) => {
		const {PKCS11} = createRequire(import.meta.url)('pkcs11js') as {PKCS11: new () => Pkcs11Api & {load(path: string): void}};
		const module = new PKCS11();
		module.load(softhsm.modulePath);
		session = new CpsPkcs11Session(module, tokenLabel);
		return session;
	};

	test('wrong PINs: SoftHSM sets COUNT_LOW, and no number of tries is made up from it', () => {
		const token = open(softhsm.tokenLabel);
		for (let attempt = 0; attempt < 2; attempt++) {
			expect(token.login('0000')).toEqual({kind: 'incorrect'});
			expect(token.pinStatus()).toEqual({state: 'count-low'});
		}
		expect(token.login('1234').kind).toBe('ok');
	});

	test('a label no token has: "no-token" with the labels present, not "card-removed"', () => {
		expect(open('NOT-THERE').login('1234')).toEqual({kind: 'no-token', label: 'NOT-THERE', found: [softhsm.tokenLabel]});
	});
});

describe('the module path remembered', () => {
	let dataDir: string;
	afterEach(() => rmSync(dataDir, {recursive: true, force: true}));

	const args = (pkcs11Module: string): KioskArguments => ({dataDir, cardMode: 'real', kioskMode: false, pkcs11Module, tokenLabel: softhsm.tokenLabel});

	test('a --pkcs11-module that does not load is not saved in the settings; one that loads is', async () => {
		dataDir = mkdtempSync(path.join(tmpdir(), 'mssante-module-setting-'));
		const settings = await openSettings(dataDir);
		try {
			const failing = await openKioskCardStack(args('/etc/hostname'), settings);
			expect(failing.monitor.current().module).toMatchObject({path: '/etc/hostname', loaded: false});
			await failing.close();
			expect(readSettings(dataDir).pkcs11Module).toBe(DEFAULT_SETTINGS.pkcs11Module);
			const working = await openKioskCardStack(args(softhsm.modulePath), settings);
			expect(working.monitor.current().module.loaded).toBe(true);
			await working.close();
			expect(readSettings(dataDir).pkcs11Module).toBe(softhsm.modulePath);
		} finally {
			await settings.close();
		}
	});
});
