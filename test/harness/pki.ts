import {webcrypto} from 'node:crypto';
import type * as X509 from '@peculiar/x509';
import {x509} from '../../src/contract/certificate/cps-certificate.js';

// @peculiar/x509 signs and exports through whatever WebCrypto it is given; Node's is complete.
x509.cryptoProvider.set(webcrypto as unknown as Crypto);

/** The subject attributes of a CPS-like authentication certificate. */
export type TestIdentity = {cn: string; sn: string; gn: string; title: string};

/** The identity of the default test certificate: a médecin with an RPPS number. */
export const DEFAULT_TEST_IDENTITY: TestIdentity = {
	cn: '810001234567',
	sn: 'DUPONT-LAJOIE',
	gn: 'MARIE-HÉLÈNE',
	title: 'Médecin',
};

/** Subject of the test CA; distinct from the production `AC IGC-SANTE FORT PERSONNES`. */
const TEST_CA_SUBJECT = 'CN=AC TEST MSSANTE KIOSK, O=mssante-kiosk tests, C=FR';

/** What `createTestPki` issues: a CA, a CPS-like certificate and the certificate's key. */
export type TestPki = {
	identity: TestIdentity;
	caCertificate: X509.X509Certificate;
	caDer: Uint8Array<ArrayBuffer>;
	caKeys: CryptoKeyPair;
	certificate: X509.X509Certificate;
	certificateDer: Uint8Array<ArrayBuffer>;
	/** The end-entity private key, PKCS#8 DER (what `pkcs11-tool --type privkey` imports). */
	privateKeyPkcs8: Uint8Array<ArrayBuffer>;
	privateKey: CryptoKey;
	publicKey: CryptoKey;
};

/** RSASSA-PKCS1-v1_5 with SHA-256: what CKM_SHA256_RSA_PKCS produces on a token. */
export const RSA_SIGNING: RsaHashedKeyGenParams = {
	name: 'RSASSA-PKCS1-v1_5',
	hash: 'SHA-256',
	publicExponent: new Uint8Array([1, 0, 1]),
	modulusLength: 2048,
};

/**
 * Builds the subject of a CPS authentication certificate exactly as the cards carry it: one
 * multi-valued RDN CN+SN+GN, then title, then C. @peculiar/x509's JSON name format makes one
 * RDN per array item and one attribute per key, so `{CN, SN, GN}` in one item is the
 * multi-valued RDN. GN and title are not in the library's default name table ("G" and "T"),
 * hence the extra names.
 */
function cpsSubject(identity: TestIdentity): X509.Name {
	return new x509.Name([{CN: [identity.cn], SN: [identity.sn], GN: [identity.gn]}, {title: [identity.title]}, {C: ['FR']}], {GN: '2.5.4.42', title: '2.5.4.12'});
}

/**
 * Creates a throw-away PKI shaped like the CPS one: a self-signed test CA and an RSA 2048
 * authentication certificate it signed (digitalSignature only), whose key is exportable so the
 * SoftHSM harness can import it into a token. RSA because real CPS keys are RSA and the token
 * tests sign with CKM_SHA256_RSA_PKCS.
 */
export async function createTestPki(identity: TestIdentity = DEFAULT_TEST_IDENTITY, issuer?: Pick<TestPki, 'caCertificate' | 'caKeys'>): Promise<TestPki> {
	const crypto = webcrypto as unknown as Crypto;
	const notBefore = new Date(Date.now() - 60_000);
	const notAfter = new Date(Date.now() + 365 * 24 * 3600_000);

	// Another card of the same CA when `issuer` is given.
	const caKeys = issuer?.caKeys ?? (await crypto.subtle.generateKey(RSA_SIGNING, true, ['sign', 'verify']));
	const caCertificate =
		issuer?.caCertificate ??
		(await x509.X509CertificateGenerator.createSelfSigned({
			serialNumber: '01',
			name: TEST_CA_SUBJECT,
			notBefore,
			notAfter,
			keys: caKeys,
			signingAlgorithm: RSA_SIGNING,
			extensions: [
				new x509.BasicConstraintsExtension(true, 0, true),
				new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
				await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
			],
		}));

	const keys = await crypto.subtle.generateKey(RSA_SIGNING, true, ['sign', 'verify']);
	const certificate = await x509.X509CertificateGenerator.create({
		serialNumber: `${1000 + Math.floor(Math.random() * 1_000_000)}`,
		subject: cpsSubject(identity),
		issuer: caCertificate.subjectName,
		notBefore,
		notAfter,
		publicKey: keys.publicKey,
		signingKey: caKeys.privateKey,
		signingAlgorithm: RSA_SIGNING,
		extensions: [
			new x509.BasicConstraintsExtension(false, undefined, true),
			new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
			await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
			await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
		],
	});

	return {
		identity,
		caCertificate,
		caDer: new Uint8Array(caCertificate.rawData),
		caKeys,
		certificate,
		certificateDer: new Uint8Array(certificate.rawData),
		privateKeyPkcs8: new Uint8Array(await crypto.subtle.exportKey('pkcs8', keys.privateKey)),
		privateKey: keys.privateKey,
		publicKey: keys.publicKey,
	};
}

