// PIN states SoftHSM2 cannot produce (it never sets CKF_USER_PIN_FINAL_TRY nor _LOCKED, and
// never returns CKR_PIN_LOCKED): tested with a FAKE PKCS#11 module at the pkcs11js boundary,
// driving the same session logic the worker runs, and the kiosk's screens above it.
import {KeyObject, sign} from 'node:crypto';
import {afterEach, describe, expect, test} from 'vitest';
import type {CpsToken, LoginResult} from '../../src/hardware/cps-token.js';
import {CKR, CpsPkcs11Session, type Pkcs11Api} from '../../src/hardware/pkcs11-session.js';
import {createTestPki, type TestPki} from '../harness/pki.js';
import {startKiosk} from '../helpers/kiosk.js';

const COUNT_LOW = 0x1_0000;
const FINAL_TRY = 0x2_0000;
const LOCKED = 0x4_0000;
const INITIALIZED = 0x400;

/** A fake CPS module: one token, PIN 1234, 3 tries, the flags a real CPS sets, signing with a test PKI's card key. */
class FakeCpsModule implements Pkcs11Api {
	tries = 3;
	present = true;
	readonly certificate: Buffer;
	private readonly key: KeyObject;
	constructor(readonly pki: TestPki) {
		this.certificate = Buffer.from(pki.certificateDer);
		this.key = KeyObject.from(pki.privateKey);
	}
	private get flags() {
		const pin = this.tries === 0 ? LOCKED : this.tries === 1 ? FINAL_TRY : this.tries === 2 ? COUNT_LOW : 0;
		return INITIALIZED | pin;
	}

	private fail(code: number, name: string): never {
		throw Object.assign(new Error(`${name}:${code}`), {code});
	}

	C_Initialize() {}
	C_Finalize() {}
	C_GetSlotList() {
		return this.present ? [Buffer.from([1])] : [];
	}
	C_GetTokenInfo() {
		if (!this.present) this.fail(CKR.TOKEN_NOT_PRESENT, 'CKR_TOKEN_NOT_PRESENT');
		return {label: 'CPS-FAKE', flags: this.flags};
	}
	C_OpenSession() {
		return Buffer.from([9]);
	}
	C_CloseSession() {}
	C_Login(_session: Buffer, _user: number, pin?: string) {
		if (!this.present) this.fail(CKR.DEVICE_REMOVED, 'CKR_DEVICE_REMOVED');
		if (this.tries === 0) this.fail(CKR.PIN_LOCKED, 'CKR_PIN_LOCKED');
		if (pin !== '1234') {
			this.tries -= 1;
			this.fail(CKR.PIN_INCORRECT, 'CKR_PIN_INCORRECT');
		}
		this.tries = 3;
	}
	C_Logout() {}
	C_FindObjectsInit() {}
	C_FindObjects() {
		return [Buffer.from([2])];
	}
	C_FindObjectsFinal() {}
	C_GetAttributeValue(_session: Buffer, _object: Buffer, template: Array<{type: number}>) {
		// CKA_LABEL, CKA_VALUE (the certificate), CKA_KEY_TYPE (CKK_RSA, a CK_ULONG), and an id for the rest.
		const value = (type: number) => (type === 0x3 ? "Certificat d'Authentification CPS" : type === 0x11 ? this.certificate : type === 0x100 ? Buffer.alloc(8) : Buffer.from([1]));
		return template.map(({type}) => ({type, value: value(type)}));
	}
	C_SignInit() {}
	C_Sign(_session: Buffer, data: Buffer) {
		// CKM_SHA256_RSA_PKCS, as a CPS signs the service's challenge.
		return sign('sha256', data, this.key);
	}
}

/** The token interface over the session, in this thread (the fake cannot cross to a worker). */
function inThreadToken(session: CpsPkcs11Session, module: FakeCpsModule): CpsToken {
	return {
		pinStatus: async () => session.pinStatus() ?? {state: 'ok'},
		async login(pin): Promise<LoginResult> {
			const result = session.login(pin);
			if (result.kind !== 'ok') return result;
			const {identityFromCertificate} = await import('../../src/contract/certificate/cps-certificate.js');
			return {kind: 'ok', identity: identityFromCertificate(result.certificate)};
		},
		sign: async challenge => session.sign(challenge),
		certificate: async () => new Uint8Array(module.certificate),
		logout: async () => session.close(),
	};
}

