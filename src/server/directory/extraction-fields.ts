// A mailbox as the import keeps it, and the rules that check or derive its fields from the
// extraction's columns (an address's form, a street on one line, the city and département from
// La Poste's lines).
import type {CardIdentity} from '../../contract/domain/card-identity.js';
import type {DirectoryEntry} from '../../contract/domain/directory.js';

/** Kind of mailbox: personal, practice, organisational, applicative. */
export type MailboxType = DirectoryEntry['type'];

/**
 * One mailbox of the directory as the import keeps it: what the directory shows, less what only
 * accounts have, and whose it is (never shown: it decides which addresses a card may have).
 */
export type DirectoryRecord = Omit<DirectoryEntry, 'mobile'> & {
	/** "Identification nationale PP": the type digit and the identifier (`810001234567`); empty for a structure's mailbox. */
	nationalId: string;
};

/** A card holder's national identifier as the extraction writes it ("Identification nationale PP"): 8 + RPPS, 0 + ADELI. */
export function nationalIdOf(identity: Pick<CardIdentity, 'nationalId' | 'idType'>): string {
	return `${identity.idType === 'RPPS' ? '8' : '0'}${identity.nationalId}`.toUpperCase();
}

/** A mailbox address as the import accepts it, lower case (its length, at most 254, is checked apart). */
export const ADDRESS = /^[a-z0-9!#$%&'*+/=?^_`{|}~.-]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/;

/** Non-empty parts, space-separated. */
export function joinWords(...parts: string[]): string {
	let joined = '';
	for (const part of parts) if (part) joined = joined ? `${joined} ${part}` : part;
	return joined;
}

/** Département of a postal code when the column is empty: Corsica and overseas have their own rules. */
export function departementOfPostalCode(postalCode: string): string {
	if (postalCode.startsWith('97') || postalCode.startsWith('98')) return postalCode.slice(0, 3);
	if (postalCode.startsWith('20')) return Number(postalCode.slice(2, 3)) < 2 ? '2A' : '2B';
	return postalCode.slice(0, 2);
}

/** The city of an L6 line: "14052 CAEN CEDEX 4" → "CAEN". */
export function cityOfAcheminement(line: string, postalCode: string): string {
	let city = line.trim();
	if (postalCode && city.startsWith(postalCode)) city = city.slice(postalCode.length);
	else city = city.replace(/^\d{5}\s+/, '');
	return /cedex/i.test(city) ? city.replace(/\s+CEDEX(\s+\d+)?$/i, '').trim() : city.trim();
}
