// The kiosk's screens on the real stack: pcscd + vpcd virtual reader + SoftHSM2 token, through
// the same openCardStack the program uses (the PKCS#11 calls in their worker thread).
import {spawn} from 'node:child_process';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import {openCardStack, type CardStack} from '../../src/hardware/card-stack.js';
import {ensurePcscd, killPcscd, startPcscd, waitForPcscdSocket, type PcscdHandle} from '../harness/pcscd.js';
import {createTestPki, type TestPki} from '../harness/pki.js';
import {useSoftHsmInThisProcess, type SoftHsmToken} from '../harness/softhsm.js';
import {VirtualCard} from '../harness/virtual-card.js';
import {startKiosk} from '../helpers/kiosk.js';
import {activateWithCode, fillAccount, focusLine} from '../helpers/walk.js';

const CPS3 = '3B AC 00 40 2A 00 12 25 00 64 80 00 03 10 00 90 00';
const CPS4 = '3B DC 18 FF 00 00 12 25 00 64 80 00 04 01 00 90 00';
const NOT_CPS = '3B 6E 00 00 80 31 80 66 B0 84 0C 01 6E 01 83 00 90 00';

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
	if (card?.inserted) {
		await card.remove();
		// Leave the reader empty as pcscd sees it, or the next test starts with this card.
		await kiosk?.pilot.waitFor('Aucune carte').catch(() => undefined);
	}
	await kiosk?.stop();
	await stack?.close();
	card = undefined;
	kiosk = undefined;
	stack = undefined;
});

async function realKiosk(modulePath = softhsm.modulePath, rememberReader?: (name: string) => void) {
	stack = await openCardStack({mode: 'real', modulePath, settingsModulePath: modulePath, tokenLabel: softhsm.tokenLabel});
	kiosk = await startKiosk({trustAnchorsPem: pki.caCertificate.toString('pem'), props: {monitor: stack.monitor, token: stack.token, demoCard: undefined, rememberReader}});
	return kiosk.pilot;
}

/** A kiosk whose readers are seen and empty. */
async function readyKiosk(modulePath?: string, rememberReader?: (name: string) => void) {
	const pilot = await realKiosk(modulePath, rememberReader);
	await pilot.waitFor('[!!] Aucune carte', 5000);
	return pilot;
}

