import type {LoginResult, PinStatus} from './cps-token.js';

// PKCS#11 v2.40 values (identical in every module; kept here so this logic runs without the
// native addon, against the fake of the tests too).
const CKU_USER = 1;
const CKF_SERIAL_SESSION = 0x4;
const CKF_TOKEN_INITIALIZED = 0x400;
const CKF_USER_PIN_COUNT_LOW = 0x1_0000;
const CKF_USER_PIN_FINAL_TRY = 0x2_0000;
const CKF_USER_PIN_LOCKED = 0x4_0000;
const CKO_CERTIFICATE = 1;
const CKO_PRIVATE_KEY = 3;
const CKA_CLASS = 0x0;
const CKA_LABEL = 0x3;
const CKA_VALUE = 0x11;
const CKA_ID = 0x102;
const CKA_KEY_TYPE = 0x100;
const CKK_EC = 0x3;
const CKM_SHA256_RSA_PKCS = 0x40;
const CKM_ECDSA_SHA256 = 0x1044;

/** Return values of PKCS#11 that the kiosk explains to the user. */
export const CKR = {
	PIN_INCORRECT: 0xa0,
	PIN_INVALID: 0xa1,
	PIN_LEN_RANGE: 0xa2,
	PIN_EXPIRED: 0xa3,
	PIN_LOCKED: 0xa4,
	DEVICE_ERROR: 0x30,
	DEVICE_REMOVED: 0x32,
	SESSION_CLOSED: 0xb0,
	SESSION_HANDLE_INVALID: 0xb3,
	TOKEN_NOT_PRESENT: 0xe0,
	TOKEN_NOT_RECOGNIZED: 0xe1,
	USER_ALREADY_LOGGED_IN: 0x100,
	CRYPTOKI_ALREADY_INITIALIZED: 0x191,
} as const;

type Handle = Buffer;
type Attribute = {type: number; value?: number | boolean | string | Buffer | null};

/** The part of pkcs11js's `PKCS11` the kiosk uses: the real addon, or the fake of the tests. */
export interface Pkcs11Api {
	C_Initialize(): void;
	C_Finalize(): void;
	C_GetSlotList(tokenPresent?: boolean): Handle[];
	C_GetTokenInfo(slot: Handle): {label: string; flags: number};
	C_OpenSession(slot: Handle, flags: number): Handle;
	C_CloseSession(session: Handle): void;
	C_Login(session: Handle, userType: number, pin?: string): void;
	C_Logout(session: Handle): void;
	C_FindObjectsInit(session: Handle, template: Attribute[]): void;
	C_FindObjects(session: Handle, maxObjectCount: number): Handle[];
	C_FindObjectsFinal(session: Handle): void;
	C_GetAttributeValue(session: Handle, object: Handle, template: Attribute[]): Attribute[];
	C_SignInit(session: Handle, mechanism: {mechanism: number}, key: Handle): void;
	C_Sign(session: Handle, inData: Buffer, outData: Buffer): Buffer;
}

/** A login as the worker reports it: the certificate travels as DER, parsed on the main side. */
export type SessionLoginResult = Exclude<LoginResult, {kind: 'ok'}> | {kind: 'ok'; certificate: Uint8Array};

/** The PKCS#11 return code of an error thrown by pkcs11js (`Pkcs11Error.code`), if any. */
export function returnCode(error: unknown): number | undefined {
	const code = (error as {code?: unknown}).code;
	return typeof code === 'number' ? code : undefined;
}

/** PIN state from the token flags (SPEC §6). */
function pinStatusFromFlags(flags: number): PinStatus {
	if (flags & CKF_USER_PIN_LOCKED) return {state: 'locked'};
	if (flags & CKF_USER_PIN_FINAL_TRY) return {state: 'final-try'};
	if (flags & CKF_USER_PIN_COUNT_LOW) return {state: 'count-low'};
	return {state: 'ok'};
}

/**
 * Tries left after a wrong PIN, as far as the flags tell: only FINAL_TRY gives a number. COUNT_LOW
 * says that a code was wrong, not how many tries remain (SoftHSM keeps it set after every failure).
 */
function triesLeftFromFlags(flags: number): number | undefined {
	return flags & CKF_USER_PIN_FINAL_TRY ? 1 : undefined;
}

const CARD_GONE = new Set<number>([CKR.DEVICE_REMOVED, CKR.TOKEN_NOT_PRESENT, CKR.SESSION_CLOSED, CKR.SESSION_HANDLE_INVALID, CKR.TOKEN_NOT_RECOGNIZED]);

/**
 * The CPS token's logic over a PKCS#11 module: choice of the token, PIN state, login with its
 * errors mapped to what the kiosk says, certificate, signature, logout. Synchronous, like the
 * module: it runs in the PKCS#11 worker, never on the thread that renders.
 */
export class CpsPkcs11Session {
	private session: Handle | null = null;

	constructor(
		private readonly api: Pkcs11Api,
		/** Label of the token to use; the first token present when undefined. */
		private readonly tokenLabel?: string,
	) {
		try {
			api.C_Initialize();
		} catch (error) {
			// Harmless: another user of the module in this process initialised it first.
			if (returnCode(error) !== CKR.CRYPTOKI_ALREADY_INITIALIZED) throw error;
		}
	}

	/** The initialised tokens present (an empty slot's blank token is not one): slot and label. */
	private tokens(): Array<{slot: Handle; label: string}> {
		return this.api
			.C_GetSlotList(true)
			.map(slot => ({slot, info: this.api.C_GetTokenInfo(slot)}))
			.filter(({info}) => info.flags & CKF_TOKEN_INITIALIZED)
			.map(({slot, info}) => ({slot, label: info.label.trim()}));
	}