/** ECDSA on P-256 with SHA-256: what CKM_ECDSA_SHA256 produces on a token (raw r‖s). */
export const EC_SIGNING = {name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256'} as const;

/** A test certification authority: a root (self-signed) or an intermediate under another one. */
export type TestAuthority = {
	certificate: X509.X509Certificate;
	keys: CryptoKeyPair;
	/** Its certificate in PEM, for `trustAnchorsPem` or an intermediates file. */
	pem: string;
};

/** What a test authority's certificate says; every field has a sane default. */
export type TestAuthorityOptions = {
	/** Distinguished name (default: a unique `CN=AC TEST … , O=mssante-kiosk tests, C=FR`). */
	subject?: string;
	/** The authority that signs it; absent: self-signed (a root). */
	issuer?: TestAuthority;
	/** `pathLenConstraint` of its basic constraints (default: none). */
	pathLength?: number;
	/** `CA:TRUE` (default true): false makes a "leaf" that signs other certificates. */
	ca?: boolean;
	/** Key usages (default keyCertSign | cRLSign). */
	keyUsages?: number;
	notBefore?: Date;
	notAfter?: Date;
	/** URLs of its CRL distribution points (those of its issuer's list). */
	crlUrls?: string[];
};

let authorities = 0;

/** Creates a test root or intermediate authority (RSA 2048). */
export async function createTestAuthority(options: TestAuthorityOptions = {}): Promise<TestAuthority> {
	const crypto = webcrypto as unknown as Crypto;
	const keys = await crypto.subtle.generateKey(RSA_SIGNING, true, ['sign', 'verify']);
	authorities += 1;
	const subject = options.subject ?? `CN=AC TEST ${options.issuer ? 'INTERMEDIAIRE' : 'RACINE'} ${authorities} ${Math.random().toString(36).slice(2, 8)}, O=mssante-kiosk tests, C=FR`;
	const extensions: X509.Extension[] = [
		new x509.BasicConstraintsExtension(options.ca ?? true, options.pathLength, true),
		new x509.KeyUsagesExtension(options.keyUsages ?? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
		await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
	];
	if (options.issuer) extensions.push(await x509.AuthorityKeyIdentifierExtension.create(options.issuer.keys.publicKey));
	if (options.crlUrls) extensions.push(new x509.CRLDistributionPointsExtension(options.crlUrls));
	const certificate = await x509.X509CertificateGenerator.create({
		serialNumber: serial(),
		subject,
		issuer: options.issuer?.certificate.subjectName ?? subject,
		notBefore: options.notBefore ?? new Date(Date.now() - 60_000),
		notAfter: options.notAfter ?? new Date(Date.now() + 5 * 365 * 24 * 3600_000),
		publicKey: keys.publicKey,
		signingKey: (options.issuer?.keys ?? keys).privateKey,
		signingAlgorithm: RSA_SIGNING,
		extensions,
	});
	return {certificate, keys, pem: certificate.toString('pem')};
}

/** What a test card's certificate says; every field has a sane default (a CPS-like authentication certificate). */
export type TestCardOptions = {
	identity?: TestIdentity;
	/** Key usages (default digitalSignature). */
	keyUsages?: number;
	/** Extended key usages (default: none). */
	extendedKeyUsages?: string[];
	/** `CA:TRUE` (default false). */
	ca?: boolean;
	notBefore?: Date;
	notAfter?: Date;
	/** URLs of its CRL distribution points. */
	crlUrls?: string[];
	/** RSA 2048 (default) or ECDSA P-256. */
	key?: 'rsa' | 'ec-p256';
};

/** Issues a card certificate under `issuer` (a root or an intermediate), with its key. */
export async function issueTestCard(issuer: TestAuthority, options: TestCardOptions = {}): Promise<TestPki> {
	const crypto = webcrypto as unknown as Crypto;
	const keys = (await crypto.subtle.generateKey(options.key === 'ec-p256' ? EC_SIGNING : RSA_SIGNING, true, ['sign', 'verify'])) as CryptoKeyPair;
	const extensions: X509.Extension[] = [
		new x509.BasicConstraintsExtension(options.ca ?? false, undefined, true),
		new x509.KeyUsagesExtension(options.keyUsages ?? x509.KeyUsageFlags.digitalSignature, true),
		await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
		await x509.AuthorityKeyIdentifierExtension.create(issuer.keys.publicKey),
	];
	if (options.extendedKeyUsages) extensions.push(new x509.ExtendedKeyUsageExtension(options.extendedKeyUsages));
	if (options.crlUrls) extensions.push(new x509.CRLDistributionPointsExtension(options.crlUrls));
	const identity = options.identity ?? DEFAULT_TEST_IDENTITY;
	const certificate = await x509.X509CertificateGenerator.create({
		serialNumber: serial(),
		subject: cpsSubject(identity),
		issuer: issuer.certificate.subjectName,
		notBefore: options.notBefore ?? new Date(Date.now() - 60_000),
		notAfter: options.notAfter ?? new Date(Date.now() + 365 * 24 * 3600_000),
		publicKey: keys.publicKey,
		signingKey: issuer.keys.privateKey,
		signingAlgorithm: RSA_SIGNING,
		extensions,
	});
	return {
		identity,
		caCertificate: issuer.certificate,
		caDer: new Uint8Array(issuer.certificate.rawData),
		caKeys: issuer.keys,
		certificate,
		certificateDer: new Uint8Array(certificate.rawData),
		privateKeyPkcs8: new Uint8Array(await crypto.subtle.exportKey('pkcs8', keys.privateKey)),
		privateKey: keys.privateKey,
		publicKey: keys.publicKey,
	};
}

/** A CRL of `issuer` listing `revoked` (certificates or hexadecimal serial numbers), DER. */
export async function createTestCrl(
	issuer: TestAuthority,
	revoked: Array<X509.X509Certificate | string> = [],
	{thisUpdate = new Date(Date.now() - 60_000), nextUpdate = new Date(Date.now() + 24 * 3600_000)}: {thisUpdate?: Date; nextUpdate?: Date} = {},
): Promise<Uint8Array<ArrayBuffer>> {
	const crl = await x509.X509CrlGenerator.create({
		issuer: issuer.certificate.subjectName,
		thisUpdate,
		nextUpdate,
		signingKey: issuer.keys.privateKey,
		signingAlgorithm: RSA_SIGNING,
		entries: revoked.map(item => ({
			serialNumber: typeof item === 'string' ? item : item.serialNumber,
			revocationDate: new Date(Date.now() - 30_000),
			reason: x509.X509CrlReason.keyCompromise,
		})),
	});
	return new Uint8Array(crl.rawData);
}

/** A positive serial number, as hexadecimal, unique enough for a test. */
function serial(): string {
	return `4${webcrypto.getRandomValues(new Uint8Array(8)).reduce((hex, byte) => hex + byte.toString(16).padStart(2, '0'), '')}`;
}

/** A DER element: `tag`, then the length, then `content`. */
function der(tag: number, ...content: Uint8Array[]): Buffer {
	const body = Buffer.concat(content);
	const length = body.length;
	const header = length < 0x80 ? [length] : [0x80 | Math.ceil(length.toString(16).length / 2), ...Buffer.from(length.toString(16).padStart(Math.ceil(length.toString(16).length / 2) * 2, '0'), 'hex')];
	return Buffer.concat([Buffer.from([tag, ...header]), body]);
}

/** A UTCTime of `date`. */
const utcTime = (date: Date) => der(0x17, Buffer.from(`${date.toISOString().slice(2, 19).replace(/[-T:]/g, '')}Z`, 'latin1'));

/**
 * A CRL of `issuer` listing `count` serial numbers (`serialOf(index)`, hexadecimal), written DER by
 * hand and signed with WebCrypto: X509CrlGenerator takes minutes for a list of IGC-Santé's size.
 */
export async function createLargeTestCrl(
	issuer: TestAuthority,
	count: number,
	serialOf: (index: number) => string = index => `5${index.toString(16).padStart(10, '0')}`,
): Promise<Uint8Array<ArrayBuffer>> {
	const sha256WithRsa = der(0x30, der(0x06, Buffer.from('2a864886f70d01010b', 'hex')), der(0x05));
	const revokedAt = utcTime(new Date(Date.now() - 86_400_000));
	const entries = Array.from({length: count}, (_, index) => {
		const hex = serialOf(index);
		const bytes = Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
		return der(0x30, der(0x02, (bytes[0] as number) & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes), revokedAt);
	});
	const tbs = der(
		0x30,
		der(0x02, Buffer.from([1])),
		sha256WithRsa,
		Buffer.from(issuer.certificate.subjectName.toArrayBuffer()),
		utcTime(new Date(Date.now() - 60_000)),
		utcTime(new Date(Date.now() + 86_400_000)),
		der(0x30, Buffer.concat(entries)),
	);
	const signature = Buffer.from(await webcrypto.subtle.sign(RSA_SIGNING, issuer.keys.privateKey, tbs));
	return new Uint8Array(der(0x30, tbs, sha256WithRsa, der(0x03, Buffer.from([0]), signature)));
}
