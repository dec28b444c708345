import type {CardIdentity} from '../domain/card-identity.js';
import {foldLatin} from '../text/text.js';

/** The generic MSSanté domain, open to every profession. */
export const GENERIC_DOMAIN = 'pro.mssante.fr';

/** Longest local part an e-mail address may have (RFC 5321). */
export const MAX_LOCAL_PART = 64;

/** Order of the name parts in the local part: real addresses use `prenom.nom`, the seed writes `nom.prenom`. */
export type NameOrder = 'prenom.nom' | 'nom.prenom';

/** Profession codes of table G15 (SPEC §6) that have their own MSSanté domain. */
const DOMAIN_BY_PROFESSION_CODE: Record<string, string> = {
	'10': 'medecin',
	'21': 'pharmacien',
	'40': 'chirurgien-dentiste',
	'50': 'sage-femme',
	'60': 'infirmier',
	'69': 'infirmier',
	'70': 'masseur-kinesitherapeute',
	'80': 'pedicure-podologue',
};

/**
 * Turns one name (given name or surname) into address characters: lower case, diacritics
 * removed, apostrophes dropped, spaces and underscores turned into `-`, nothing outside
 * `[a-z0-9-]`, no leading, trailing or doubled hyphen.
 */
export function slugNamePart(name: string): string {
	return foldLatin(name)
		.replace(/['’‘`ʼ]/g, '')
		.replace(/[\s_]+/g, '-')
		.replace(/[^a-z0-9-]/g, '')
		.replace(/-{2,}/g, '-')
		.replace(/^-+|-+$/g, '');
}

/** Joins the two name parts in the requested order, within the 64-character limit. */
export function localPart(givenName: string, surname: string, order: NameOrder = 'prenom.nom'): string {
	const given = slugNamePart(givenName);
	const family = slugNamePart(surname);
	const parts = (order === 'prenom.nom' ? [given, family] : [family, given]).filter(Boolean);
	return trimLocalPart(parts.join('.'), MAX_LOCAL_PART);
}

function trimLocalPart(local: string, max: number): string {
	return local.slice(0, max).replace(/[.-]+$/, '');
}

/** `local` with the numeric suffix `n` (n ≥ 2), shortened first so the result stays ≤ 64 characters. */
export function withSuffix(local: string, n: number): string {
	const suffix = String(n);
	return trimLocalPart(local, MAX_LOCAL_PART - suffix.length) + suffix;
}

/** The profession's own MSSanté domain (`medecin.mssante.fr`…), or undefined when it has none. */
export function professionDomain(professionCode: string | undefined): string | undefined {
	const sub = professionCode ? DOMAIN_BY_PROFESSION_CODE[professionCode] : undefined;
	return sub ? `${sub}.mssante.fr` : undefined;
}

/** One address the practitioner may choose in step 2. */
export type AddressProposal = {
	/** Full address, e.g. `jean.dupont@medecin.mssante.fr`. */
	address: string;
	order: NameOrder;
	/** True for `pro.mssante.fr`, false for the profession's domain. */
	generic: boolean;
};

/**
 * Proposals built from the card identity (SPEC §3 step 2): `prenom.nom` before `nom.prenom`,
 * the profession's domain (when it has one) before the generic domain.
 */
export function addressProposals(identity: Pick<CardIdentity, 'givenName' | 'surname' | 'professionCode'>): AddressProposal[] {
	const domains = [professionDomain(identity.professionCode), GENERIC_DOMAIN].filter((d): d is string => Boolean(d));
	const proposals: AddressProposal[] = [];
	for (const order of ['prenom.nom', 'nom.prenom'] as const) {
		const local = localPart(identity.givenName, identity.surname, order);
		for (const domain of domains) {
			proposals.push({address: `${local}@${domain}`, order, generic: domain === GENERIC_DOMAIN});
		}
	}
	return proposals;
}

/** Splits an address into its local part and domain. */
export function splitAddress(address: string): {local: string; domain: string} {
	const at = address.lastIndexOf('@');
	return {local: address.slice(0, at), domain: address.slice(at + 1)};
}
