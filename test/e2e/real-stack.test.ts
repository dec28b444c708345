// End-to-end on the REAL card stack: the BUILT kiosk (bin/mssante-kiosk.js → dist/) in a real
// 80×24 pseudo-terminal, with pcscd and vpcd's reader "Virtual PCD 00 00" fed by the TypeScript
// virtual card, and a SoftHSM2 token holding a CPS-like certificate from a fresh test CA as the
// PKCS#11 module. The test never builds: run `npm run build` first.
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import {ensurePcscd, type PcscdHandle} from '../harness/pcscd.js';
import {createTestPki} from '../harness/pki.js';
import {provisionSoftHsm, type SoftHsmToken} from '../harness/softhsm.js';
import {VirtualCard} from '../harness/virtual-card.js';
import {BIN, KEY, PtyKiosk, ROOT, assertBuilt, kioskEnv} from '../helpers/pty.js';

const CPS3_ATR = '3B AC 00 40 2A 00 12 25 00 64 80 00 03 10 00 90 00';
const NOT_CPS_ATR = '3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A';
const READER = 'Virtual PCD 00 00';
const MISSING_MODULE = '/nonexistent/libcps.so';
const WAIT = 15_000;
/** Issue 3 asks for the badge within 1 s; the test allows 3 s so a loaded CI machine does not flake. */
const BADGE_LIMIT_MS = 3_000;

let pcscd: PcscdHandle;
let softhsm: SoftHsmToken;
/** PEM file of the test CA that issued the token's certificate: the embedded service's trust anchor. */
let trustAnchors: string;
const kiosks: PtyKiosk[] = [];
const cards: VirtualCard[] = [];
const dirs: string[] = [];

function dataDir(): string {
	const dir = mkdtempSync(path.join(tmpdir(), 'mssante-e2e-real-'));
	dirs.push(dir);
	return dir;
}

/**
 * The built kiosk on the real stack. The environment is the other end-to-end tests' (kioskEnv:
 * CI=false, so colours are off and the symbols are ASCII: `[OK]`, `[!!]`), plus SoftHSM's
 * configuration, and never the artificial PKCS#11 delay of the benchmark.
 */
function startKiosk(args: string[]): PtyKiosk {
	const env = kioskEnv(softhsm ? {...softhsm.env} : {});
	delete env['MSSANTE_PKCS11_DELAY_MS'];
	const kiosk = new PtyKiosk({args, env, cols: 80, rows: 24});
	kiosks.push(kiosk);
	return kiosk;
}

/** The kiosk on the real stack; its embedded service trusts the test CA unless `trusted` is false. */
function realStackArgs({trusted = true}: {trusted?: boolean} = {}): string[] {
	return ['--no-demo', '--pkcs11-module', softhsm.modulePath, '--pkcs11-token-label', softhsm.tokenLabel, '--data-dir', dataDir(), ...(trusted ? ['--trust-anchors', trustAnchors] : [])];
}

function virtualCard(atr: string): VirtualCard {
	const card = new VirtualCard({atr});
	cards.push(card);
	return card;
}

/** The first line of the screen: title, DEMO label, reader badge. */
function headerLine(screen: string): string {
	return screen.split('\n')[0] ?? '';
}

/** The line of the step-1 checklist starting with `label` (after its OK/bad symbol). */
function checkLine(screen: string, label: string): string | undefined {
	return screen.split('\n').find(line => line.includes(`${label} :`) && /\[(?:OK|!!)\]/.test(line));
}

/** Ends every kiosk and removes every card, even after a failed assertion. */
async function releaseAll(): Promise<void> {
	await Promise.all(kiosks.splice(0).map(kiosk => kiosk.dispose()));
	await Promise.all(cards.splice(0).map(card => card.remove().catch(() => undefined)));
	for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true});
}

beforeAll(async () => {
	assertBuilt();
	pcscd = await ensurePcscd();
	const pki = await createTestPki();
	softhsm = await provisionSoftHsm(pki);
	// Not under dataDir(): those are removed after each test.
	trustAnchors = path.join(mkdtempSync(path.join(tmpdir(), 'mssante-e2e-ca-')), 'ca.pem');
	writeFileSync(trustAnchors, pki.caCertificate.toString('pem'));
}, 60_000);

afterEach(releaseAll);

afterAll(async () => {
	await releaseAll();
	await softhsm?.cleanup();
	if (trustAnchors) rmSync(path.dirname(trustAnchors), {recursive: true, force: true});
	await pcscd?.stop();
});

