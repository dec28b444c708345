// The real card stack against real parts: pcscd with vpcd's virtual reader fed by a TypeScript
// virtual card, and a SoftHSM2 token holding a CPS-like certificate issued by a test CA.
import {webcrypto} from 'node:crypto';
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import {PcscReaderMonitor} from '../../src/hardware/pcsc-monitor.js';
import {ModuleLoadError, Pkcs11Token} from '../../src/hardware/pkcs11-token.js';
import type {ReaderSnapshot} from '../../src/hardware/reader-monitor.js';
import {badgeState} from '../../src/hardware/reader-monitor.js';
import {ensurePcscd, killPcscd, startPcscd, type PcscdHandle} from '../harness/pcscd.js';
import {RSA_SIGNING, createTestPki, type TestPki} from '../harness/pki.js';
import {useSoftHsmInThisProcess, type SoftHsmToken} from '../harness/softhsm.js';
import {VirtualCard} from '../harness/virtual-card.js';

const CPS_ATRS = {
	CPS3: '3B AC 00 40 2A 00 12 25 00 64 80 00 03 10 00 90 00',
	'CPS3 sans contact': '3B 8F 80 01 00 31 B8 64 04 B0 EC C1 73 94 01 80 82 90 00 0E',
	'CPS4 (a)': '3B 9B 18 80 01 00 12 25 00 64 80 04 01 00 00 90 44',
	'CPS4 (b)': '3B 9B 18 80 01 00 12 25 00 64 80 00 04 01 00 90 44',
	'CPS4 (c)': '3B DC 18 FF 00 00 12 25 00 64 80 00 04 01 00 90 00',
};
// A contact card that is not a CPS (vpcd handles storage-card ATRs badly on removal).
const NOT_CPS = '3B 6E 00 00 80 31 80 66 B0 84 0C 01 6E 01 83 00 90 00';

let pcscd: PcscdHandle;
beforeAll(async () => {
	pcscd = await ensurePcscd();
});
afterAll(async () => {
	await pcscd.stop();
});

/** Resolves with the first snapshot matching `predicate` and how long it took, or fails after `timeoutMs`. */
function until(monitor: PcscReaderMonitor, predicate: (snapshot: ReaderSnapshot) => boolean, timeoutMs = 3000): Promise<{snapshot: ReaderSnapshot; ms: number}> {
	const start = performance.now();
	return new Promise((resolve, reject) => {
		if (predicate(monitor.current())) {
			resolve({snapshot: monitor.current(), ms: 0});
			return;
		}
		const timer = setTimeout(() => {
			unsubscribe();
			reject(new Error(`no matching snapshot within ${timeoutMs} ms; last: ${JSON.stringify(monitor.current())}`));
		}, timeoutMs);
		const unsubscribe = monitor.subscribe(snapshot => {
			if (!predicate(snapshot)) return;
			clearTimeout(timer);
			unsubscribe();
			resolve({snapshot, ms: performance.now() - start});
		});
	});
}

