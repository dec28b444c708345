// Card proofs checked: a challenge signed by a card whose certificate a trusted authority issued,
// through its intermediates, and that is not revoked.
// Loaded on the first card proof: @peculiar/x509 is kept off the kiosk's start-up path.
import {createPublicKey, verify as verifySignature, constants} from 'node:crypto';
import {identityFromCertificate, x509} from '../../contract/certificate/cps-certificate.js';
import type {CardIdentity} from '../../contract/domain/card-identity.js';
import {BackendError} from '../../contract/api/errors.js';
import type {CardProof} from '../../contract/domain/account.js';
import type {ChallengeStore} from './challenges.js';
import {cardRefused, certificationPath, checkCardProfile, parseCertificates, type Certificate} from './certificate-path.js';
import {RevocationChecker, type RevocationOptions} from './revocation.js';

/** Loads trust anchors (PEM text, one or more certificates). */
export const parseAnchors = parseCertificates;

/** What the service trusts cards from: its anchors, the intermediates known to it, the revocation lists. */
export type CardTrust = {
	anchors: Certificate[];
	/** Intermediate authorities (e.g. "AC IGC-SANTE FORT PERSONNES"): candidates for the path, trusted only through an anchor. */
	intermediates: Certificate[];
	revocation: RevocationChecker;
};

/** How card certificates are checked besides the anchors: intermediates and revocation. */
export type CardTrustOptions = RevocationOptions & {
	/** PEM certificates of the intermediate authorities between the anchors and the cards. */
	intermediatesPem?: string;
};

/** The trust of a service: anchors (PEM), intermediates and revocation lists. */
export function cardTrust(trustAnchorsPem: string, options: CardTrustOptions = {}): CardTrust {
	return {anchors: parseCertificates(trustAnchorsPem), intermediates: parseCertificates(options.intermediatesPem ?? ''), revocation: new RevocationChecker(options)};
}

/** Named curves whose ECDSA signatures are verified, and the size of one coordinate. */
const EC_CURVES: Record<string, number> = {prime256v1: 32, secp384r1: 48, secp521r1: 66};

/**
 * Whether `signature` of `challenge` was made by the certificate's key: RSASSA-PKCS1-v1_5 with
 * SHA-256 (CKM_SHA256_RSA_PKCS) for RSA; ECDSA with SHA-256 (CKM_ECDSA_SHA256) on P-256, P-384 or
 * P-521, as PKCS#11 gives it (r‖s) or DER-encoded. Another kind of key: `algorithm`.
 */
function signedByCard(certificate: Certificate, challenge: Uint8Array, signature: Buffer): boolean {
	const key = createPublicKey({key: Buffer.from(certificate.publicKey.rawData), format: 'der', type: 'spki'});
	if (key.asymmetricKeyType === 'rsa') return verifySignature('sha256', challenge, {key, padding: constants.RSA_PKCS1_PADDING}, signature);
	const coordinate = key.asymmetricKeyType === 'ec' ? EC_CURVES[key.asymmetricKeyDetails?.namedCurve ?? ''] : undefined;
	if (coordinate === undefined) throw cardRefused('algorithm', 'Type de clé de carte non pris en charge (RSA ou ECDSA P-256/P-384/P-521 attendu)');
	return verifySignature('sha256', challenge, {key, dsaEncoding: signature.length === 2 * coordinate ? 'ieee-p1363' : 'der'}, signature);
}

/**
 * Checks a card proof and returns the identity of its certificate — the only identity the
 * service ever uses. Refused (401 `card-proof`, `details.card` saying why): an unknown, used or
 * expired challenge; a certificate that is not a card's authentication certificate, outside its
 * validity, without a valid path to one of the anchors, or revoked (or whose revocation cannot be
 * established); a signature not made by the certificate's key. Nothing the client sends makes it
 * fail otherwise.
 */
export async function verifyCardProof(proof: CardProof, challenges: ChallengeStore, trust: CardTrust, now = new Date()): Promise<CardIdentity> {
	const challenge = await challenges.take(proof.challengeId);
	if (!challenge) throw cardRefused('challenge', 'Défi inconnu, déjà utilisé ou expiré : recommencez');
	let certificate: Certificate;
	let carried: Certificate[];
	try {
		certificate = new x509.X509Certificate(Buffer.from(proof.certificate, 'base64'));
		carried = (proof.intermediates ?? []).slice(0, 4).map(der => new x509.X509Certificate(Buffer.from(der, 'base64')));
	} catch {
		throw cardRefused('unreadable', 'Certificat de carte illisible');
	}
	let path: Certificate[];
	let identity: CardIdentity;
	try {
		checkCardProfile(certificate);
		if (certificate.notBefore > now || certificate.notAfter < now) throw cardRefused('validity', 'Certificat de carte hors de sa période de validité');
		// Those the card carries are candidates like the configured ones: nothing unless they lead to an anchor.
		path = await certificationPath(certificate, trust.anchors, [...trust.intermediates, ...carried], now);
		let valid = false;
		try {
			valid = signedByCard(certificate, challenge, Buffer.from(proof.signature, 'base64'));
		} catch (error) {
			if (error instanceof BackendError) throw error;
		}
		if (!valid) throw cardRefused('signature', 'Signature du défi invalide : la carte ne correspond pas au certificat');
		try {
			identity = identityFromCertificate(certificate.rawData);
		} catch (error) {
			throw cardRefused('identity', `Certificat de carte : ${(error as Error).message}`);
		}
	} catch (error) {
		// A certificate whose extensions cannot be parsed is the client's fault, never the service's.
		if (error instanceof BackendError) throw error;
		throw cardRefused('unreadable', 'Certificat de carte illisible');
	}
	// Last, once the card has proved itself: the lists are downloaded for genuine cards only.
	try {
		await trust.revocation.checkPath(path, now);
	} catch (error) {
		if (error instanceof BackendError) throw error;
		throw cardRefused('revocation-unknown', 'Révocation impossible à vérifier');
	}
	return identity;
}
