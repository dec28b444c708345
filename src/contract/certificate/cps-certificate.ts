import type * as X509 from '@peculiar/x509';
import {stripControl} from '../text/sanitize.js';
import type {CardIdentity} from '../domain/card-identity.js';

// @peculiar/x509's dependency injection (tsyringe) throws at load time without a Reflect
// metadata polyfill, which must therefore be evaluated first: static imports are hoisted, so
// both are loaded here in order. Import the library through this binding (the test PKI does).
await import('reflect-metadata');
/** @peculiar/x509, loaded after its Reflect polyfill. */
export const x509: typeof X509 = await import('@peculiar/x509');

/**
 * Names under which the subject's attributes come out of `Name.toJSON()`. @peculiar/x509 knows
 * givenName as "G" and title as "T"; registering our own names for every OID we read keeps the
 * lookup independent of the library's default table.
 */
const SUBJECT_TYPES: Record<string, string> = {
	CN: '2.5.4.3',
	SN: '2.5.4.4',
	GN: '2.5.4.42',
	title: '2.5.4.12',
	C: '2.5.4.6',
};

/**
 * Profession labels of table G15 (the `title` of a CPS certificate) and their codes, keyed by
 * the label folded with `foldLabel`. The code picks the MSSanté address domain.
 */
const PROFESSION_CODES: ReadonlyMap<string, string> = new Map(
	(
		[
			['Médecin', '10'],
			['Pharmacien', '21'],
			['Chirurgien-Dentiste', '40'],
			['Sage-Femme', '50'],
			['Infirmier', '60'],
			['Infirmier psychiatrique', '69'],
			['Masseur-Kinésithérapeute', '70'],
			['Pédicure-Podologue', '80'],
			['Orthophoniste', '91'],
			['Orthoptiste', '92'],
		] as const
	).map(([label, code]) => [foldLabel(label), code]),
);

/**
 * Folds a profession label so that case, accents and the hyphen/space choice do not matter:
 * cards and directories spell "Sage-Femme", "SAGE FEMME" or "sage-femme" for the same code.
 */
function foldLabel(label: string): string {
	return label
		.normalize('NFD')
		.replace(/\p{M}/gu, '')
		.toLowerCase()
		.replace(/[\s\-_]+/g, ' ')
		.trim();
}

/**
 * Returns the G15 profession code ("10" for "Médecin") of a certificate's `title`, matching
 * case-, accent- and hyphen-insensitively, or `undefined` for a label outside the table (the
 * caller then offers only the generic address domain).
 */
export function professionCodeOf(label: string): string | undefined {
	return PROFESSION_CODES.get(foldLabel(label));
}

/**
 * Turns an upper-case given name as cards carry it ("MARIE-HÉLÈNE") into the form shown on
 * screen ("Marie-Hélène"), capitalising each part after a hyphen, space or apostrophe. A name
 * that already has lower-case letters was typed with care by the issuer and is kept as is.
 */
function displayGivenName(name: string): string {
	if (/\p{Ll}/u.test(name)) return name;
	return name.toLocaleLowerCase('fr-FR').replace(/(^|[-\s'’])(\p{L})/gu, (_match, separator: string, letter: string) => separator + letter.toLocaleUpperCase('fr-FR'));
}

/**
 * Reads the practitioner's identity from the DER of a CPS authentication certificate
 * ("Certificat d'Authentification CPS").
 *
 * The subject is walked RDN by RDN rather than split as a string: CN, SN and GN share one
 * multi-valued RDN (`CN=810002813839+SN=DONNAT-GADY+GN=ISABELLE, title=Médecin, C=FR`) and a
 * name may legitimately contain `+` or `,`. CN's first digit gives the identifier type
 * (`8` RPPS, `0` ADELI). Every field is stripped of control characters because it ends up on
 * screen. The certificate carries no civilité, so `civilite` stays undefined.
 *
 * @throws Error when the DER is not a certificate, an attribute is missing, or CN is neither
 *   an RPPS nor an ADELI identifier.
 */
export function identityFromCertificate(der: Uint8Array | ArrayBuffer): CardIdentity {
	let certificate: X509.X509Certificate;
	try {
		// A copy: the library wants an ArrayBuffer-backed view, and the caller keeps its buffer.
		certificate = new x509.X509Certificate(new Uint8Array(der));
	} catch (error) {
		throw new Error(`Le certificat de la carte est illisible : ${error instanceof Error ? error.message : String(error)}`);
	}

	// Re-read the subject with our own attribute names; toJSON keeps one object per RDN, so a
	// multi-valued RDN is one object holding several attribute types.
	const subject = new x509.Name(certificate.subjectName.toArrayBuffer(), SUBJECT_TYPES).toJSON();
	const attributes = new Map<string, string>();
	for (const rdn of subject) {
		for (const [type, values] of Object.entries(rdn)) {
			const value = values[0];
			// The first occurrence wins: a CPS subject has each of these attributes once.
			if (value !== undefined && !attributes.has(type)) attributes.set(type, stripControl(value).trim());
		}
	}

	const required = (type: string, what: string): string => {
		const value = attributes.get(type);
		if (!value) throw new Error(`Le certificat de la carte n'a pas de ${what} (attribut ${type} absent du sujet « ${stripControl(certificate.subject)} »).`);
		return value;
	};

	const cn = required('CN', 'identifiant national');
	const surname = required('SN', 'nom');
	const givenName = displayGivenName(required('GN', 'prénom'));
	const profession = required('title', 'profession');

	let idType: CardIdentity['idType'];
	let nationalId: string;
	const rpps = /^8(\d{11})$/.exec(cn);
	const adeli = /^0([0-9A-Za-z]+)$/.exec(cn);
	if (rpps?.[1]) {
		idType = 'RPPS';
		nationalId = rpps[1];
	} else if (adeli?.[1]) {
		idType = 'ADELI';
		nationalId = adeli[1];
	} else {
		throw new Error(`Identifiant national inconnu dans le certificat de la carte (CN=${cn}) : attendu 8 suivi des 11 chiffres RPPS, ou 0 suivi du numéro ADELI.`);
	}

	const identity: CardIdentity = {givenName, surname, profession, nationalId, idType};
	const professionCode = professionCodeOf(profession);
	if (professionCode) identity.professionCode = professionCode;
	return identity;
}