describe('mssante-kiosk in a real terminal on the real card stack (pcscd + vpcd, SoftHSM2)', () => {
	test('CPS3 card: badge within seconds, the four checks, wrong then right PIN, identity, address proposals, removal closes the session', async () => {
		const kiosk = startKiosk(realStackArgs());
		const card = virtualCard(CPS3_ATR);
		try {
			// 1. No card yet: red "Aucune carte" ([!!]: colours are off under CI=false), and no DEMO label.
			let screen = await kiosk.waitFor('Créer son compte MSSanté', WAIT);
			screen = await kiosk.waitFor('Aucune carte', WAIT);
			expect(headerLine(screen)).toContain('[!!] Aucune carte');
			expect(screen).not.toContain('DÉMO');
			expect(screen).not.toContain('Carte CPS lue');
			await kiosk.waitForRawMode(WAIT);

			// 2. Insert the CPS3: the badge turns to "Carte CPS lue".
			const inserting = performance.now();
			await card.insert();
			screen = await kiosk.waitFor('Carte CPS lue', WAIT);
			const badgeMs = performance.now() - inserting;
			console.log(`[e2e-real-stack] CPS3 inserted → badge "Carte CPS lue" on screen: ${badgeMs.toFixed(0)} ms (issue target 1000 ms, test limit ${BADGE_LIMIT_MS} ms)`);
			expect(headerLine(screen)).toContain('[OK] Carte CPS lue');
			expect(screen).not.toContain('DÉMO');
			expect(badgeMs).toBeLessThanOrEqual(BADGE_LIMIT_MS);

			// 3. Step 1: all four checks OK, the module loaded, the PIN asked.
			await kiosk.press(KEY.enter);
			screen = await kiosk.waitFor('Entrez le code porteur à 4 chiffres', WAIT);
			screen = await kiosk.waitUntil(s => /\[OK\] Module CPS \(PKCS#11\) : chargé/.test(s), 'the module check "chargé"', WAIT);
			expect(checkLine(screen, 'Service carte à puce (pcscd)')).toMatch(/\[OK\] Service carte à puce \(pcscd\) : actif/);
			expect(checkLine(screen, 'Lecteur')).toMatch(new RegExp(`\\[OK\\] Lecteur : ${READER}`));
			expect(checkLine(screen, 'Carte')).toMatch(/\[OK\] Carte : CPS3 reconnue/);
			expect(checkLine(screen, 'Module CPS (PKCS#11)')).toMatch(/\[OK\] Module CPS \(PKCS#11\) : chargé/);
			expect(screen).not.toContain('[!!]');

			// 4. A wrong PIN: the real token refuses it (SoftHSM reports no tries count).
			await kiosk.type('0000');
			await kiosk.waitFor(/Code porteur : [•*]{4}/, WAIT);
			await kiosk.press(KEY.enter);
			screen = await kiosk.waitFor('Code incorrect', WAIT);
			expect(screen).not.toContain('0000');
			expect(screen).not.toContain('Carte lue');

			// 5. The right PIN: the identity of the test certificate.
			await kiosk.waitUntil(s => !/Code porteur : [•*]/.test(s), 'the PIN field emptied after the wrong code', WAIT);
			await kiosk.type(softhsm.pin);
			await kiosk.waitFor(/Code porteur : [•*]{4}/, WAIT);
			await kiosk.press(KEY.enter);
			screen = await kiosk.waitUntil(
				s => s.includes('Carte lue') && s.includes('Marie-Hélène DUPONT-LAJOIE') && s.includes('RPPS 10001234567'),
				'"Carte lue" with Marie-Hélène DUPONT-LAJOIE and RPPS 10001234567',
				WAIT,
			);
			expect(screen).toContain('Médecin');
			expect(screen).not.toContain('Code incorrect');

			// 6. Step 2: the address proposals of a médecin named after the certificate.
			await kiosk.press(KEY.enter);
			screen = await kiosk.waitFor('marie-helene.dupont-lajoie@medecin.mssante.fr', WAIT);

			// 7. The card leaves: the session is wiped, the badge turns red.
			await card.remove();
			screen = await kiosk.waitUntil(
				s => s.includes('Carte retirée : session fermée.') && headerLine(s).includes('[!!] Aucune carte'),
				'"Carte retirée : session fermée." and the red "Aucune carte" badge',
				WAIT,
			);
			expect(screen).not.toContain('Carte CPS lue');
			expect(screen).not.toContain('marie-helene.dupont-lajoie@medecin.mssante.fr');
			expect(screen).not.toContain('DUPONT-LAJOIE');
		} finally {
			await card.remove().catch(() => undefined);
			await kiosk.dispose();
		}
	}, 120_000);

	test('an embedded service with no trust anchor: warned at start-up, and right after the PIN the card is refused with the true reason', async () => {
		const kiosk = startKiosk(realStackArgs({trusted: false}));
		const card = virtualCard(CPS3_ATR);
		try {
			let screen = await kiosk.waitFor('ne reconnaît aucune autorité de certification', WAIT);
			await kiosk.waitForRawMode(WAIT);
			await card.insert();
			await kiosk.waitFor('Carte CPS lue', WAIT);
			await kiosk.press(KEY.enter);
			await kiosk.waitUntil(s => /\[OK\] Module CPS \(PKCS#11\) : chargé/.test(s), 'the module check "chargé"', WAIT);
			await kiosk.type(softhsm.pin);
			await kiosk.waitFor(/Code porteur : [•*]{4}/, WAIT);
			await kiosk.press(KEY.enter);
			screen = await kiosk.waitFor('Carte refusée par le service d’activation', WAIT);
			expect(screen.replace(/\s+/g, ' ')).toContain('autorité reconnue');
			expect(screen).not.toContain('Continuer');
		} finally {
			await card.remove().catch(() => undefined);
			await kiosk.dispose();
		}
	}, 120_000);

	test('a card that is not a CPS: "Carte non CPS" badge, and step 1 says so', async () => {
		const kiosk = startKiosk(realStackArgs());
		const card = virtualCard(NOT_CPS_ATR);
		try {
			await kiosk.waitFor('Créer son compte MSSanté', WAIT);
			await kiosk.waitFor('Aucune carte', WAIT);
			await kiosk.waitForRawMode(WAIT);

			await card.insert();
			let screen = await kiosk.waitFor('Carte non CPS', WAIT);
			expect(headerLine(screen)).toContain('[!!] Carte non CPS');
			expect(screen).not.toContain('Carte CPS lue');

			await kiosk.press(KEY.enter);
			screen = await kiosk.waitFor('Cette carte n’est pas une carte CPS', WAIT);
			expect(checkLine(screen, 'Carte')).toMatch(/\[!!\] Carte : Cette carte n’est pas une carte CPS/);
			// Service, reader and module are fine: only the card is wrong, and no PIN is asked.
			expect(checkLine(screen, 'Module CPS (PKCS#11)')).toMatch(/\[OK\] Module CPS \(PKCS#11\) : chargé/);
			expect(screen).not.toContain('Entrez le code porteur');
		} finally {
			await card.remove().catch(() => undefined);
			await kiosk.dispose();
		}
	}, 60_000);

	test('a module path that does not exist: step 1\'s module check shows the path and "fichier introuvable"', async () => {
		const kiosk = startKiosk(['--no-demo', '--pkcs11-module', MISSING_MODULE, '--data-dir', dataDir()]);
		try {
			let screen = await kiosk.waitFor('Créer son compte MSSanté', WAIT);
			// --no-demo: the real stack even without a module, so no DEMO label.
			expect(screen).not.toContain('DÉMO');
			await kiosk.waitForRawMode(WAIT);
			await kiosk.press(KEY.enter);
			screen = await kiosk.waitFor('Module CPS (PKCS#11)', WAIT);
			const line = checkLine(screen, 'Module CPS (PKCS#11)');
			expect(line, `module check line; screen:\n${screen}`).toBeDefined();
			expect(line).toMatch(/\[!!\] Module CPS \(PKCS#11\)/);
			expect(line, `screen:\n${screen}`).toContain(MISSING_MODULE);
			// The reason on the line below the check (a real Cryptolib path nearly fills 80 columns).
			const lines = screen.split('\n');
			const reason = lines[lines.indexOf(line ?? '') + 1];
			expect(reason, `screen:\n${screen}`).toContain('fichier introuvable');
			expect(screen).not.toContain('Entrez le code porteur');
		} finally {
			await kiosk.dispose();
		}
	}, 60_000);

	test('`doctor` with a module path that does not exist: exit 1, "[!!]" and the path', () => {
		const doctor = spawnSync(process.execPath, [BIN, 'doctor', '--pkcs11-module', MISSING_MODULE, '--data-dir', dataDir()], {
			cwd: ROOT,
			env: kioskEnv(),
			encoding: 'utf8',
			timeout: 30_000,
		});
		expect(doctor.error).toBeUndefined();
		const output = `${doctor.stdout}${doctor.stderr}`;
		expect(doctor.status, output).toBe(1);
		expect(output).toContain('[!!]');
		expect(output).toContain(MISSING_MODULE);
		expect(
			output.split('\n').find(l => l.includes('[!!]') && l.includes('Module CPS') && l.includes(MISSING_MODULE)),
			output,
		).toBeDefined();
		expect(output).toContain('fichier introuvable');
	}, 60_000);
});