	/** The slot of the card's (initialised) token, or null when none is present. */
	private findSlot(): Handle | null {
		return this.tokens().find(token => this.tokenLabel === undefined || token.label === this.tokenLabel)?.slot ?? null;
	}

	pinStatus(): PinStatus | null {
		const slot = this.findSlot();
		return slot ? pinStatusFromFlags(this.api.C_GetTokenInfo(slot).flags) : null;
	}

	login(pin: string): SessionLoginResult {
		this.close();
		const slot = this.findSlot();
		if (!slot) {
			// Tokens are there but none has the label asked for: a setting to fix, not a card pulled out.
			const found = this.tokens().map(token => token.label);
			return this.tokenLabel !== undefined && found.length > 0 ? {kind: 'no-token', label: this.tokenLabel, found} : {kind: 'card-removed'};
		}
		try {
			this.session = this.api.C_OpenSession(slot, CKF_SERIAL_SESSION);
			this.api.C_Login(this.session, CKU_USER, pin);
		} catch (error) {
			const code = returnCode(error);
			if (code === CKR.USER_ALREADY_LOGGED_IN) return {kind: 'ok', certificate: this.certificate()};
			const flags = this.safeFlags(slot);
			this.close();
			if (code === CKR.PIN_INCORRECT || code === CKR.PIN_INVALID) {
				if (flags !== undefined && flags & CKF_USER_PIN_LOCKED) return {kind: 'locked'};
				return {kind: 'incorrect', triesLeft: flags === undefined ? undefined : triesLeftFromFlags(flags)};
			}
			if (code === CKR.PIN_LOCKED) return {kind: 'locked'};
			if (code === CKR.PIN_LEN_RANGE) return {kind: 'error', message: 'le code porteur n’a pas la longueur attendue par la carte'};
			if (code === CKR.PIN_EXPIRED) return {kind: 'error', message: 'le code porteur a expiré : changez-le avec l’outil de la carte CPS'};
			if (code !== undefined && CARD_GONE.has(code)) return {kind: 'card-removed'};
			if (code === CKR.DEVICE_ERROR) return {kind: 'error', message: 'erreur du lecteur : retirez et réinsérez la carte'};
			return {kind: 'error', message: (error as Error).message};
		}
		return {kind: 'ok', certificate: this.certificate()};
	}

	/** Signs `challenge` with the key paired with the authentication certificate. */
	sign(challenge: Uint8Array): Uint8Array {
		if (!this.session) throw new Error('Carte non authentifiée');
		const {id} = this.authenticationCertificate();
		const [key] = this.find([
			{type: CKA_CLASS, value: CKO_PRIVATE_KEY},
			{type: CKA_ID, value: id},
		]);
		if (!key) throw new Error('Clé d’authentification introuvable sur la carte');
		const keyType = this.api.C_GetAttributeValue(this.session, key, [{type: CKA_KEY_TYPE}])[0]?.value;
		// CK_ULONG, native byte order, 8 bytes here; key types are small numbers.
		const type = Buffer.isBuffer(keyType) ? keyType.readUInt32LE(0) : Number(keyType);
		const mechanism = type === CKK_EC ? CKM_ECDSA_SHA256 : CKM_SHA256_RSA_PKCS;
		this.api.C_SignInit(this.session, {mechanism}, key);
		return new Uint8Array(this.api.C_Sign(this.session, Buffer.from(challenge), Buffer.alloc(1024)));
	}

	/** Logs out and closes the session; quiet when the card is already gone. */
	close(): void {
		if (!this.session) return;
		for (const step of [() => this.api.C_Logout(this.session as Handle), () => this.api.C_CloseSession(this.session as Handle)]) {
			try {
				step();
			} catch {
				// The card left: the module has dropped the session already.
			}
		}
		this.session = null;
	}

	finalize(): void {
		this.close();
		try {
			this.api.C_Finalize();
		} catch {
			// Finalising a module that failed is not worth reporting on the way out.
		}
	}

	private safeFlags(slot: Handle): number | undefined {
		try {
			return this.api.C_GetTokenInfo(slot).flags;
		} catch {
			return undefined;
		}
	}

	private find(template: Attribute[]): Handle[] {
		const session = this.session as Handle;
		this.api.C_FindObjectsInit(session, template);
		try {
			return this.api.C_FindObjects(session, 16);
		} finally {
			this.api.C_FindObjectsFinal(session);
		}
	}

	/** The authentication certificate: labelled "Authentification" on a CPS, else the first one. */
	private authenticationCertificate(): {der: Buffer; id: Buffer} {
		const session = this.session as Handle;
		const certificates = this.find([{type: CKA_CLASS, value: CKO_CERTIFICATE}]).map(handle => {
			const [label, value, id] = this.api.C_GetAttributeValue(session, handle, [{type: CKA_LABEL}, {type: CKA_VALUE}, {type: CKA_ID}]);
			return {label: String(label?.value ?? ''), der: value?.value as Buffer, id: id?.value as Buffer};
		});
		const chosen = certificates.find(certificate => /authentification/i.test(certificate.label)) ?? certificates[0];
		if (!chosen) throw new Error('Certificat d’authentification introuvable sur la carte');
		return chosen;
	}

	private certificate(): Uint8Array {
		return new Uint8Array(this.authenticationCertificate().der);
	}
}
