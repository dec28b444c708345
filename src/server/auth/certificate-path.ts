// The certification path of a card certificate: from the card, through the intermediate
// authorities, to a trust anchor. @peculiar/x509 builds the path (X509ChainBuilder: issuer names,
// key identifiers, each signature verified with its issuer's key); the rules of RFC 5280 §6.1 that
// a card's path needs are then checked on every certificate of it.
import {webcrypto} from 'node:crypto';
import {x509} from '../../contract/certificate/cps-certificate.js';
import {BackendError, type CardRefusal} from '../../contract/api/errors.js';

export type Certificate = InstanceType<typeof x509.X509Certificate>;

/** A refusal of the card's proof, `details.card` saying why (the kiosk tells it in words). */
export const cardRefused = (reason: CardRefusal, message: string) => new BackendError('card-proof', message, {card: [reason]});

/** Certificates of a PEM text (none when it holds none). */
export function parseCertificates(pem: string): Certificate[] {
	return [...pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)].map(([block]) => new x509.X509Certificate(block));
}

/** The longest path accepted, anchor included (IGC-Santé: root → intermediate → card is 3). */
const MAX_PATH = 6;

/** Client authentication and "any purpose": the extended usages a card's authentication certificate may carry. */
const CARD_EXTENDED_USAGES = new Set(['1.3.6.1.5.5.7.3.2', '2.5.29.37.0']);

const crypto = webcrypto as unknown as Crypto;

/**
 * The certificate must be a card's authentication certificate: an end entity (not `CA:TRUE`), whose
 * key usage allows `digitalSignature`, and whose extended usages, if any, allow client
 * authentication. Refused: `profile`.
 */
export function checkCardProfile(card: Certificate): void {
	if (card.getExtension(x509.BasicConstraintsExtension)?.ca) throw cardRefused('profile', 'Certificat d’autorité (CA:TRUE) présenté comme certificat de carte');
	const usages = card.getExtension(x509.KeyUsagesExtension)?.usages ?? 0;
	if (!(usages & x509.KeyUsageFlags.digitalSignature)) throw cardRefused('profile', 'Certificat de carte sans usage de signature (digitalSignature)');
	const extended = card.getExtension(x509.ExtendedKeyUsageExtension);
	if (extended && !extended.usages.some(usage => CARD_EXTENDED_USAGES.has(String(usage)))) {
		throw cardRefused('profile', 'Certificat de carte sans usage d’authentification de client (clientAuth)');
	}
}

/** Whether `certificate` is valid at `now`. */
const validAt = (certificate: Certificate, now: Date) => certificate.notBefore <= now && now <= certificate.notAfter;

/** Whether two certificates are the same one (same DER). */
const same = (a: Certificate, b: Certificate) => Buffer.from(a.rawData).equals(Buffer.from(b.rawData));

/**
 * The path of `card` to one of `anchors`, through `intermediates` (configured, or carried by the
 * proof: they are only candidates, trusted for nothing until the path reaches an anchor): `[card,
 * …intermediates, anchor]`. Every issuer of the path (the anchor included) must be valid at `now`
 * (else `authority-validity`), be a CA (`CA:TRUE`) allowed to sign certificates (`keyCertSign`)
 * and respect its path-length constraint (else `untrusted`). The card's own validity and profile
 * are checked by the caller.
 */
export async function certificationPath(card: Certificate, anchors: Certificate[], intermediates: Certificate[], now: Date): Promise<Certificate[]> {
	// Of two candidates with one name and key (a renewed authority), the one valid now is tried first.
	const candidates = [...anchors, ...intermediates].sort((a, b) => Number(validAt(b, now)) - Number(validAt(a, now)));
	let chain: Certificate[];
	try {
		chain = [...(await new x509.X509ChainBuilder({certificates: candidates}).build(card, crypto))];
	} catch {
		throw cardRefused('untrusted', 'Certificat de carte non émis par une autorité reconnue');
	}
	const anchorAt = chain.findIndex((certificate, index) => index > 0 && anchors.some(anchor => same(anchor, certificate)));
	if (anchorAt < 0) throw cardRefused('untrusted', 'Certificat de carte non émis par une autorité reconnue');
	const path = chain.slice(0, anchorAt + 1);
	if (path.length > MAX_PATH) throw cardRefused('untrusted', 'Chemin de certification trop long');
	for (const [index, issuer] of path.entries()) {
		if (index === 0) continue;
		if (!validAt(issuer, now)) throw cardRefused('authority-validity', `Autorité de la carte hors de sa période de validité : ${issuer.subject}`);
		const constraints = issuer.getExtension(x509.BasicConstraintsExtension);
		if (!constraints?.ca) throw cardRefused('untrusted', `Émetteur qui n’est pas une autorité (CA:TRUE absent) : ${issuer.subject}`);
		const usages = issuer.getExtension(x509.KeyUsagesExtension);
		if (!usages || !(usages.usages & x509.KeyUsageFlags.keyCertSign)) throw cardRefused('untrusted', `Autorité sans droit de signer des certificats (keyCertSign) : ${issuer.subject}`);
		// Intermediates between this issuer and the card (self-issued ones do not count, RFC 5280 §6.1.4 l).
		const below = path.slice(1, index).filter(certificate => certificate.subject !== certificate.issuer).length;
		if (constraints.pathLength !== undefined && below > constraints.pathLength) {
			throw cardRefused('untrusted', `Contrainte de longueur de chemin dépassée : ${issuer.subject}`);
		}
	}
	return path;
}
