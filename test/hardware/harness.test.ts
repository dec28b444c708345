import {createRequire} from 'node:module';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {x509} from '../../src/contract/certificate/cps-certificate.js';
import {ensurePcscd, type PcscdHandle} from '../harness/pcscd.js';
import {createTestPki, type TestPki} from '../harness/pki.js';
import {CPS_AUTH_LABEL, provisionSoftHsm, type SoftHsmToken} from '../harness/softhsm.js';
import {VirtualCard} from '../harness/virtual-card.js';

const require = createRequire(import.meta.url);
const pcsclite = require('pcsclite') as typeof import('pcsclite');
const pkcs11js = require('pkcs11js') as typeof import('pkcs11js');

type PcscLite = ReturnType<typeof pcsclite>;
type CardReader = Parameters<Parameters<PcscLite['on']>[1]>[0] & {name: string};
type ReaderStatus = {state: number; atr?: Buffer};

const CPS3_ATR = '3B AC 00 40 2A 00 12 25 00 64 80 00 03 10 00 90 00';
const READER = 'Virtual PCD 00 00';

/** `promise`, or a rejection naming `what` after `timeoutMs`. */
async function withTimeout<T>(promise: Promise<T>, what: string, timeoutMs = 5_000): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>((_resolve, reject) => {
		timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
	});
	try {
		return await Promise.race([promise, timeout]);
	} finally {
		clearTimeout(timer);
	}
}

/** Resolves with the first event value `match` accepts, failing after `timeoutMs`. */
function waitFor<T>(what: string, subscribe: (listener: (value: T) => void) => () => void, match: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			unsubscribe();
			reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
		}, timeoutMs);
		const unsubscribe = subscribe(value => {
			if (!match(value)) return;
			clearTimeout(timer);
			unsubscribe();
			resolve(value);
		});
	});
}

describe('test PKI', () => {
	test('the end-entity subject is one multi-valued RDN CN+SN+GN, then title, then C, signed by the CA', async () => {
		const pki = await createTestPki();
		// Re-parsed from the DER, not from the generator's objects.
		const subject = new x509.X509Certificate(pki.certificateDer).subjectName.toJSON();
		expect(subject).toEqual([{CN: ['810001234567'], SN: ['DUPONT-LAJOIE'], G: ['MARIE-HÉLÈNE']}, {T: ['Médecin']}, {C: ['FR']}]);
		expect(Object.keys(subject[0] ?? {})).toHaveLength(3);
		expect(pki.caCertificate.subject).toBe('CN=AC TEST MSSANTE KIOSK, O=mssante-kiosk tests, C=FR');
		expect(pki.certificate.issuer).toBe(pki.caCertificate.subject);
		expect(await pki.certificate.verify({publicKey: pki.caCertificate.publicKey, signatureOnly: true})).toBe(true);
		const keyUsage = pki.certificate.getExtension(x509.KeyUsagesExtension);
		expect(keyUsage?.usages).toBe(x509.KeyUsageFlags.digitalSignature);
	});
});

describe('pcscd + vpcd virtual card', () => {
	let pcscd: PcscdHandle;
	let pcsc: PcscLite | undefined;
	const readers: CardReader[] = [];

	beforeAll(async () => {
		pcscd = await ensurePcscd();
	});

	afterAll(async () => {
		for (const reader of readers) {
			reader.on('error', () => {});
			reader.close();
		}
		if (pcsc) {
			// close() makes the pending SCardGetStatusChange fail with "Command cancelled".
			pcsc.on('error', () => {});
			pcsc.close();
		}
		await pcscd?.stop();
	});

	test('inserting a card shows its ATR on "Virtual PCD 00 00"; removing it empties the reader', async () => {
		const statuses: ReaderStatus[] = [];
		const statusListeners = new Set<(status: ReaderStatus) => void>();
		const subscribe = (listener: (status: ReaderStatus) => void) => {
			statusListeners.add(listener);
			return () => statusListeners.delete(listener);
		};

		pcsc = pcsclite();
		const errors: unknown[] = [];
		pcsc.on('error', error => errors.push(error));
		const readerFound = new Promise<CardReader>(resolve => {
			pcsc?.on('reader', reader => {
				const cardReader = reader as CardReader;
				readers.push(cardReader);
				cardReader.on('error', error => errors.push(error));
				if (cardReader.name !== READER) return;
				cardReader.on('status', (status: ReaderStatus) => {
					statuses.push(status);
					for (const listener of statusListeners) listener(status);
				});
				resolve(cardReader);
			});
		});
		const reader = await withTimeout(readerFound, `reader ${READER}`);

		const card = new VirtualCard({atr: CPS3_ATR});
		// State bits only: the upper 16 bits of `state` carry an event counter.
		const present = (status: ReaderStatus) => (status.state & reader.SCARD_STATE_PRESENT) !== 0;
		const empty = (status: ReaderStatus) => (status.state & reader.SCARD_STATE_EMPTY) !== 0 && !present(status);

		const inserted = waitFor('a present card with the CPS3 ATR', subscribe, status => present(status) && status.atr?.equals(card.atr) === true);
		await card.insert();
		expect(card.inserted).toBe(true);
		const status = await inserted;
		expect(status.atr?.toString('hex')).toBe(CPS3_ATR.replace(/ /g, '').toLowerCase());

		const removed = waitFor('an empty reader', subscribe, empty);
		await card.remove();
		expect(card.inserted).toBe(false);
		await removed;
		expect(errors).toEqual([]);
	});

	test('insert() rejects when nothing listens on the port', async () => {
		// Port 9 (discard) has no listener on a test machine.
		const card = new VirtualCard({atr: CPS3_ATR, port: 9});
		await expect(card.insert()).rejects.toThrow(/cannot connect to vpcd at 127\.0\.0\.1:9/);
		expect(card.inserted).toBe(false);
		await card.remove();
	});
});