async function fakeModule() {
	return new FakeCpsModule(await createTestPki());
}

/** The test kiosk on the fake module, its service trusting the module's test CA. */
function kioskOn(module: FakeCpsModule) {
	return startKiosk({trustAnchorsPem: module.pki.caCertificate.toString('pem'), props: {token: inThreadToken(new CpsPkcs11Session(module), module)}});
}

describe('session logic over a fake PKCS#11 module', () => {
	test('PIN state follows the token flags: count-low (no number made up from it), final-try, locked', async () => {
		const module = await fakeModule();
		const session = new CpsPkcs11Session(module);
		expect(session.pinStatus()).toEqual({state: 'ok'});
		expect(session.login('0000')).toEqual({kind: 'incorrect'});
		expect(session.pinStatus()).toEqual({state: 'count-low'});
		expect(session.login('0000')).toEqual({kind: 'incorrect', triesLeft: 1});
		expect(session.pinStatus()).toEqual({state: 'final-try'});
		expect(session.login('0000')).toEqual({kind: 'locked'});
		expect(session.pinStatus()).toEqual({state: 'locked'});
		expect(session.login('1234')).toEqual({kind: 'locked'});
	});

	test('the card gone during login is "card removed", not an error', async () => {
		const module = await fakeModule();
		const session = new CpsPkcs11Session(module);
		module.present = false;
		expect(session.login('1234')).toEqual({kind: 'card-removed'});
	});

	test('the right PIN returns the certificate, and resets the tries', async () => {
		const module = await fakeModule();
		const session = new CpsPkcs11Session(module);
		session.login('0000');
		const result = session.login('1234');
		expect(result.kind).toBe('ok');
		expect(session.pinStatus()).toEqual({state: 'ok'});
	});
});

describe('step 1 on a fake PKCS#11 module', () => {
	let kiosk: Awaited<ReturnType<typeof startKiosk>> | undefined;
	afterEach(async () => {
		await kiosk?.stop();
		kiosk = undefined;
	});

	test('final-try warning before the third code, then the locked explanation', async () => {
		const module = await fakeModule();
		kiosk = await kioskOn(module);
		const {pilot} = kiosk;
		await pilot.press('enter');
		await pilot.type('0000\r');
		await pilot.waitFor('Code incorrect');
		// COUNT_LOW says a code was wrong, not how many tries are left: no count.
		expect(pilot.frame()).not.toContain('essai');
		await pilot.type('0000\r');
		await pilot.waitFor('Code incorrect — il vous reste 1 essai(s)');
		await pilot.waitFor('Attention : dernier essai.');
		await pilot.type('0000\r');
		await pilot.waitFor('Carte bloquée : 3 codes faux ont été saisis.');
		expect(pilot.frame()).toContain('code de déblocage à 8 chiffres');
	});

	test('a card already at its final try warns before any code is typed', async () => {
		const module = await fakeModule();
		module.tries = 1;
		kiosk = await kioskOn(module);
		await kiosk.pilot.press('enter');
		await kiosk.pilot.waitFor('Attention : dernier essai.');
	});

	test('a locked card shows the explanation at once, with no PIN field', async () => {
		const module = await fakeModule();
		module.tries = 0;
		kiosk = await kioskOn(module);
		await kiosk.pilot.press('enter');
		await kiosk.pilot.waitFor('Carte bloquée');
		expect(kiosk.pilot.frame()).not.toContain('Code porteur :');
	});

	test('the right PIN shows the certificate identity (and its address proposals next)', async () => {
		const module = await fakeModule();
		kiosk = await kioskOn(module);
		await kiosk.pilot.press('enter');
		await kiosk.pilot.type('1234\r');
		await kiosk.pilot.waitFor('Carte lue : Marie-Hélène DUPONT-LAJOIE');
		expect(kiosk.pilot.frame()).toContain('RPPS 10001234567');
		await kiosk.pilot.press('enter');
		await kiosk.pilot.waitFor('marie-helene.dupont-lajoie@medecin.mssante.fr');
	});
});
