// The words a mailbox is found by, and how a typed address matches: one set of rules for the
// index, for the accounts activated here and for the tests' reference scan, so that all three
// find the same mailboxes.
import {foldLatin} from '../../contract/text/text.js';

/** Words of a text for the index: folded (case, accents, ligatures) and split on anything else. */
export function foldWords(text: string): string[] {
	return foldLatin(text)
		.split(/[^a-z0-9]+/)
		.filter(Boolean);
}

/**
 * The words a name is found by: each word, and for a name of several words ("DE LA FONTAINE",
 * "SAINT-MARTIN") the words run together ("delafontaine"), as people type them.
 */
export function nameWords(text: string): string[] {
	const words = foldWords(text);
	return words.length > 1 ? [...words, words.join('')] : words;
}

/** City words, with La Poste's abbreviations also indexed in full ("ST" → "saint"). */
export function cityWords(city: string): string[] {
	const words = foldWords(city);
	const expanded = words.map(word => (word === 'st' ? 'saint' : word === 'ste' ? 'sainte' : word));
	return [...new Set([...words, ...expanded])];
}

/**
 * Words of an address's local part. A person's address usually repeats the name
 * ("marie-helene.dupont", "dupont.marie-helene"): it adds a word only when it does not, run
 * together ("jdupont", "marie-helene.dupont2"), or when it has no separator at all ("jeandupont",
 * kept so that the mailbox has a word of its address). A structure's ("secretariat.medical")
 * gives every word. `person`: the holder's given name and surname, each run together (personOf).
 */
export function addressWords(address: string, person: {given: string; surname: string} | null): string[] {
	const local = address.slice(0, address.indexOf('@'));
	if (!person) return nameWords(local);
	// Addresses are lower-case ASCII (checked at import): running the words together needs no folding.
	const runTogether = local.replace(/[^a-z0-9]+/g, '');
	const repeatsName = runTogether === person.given + person.surname || runTogether === person.surname + person.given;
	return runTogether === '' || (repeatsName && runTogether !== local) ? [] : [runTogether];
}

/** A holder's given name and surname, each run together ("Marie-Hélène" → "mariehelene"), for addressWords. */
export function personOf(holder: {givenName: string; surname: string}): {given: string; surname: string} {
	return {given: nameWords(holder.givenName).at(-1) ?? '', surname: nameWords(holder.surname).at(-1) ?? ''};
}

/** Whether an address starts as typed; typed from "@", whether its domain does ("@ch-caen"). */
export function addressMatches(address: string, typed: string): boolean {
	return typed.startsWith('@') ? address.startsWith(typed, address.indexOf('@')) : address.startsWith(typed);
}