describe('SoftHSM2 CPS-like token', () => {
	let pki: TestPki;
	let token: SoftHsmToken;
	let pkcs11: InstanceType<typeof pkcs11js.PKCS11> | undefined;
	const previousConf = process.env.SOFTHSM2_CONF;

	beforeAll(async () => {
		pki = await createTestPki();
		token = await provisionSoftHsm(pki);
	});

	afterAll(async () => {
		if (pkcs11) {
			try {
				pkcs11.C_Finalize();
			} catch {
				// Not initialised: the test failed before C_Initialize.
			}
		}
		if (previousConf === undefined) delete process.env.SOFTHSM2_CONF;
		else process.env.SOFTHSM2_CONF = previousConf;
		await token?.cleanup();
	});

	test('holds the certificate and a key that signs challenges the certificate verifies', async () => {
		// SoftHSM reads its configuration when the module initialises, from this process's env.
		Object.assign(process.env, token.env);
		pkcs11 = new pkcs11js.PKCS11();
		pkcs11.load(token.modulePath);
		pkcs11.C_Initialize();

		// The token left slot 0 on init: find it by label (padded with spaces to 32 bytes).
		const slot = pkcs11.C_GetSlotList(true).find(candidate => pkcs11?.C_GetTokenInfo(candidate).label.trim() === token.tokenLabel);
		expect(slot, `no slot holds token ${token.tokenLabel}`).toBeDefined();
		const session = pkcs11.C_OpenSession(slot!, pkcs11js.CKF_SERIAL_SESSION);
		try {
			pkcs11.C_Login(session, pkcs11js.CKU_USER, token.pin);

			const findOne = (template: {type: number; value: number | string}[]) => {
				pkcs11!.C_FindObjectsInit(session, template);
				const handles = pkcs11!.C_FindObjects(session, 2);
				pkcs11!.C_FindObjectsFinal(session);
				expect(handles).toHaveLength(1);
				return handles[0]!;
			};

			const certificate = findOne([
				{type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE},
				{type: pkcs11js.CKA_LABEL, value: CPS_AUTH_LABEL},
			]);
			const [value] = pkcs11.C_GetAttributeValue(session, certificate, [{type: pkcs11js.CKA_VALUE}]);
			const der = new Uint8Array(value?.value as Buffer);
			expect(Buffer.from(der).equals(Buffer.from(pki.certificateDer))).toBe(true);

			const key = findOne([
				{type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY},
				{type: pkcs11js.CKA_LABEL, value: CPS_AUTH_LABEL},
			]);
			const challenge = crypto.getRandomValues(new Uint8Array(32));
			pkcs11.C_SignInit(session, {mechanism: pkcs11js.CKM_SHA256_RSA_PKCS}, key);
			const signature = new Uint8Array(pkcs11.C_Sign(session, Buffer.from(challenge), Buffer.alloc(256)));
			expect(signature).toHaveLength(256);

			// Verified with the public key of the certificate read from the token.
			const publicKey = await new x509.X509Certificate(der).publicKey.export({name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256'}, ['verify']);
			expect(await crypto.subtle.verify('RSASSA-PKCS1-v1_5', publicKey, signature, challenge)).toBe(true);
			challenge[0]! ^= 0xff;
			expect(await crypto.subtle.verify('RSASSA-PKCS1-v1_5', publicKey, signature, challenge)).toBe(false);

			pkcs11.C_Logout(session);
		} finally {
			pkcs11.C_CloseSession(session);
		}
	});

	test('a wrong PIN is refused by the token with CKR_PIN_INCORRECT', () => {
		expect(pkcs11).toBeDefined();
		const slot = pkcs11!.C_GetSlotList(true).find(candidate => pkcs11?.C_GetTokenInfo(candidate).label.trim() === token.tokenLabel)!;
		const session = pkcs11!.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
		try {
			expect(() => pkcs11!.C_Login(session, pkcs11js.CKU_USER, '0000')).toThrow(/CKR_PIN_INCORRECT/);
		} finally {
			pkcs11!.C_CloseSession(session);
		}
	});
});
