// Card proofs checked: a challenge signed by a card whose certificate a trusted authority issued.
// Loaded on the first card proof: @peculiar/x509 is kept off the kiosk's start-up path.
import {webcrypto} from 'node:crypto';
import {identityFromCertificate, x509} from '../../contract/certificate/cps-certificate.js';
import type {CardIdentity} from '../../contract/domain/card-identity.js';
import {BackendError, type CardRefusal} from '../../contract/api/errors.js';
import type {CardProof} from '../../contract/domain/account.js';
import type {ChallengeStore} from './challenges.js';

type Certificate = InstanceType<typeof x509.X509Certificate>;

/** Loads trust anchors (PEM text, one or more certificates). */
export function parseAnchors(pem: string): Certificate[] {
	return [...pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)].map(([block]) => new x509.X509Certificate(block));
}

const refused = (reason: CardRefusal, message: string) => new BackendError('card-proof', message, {card: [reason]});

/**
 * Checks a card proof and returns the identity of its certificate — the only identity the
 * service ever uses. Refused: an unknown, used or expired challenge; a certificate not issued by
 * one of `anchors` or outside its validity; a signature not made by the certificate's key.
 */
export async function verifyCardProof(proof: CardProof, challenges: ChallengeStore, anchors: Certificate[], now = new Date()): Promise<CardIdentity> {
	const challenge = await challenges.take(proof.challengeId);
	if (!challenge) throw refused('challenge', 'Défi inconnu, déjà utilisé ou expiré : recommencez');
	let certificate: Certificate;
	try {
		certificate = new x509.X509Certificate(Buffer.from(proof.certificate, 'base64'));
	} catch {
		throw refused('unreadable', 'Certificat de carte illisible');
	}
	if (certificate.notBefore > now || certificate.notAfter < now) throw refused('validity', 'Certificat de carte hors de sa période de validité');
	let trusted = false;
	for (const anchor of anchors) {
		if (anchor.subject !== certificate.issuer) continue;
		if (await certificate.verify({publicKey: anchor.publicKey, signatureOnly: true}, webcrypto as unknown as Crypto).catch(() => false)) trusted = true;
	}
	if (!trusted) throw refused('untrusted', 'Certificat de carte non émis par une autorité reconnue');
	const algorithm = certificate.publicKey.algorithm.name === 'ECDSA' ? {name: 'ECDSA', hash: 'SHA-256'} : {name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256'};
	const key = await certificate.publicKey.export(algorithm, ['verify'], webcrypto as unknown as Crypto);
	const valid = await webcrypto.subtle.verify(algorithm, key, Buffer.from(proof.signature, 'base64'), challenge).catch(() => false);
	if (!valid) throw refused('signature', 'Signature du défi invalide : la carte ne correspond pas au certificat');
	try {
		return identityFromCertificate(certificate.rawData);
	} catch (error) {
		throw refused('identity', `Certificat de carte : ${(error as Error).message}`);
	}
}