describe('reader monitor over pcscd', () => {
	let monitor: PcscReaderMonitor | undefined;
	let card: VirtualCard | undefined;
	afterEach(async () => {
		// Leave the reader empty for the next test, as pcscd sees it.
		if (card?.inserted) {
			await card.remove();
			if (monitor && monitor.current().service === 'up') await until(monitor, snapshot => snapshot.card === null);
		}
		await monitor?.close();
		card = undefined;
		monitor = undefined;
	});

	test.each(Object.entries(CPS_ATRS))('%s is recognised within 1 s, and its removal seen', async (kind, atr) => {
		monitor = new PcscReaderMonitor({module: {path: 'test', loaded: true}});
		await until(monitor, snapshot => snapshot.readers.includes('Virtual PCD 00 00'));
		card = new VirtualCard({atr});
		await card.insert();
		const inserted = await until(monitor, snapshot => snapshot.card !== null);
		expect(inserted.snapshot.card?.cpsKind).toBe(kind.replace(/ \([abc]\)$/, ''));
		expect(inserted.snapshot.card?.reader).toBe('Virtual PCD 00 00');
		expect(badgeState(inserted.snapshot)).toBe('cps');
		expect(inserted.ms).toBeLessThan(1000);
		await card.remove();
		const removed = await until(monitor, snapshot => snapshot.card === null);
		expect(badgeState(removed.snapshot)).toBe('no-card');
	});

	test('a card that is not a CPS is reported as such', async () => {
		monitor = new PcscReaderMonitor({module: {path: 'test', loaded: true}});
		card = new VirtualCard({atr: NOT_CPS});
		await card.insert();
		const {snapshot} = await until(monitor, current => current.card !== null);
		expect(snapshot.card?.cpsKind).toBeUndefined();
		expect(badgeState(snapshot)).toBe('not-cps');
	});

	test('pcscd stopped: "service down" within a second; restarted: back, in the same monitor', async () => {
		monitor = new PcscReaderMonitor({module: {path: 'test', loaded: true}});
		card = new VirtualCard({atr: CPS_ATRS.CPS3});
		await card.insert();
		await until(monitor, snapshot => snapshot.card?.cpsKind === 'CPS3');
		await killPcscd();
		const down = await until(monitor, snapshot => snapshot.service === 'down');
		expect(down.ms).toBeLessThan(1000);
		expect(badgeState(down.snapshot)).toBe('service-down');
		await card.remove();
		const restarted = await startPcscd();
		try {
			await until(monitor, snapshot => snapshot.service === 'up' && snapshot.readers.length > 0, 5000);
			card = new VirtualCard({atr: CPS_ATRS.CPS3});
			await card.insert();
			const back = await until(monitor, snapshot => snapshot.card?.cpsKind === 'CPS3');
			expect(badgeState(back.snapshot)).toBe('cps');
		} finally {
			// Leave a pcscd running for the next tests, whoever started it.
			pcscd = restarted;
		}
	});

	test('pcscd down at start: "service down", and found by itself once it starts', async () => {
		await killPcscd();
		monitor = new PcscReaderMonitor({module: {path: 'test', loaded: true}, retryMs: 200});
		expect(monitor.current().service).toBe('down');
		pcscd = await startPcscd();
		await until(monitor, snapshot => snapshot.service === 'up' && snapshot.readers.includes('Virtual PCD 00 00'), 5000);
	});
});

describe('CPS token over PKCS#11 (SoftHSM2), in a worker thread', () => {
	let pki: TestPki;
	let softhsm: SoftHsmToken;
	let token: Pkcs11Token | undefined;
	beforeAll(async () => {
		pki = await createTestPki();
		softhsm = await useSoftHsmInThisProcess(pki);
	});
	afterAll(async () => {
		await softhsm.cleanup();
	});
	afterEach(async () => {
		await token?.close();
		token = undefined;
	});

	const open = () => Pkcs11Token.open({modulePath: softhsm.modulePath, tokenLabel: softhsm.tokenLabel});

	test('a wrong PIN is refused by the token', async () => {
		token = await open();
		expect(await token.pinStatus()).toEqual({state: 'ok'});
		const result = await token.login('0000');
		expect(result.kind).toBe('incorrect');
	});

	test('the right PIN gives the identity of the certificate', async () => {
		token = await open();
		const result = await token.login('1234');
		expect(result).toEqual({
			kind: 'ok',
			identity: {givenName: 'Marie-Hélène', surname: 'DUPONT-LAJOIE', profession: 'Médecin', professionCode: '10', nationalId: '10001234567', idType: 'RPPS'},
		});
	});

	test("a challenge signed with the card's key verifies with the certificate's public key", async () => {
		token = await open();
		await token.login('1234');
		const challenge = webcrypto.getRandomValues(new Uint8Array(32));
		const signature = await token.sign(challenge);
		const publicKey = await pki.certificate.publicKey.export(RSA_SIGNING, ['verify'], webcrypto as unknown as Crypto);
		expect(await webcrypto.subtle.verify(RSA_SIGNING, publicKey, new Uint8Array(signature), challenge)).toBe(true);
		const tampered = new Uint8Array(challenge);
		tampered[0] = (tampered[0] ?? 0) ^ 1;
		expect(await webcrypto.subtle.verify(RSA_SIGNING, publicKey, new Uint8Array(signature), tampered)).toBe(false);
	});

	test('signing needs a login, and logout ends it', async () => {
		token = await open();
		await expect(token.sign(new Uint8Array(8))).rejects.toThrow('Carte non authentifiée');
		await token.login('1234');
		await token.logout();
		await expect(token.sign(new Uint8Array(8))).rejects.toThrow('Carte non authentifiée');
	});

	test('a wrong module path is a clear error', async () => {
		await expect(Pkcs11Token.open({modulePath: '/nonexistent/libcps3_pkcs11_lux.so'})).rejects.toThrow(ModuleLoadError);
		await expect(Pkcs11Token.open({modulePath: '/nonexistent/libcps3_pkcs11_lux.so'})).rejects.toThrow('fichier introuvable');
		await expect(Pkcs11Token.open({modulePath: '/etc/hostname'})).rejects.toThrow(/Module PKCS#11 \/etc\/hostname : /);
	});
});