describe('kiosk on pcscd + SoftHSM2', () => {
	test.each([
		['CPS3', CPS3],
		['CPS4', CPS4],
	])('a %s turns the badge green within a second; removing it turns it red and wipes the session', async (_kind, atr) => {
		const pilot = await readyKiosk();
		expect(pilot.frame()).not.toContain('DÉMO');
		card = new VirtualCard({atr});
		await card.insert();
		await pilot.waitFor('[OK] Carte CPS lue', 1000);
		await pilot.press('enter');
		await pilot.waitFor('[OK] Module CPS (PKCS#11) : chargé');
		await pilot.type('1234\r');
		await pilot.waitFor('Carte lue : Marie-Hélène DUPONT-LAJOIE');
		await card.remove();
		await pilot.waitFor('Carte retirée : session fermée.');
		expect(pilot.frame()).toContain('[!!] Aucune carte');
	});

	test('wrong PIN: refused by the token; right PIN: the identity of the certificate, then its address proposals', async () => {
		const pilot = await readyKiosk();
		card = new VirtualCard({atr: CPS3});
		await card.insert();
		await pilot.waitFor('[OK] Carte CPS lue');
		await pilot.press('enter');
		await pilot.waitFor('Entrez le code porteur');
		await pilot.type('0000\r');
		await pilot.waitFor('Code incorrect');
		await pilot.type('1234\r');
		await pilot.waitFor('Carte lue : Marie-Hélène DUPONT-LAJOIE');
		expect(pilot.frame()).toContain('Profession : Médecin');
		expect(pilot.frame()).toContain('RPPS 10001234567');
		await pilot.press('enter');
		await pilot.waitFor('marie-helene.dupont-lajoie@medecin.mssante.fr');
		expect(pilot.frame()).toContain('dupont-lajoie.marie-helene@pro.mssante.fr');
		// Activation with the card's proof: the SoftHSM key signs the backend's challenge.
		await pilot.press('tab', 'tab', 'tab', 'tab', 'tab', 'space', 'tab', 'tab', 'enter');
		await pilot.waitFor('Choisissez votre mot de passe');
		await fillAccount(pilot);
		await activateWithCode(pilot, (kiosk as NonNullable<typeof kiosk>).backend.outbox);
		expect((await (kiosk as NonNullable<typeof kiosk>).backend.accounts())[0]?.identity.nationalId).toBe('10001234567');
	});

	test('a card that is not a CPS', async () => {
		const pilot = await readyKiosk();
		card = new VirtualCard({atr: NOT_CPS});
		await card.insert();
		await pilot.waitFor('[!!] Carte non CPS');
		await pilot.press('enter');
		await pilot.waitFor('Cette carte n’est pas une carte CPS');
		expect(pilot.frame()).not.toContain('Entrez le code porteur');
	});

	test('pcscd killed: "Service carte à puce arrêté"; restarted: green again in the same process', async () => {
		const pilot = await readyKiosk();
		card = new VirtualCard({atr: CPS3});
		await card.insert();
		await pilot.waitFor('[OK] Carte CPS lue');
		await killPcscd();
		await pilot.waitFor('[!!] Service carte à puce arrêté', 1000);
		await card.remove();
		pcscd = await startPcscd();
		await pilot.waitFor('[!!] Aucune carte', 5000);
		card = new VirtualCard({atr: CPS3});
		await card.insert();
		await pilot.waitFor('[OK] Carte CPS lue');
	});

	test('no reader: "Aucun lecteur"', async () => {
		await killPcscd();
		// A pcscd reading an empty reader.conf.d: no virtual reader, and no USB reader here.
		const empty = mkdtempSync(path.join(tmpdir(), 'no-readers-'));
		const bare = spawn('pcscd', ['-f', '-c', empty], {stdio: 'ignore'});
		try {
			await waitForPcscdSocket();
			const pilot = await realKiosk();
			await pilot.waitFor('[!!] Aucun lecteur');
			await pilot.press('enter');
			await pilot.waitFor('Lecteur : aucun lecteur détecté');
		} finally {
			await kiosk?.stop();
			await stack?.close();
			kiosk = undefined;
			stack = undefined;
			await killPcscd();
			bare.kill();
			pcscd = await startPcscd();
		}
	});

	test('several readers: the one holding a CPS by default, L reads the next one and the choice is remembered', async () => {
		const remembered: string[] = [];
		const pilot = await readyKiosk(softhsm.modulePath, name => remembered.push(name));
		const other = new VirtualCard({atr: NOT_CPS, port: 35964});
		await other.insert();
		try {
			await pilot.waitFor('[!!] Carte non CPS');
			card = new VirtualCard({atr: CPS3});
			await card.insert();
			// The CPS wins over the other card, whatever the readers' order.
			await pilot.waitFor('[OK] Carte CPS lue');
			await pilot.press('enter');
			await pilot.waitFor('[OK] Lecteur : Virtual PCD 00 00');
			expect(pilot.frame()).toContain('2 lecteurs : L pour lire la carte du lecteur suivant');
			await pilot.type('l');
			await pilot.waitFor('[OK] Lecteur : Virtual PCD 00 01');
			await pilot.waitFor('Cette carte n’est pas une carte CPS');
			expect(remembered).toEqual(['Virtual PCD 00 01']);
		} finally {
			await other.remove();
		}
	});

	test('the help screens add the workstation diagnostics: what is wrong and what to do', async () => {
		const pilot = await realKiosk('/nonexistent/libcps3_pkcs11_lux.so');
		await pilot.press('enter');
		await pilot.waitFor('Mon icône est rouge');
		await focusLine(pilot, 'Mon icône est rouge');
		await pilot.press('enter');
		await pilot.waitFor('Diagnostic automatique de ce poste');
		await pilot.waitFor(/> .*module CPS.*introuvable/i, 10_000);
	});

	test('a wrong module path: step 1 says which file and why', async () => {
		const pilot = await realKiosk('/nonexistent/libcps3_pkcs11_lux.so');
		card = new VirtualCard({atr: CPS3});
		await card.insert();
		await pilot.press('enter');
		await pilot.waitFor(/\[!!\] Module CPS \(PKCS#11\) : \/nonexistent\/libcps3_pkcs11_lux\.so\n\s+fichier introuvable/);
		expect(pilot.frame()).not.toContain('Entrez le code porteur');
	});
});
