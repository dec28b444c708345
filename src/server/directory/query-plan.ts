// A query made ready for the index: its words as ranges of index words, its filters as ids (or
// sets of accepted ids), the list a search starts from (the smallest of its words' and filters'),
// and the per-mailbox check of everything else.
import {foldLatin} from '../../contract/text/text.js';
import type {DirectoryQuery} from '../../contract/domain/directory.js';
import type {Postings} from './columns.js';
import type {IndexTables} from './index-tables.js';
import {SLOT, STRIDE} from './index-layout.js';
import {addressMatches, foldWords} from './index-words.js';
import type {WordRange} from './word-index.js';

/** A query, prepared once for the per-mailbox checks. */
export type Prepared = {
	/** The query's words, folded (at most six). */
	words: string[];
	/** The place as typed, upper case: a postal-code prefix, or a Corsican département. */
	place: string;
	ranges: WordRange[];
	/** Every query word has two letters or more and is a word of the index: exact matches can exist. */
	exactable: boolean;
	/** Index words a name must start with to rank second: the query run together, and each word of two letters or more. */
	leadRanges: WordRange[];
	addressPrefix: string;
	/** Wanted id per filter column (0: any), or, for postal codes and cities, accepted ids. */
	profession: number;
	departement: number;
	postal: Uint8Array | null;
	city: Uint8Array | null;
	impossible: boolean;
};

/** Where a search starts: the postings of its rarest word (`word`, else -1), or the lists of a filter's values. */
export type Driver = {size: number; word: number; lists: Array<[Postings, number]>};

/**
 * Whether `query` has nothing an index can start from — no word, no filter, only the start of a
 * domain (`@ch-caen`) — so that answering it reads every mailbox (about half a second at national size).
 */
export function readsEveryMailbox(query: DirectoryQuery): boolean {
	const text = (query.text ?? '').trim();
	const at = text.indexOf('@');
	return at !== -1 && foldWords(text.slice(0, at)).length === 0 && !query.profession && (query.place ?? '').trim() === '' && foldWords(query.city ?? '').length === 0;
}

/** Prepares `query` against the tables' words and filter values. */
export function prepare(tables: IndexTables, query: DirectoryQuery): Prepared {
	const text = (query.text ?? '').trim();
	const at = text.indexOf('@');
	const addressPrefix = at === -1 ? '' : foldLatin(text).replace(/\s+/g, '');
	// An address is searched by the words of its local part, then checked whole.
	const words = [...new Set(foldWords(at === -1 ? text : text.slice(0, at)))].slice(0, 6);
	const ranges = words.map(word => tables.range(word));
	let impossible = ranges.some(range => range.lo === range.hi);
	const profession = query.profession ? tables.categories.professionCode.values.indexOf(query.profession) : 0;
	const place = (query.place ?? '').trim().toUpperCase();
	const departement = /^2[AB]$/.test(place) ? tables.categories.departement.values.indexOf(place) : 0;
	if (profession === -1 || departement === -1) impossible = true;
	let postal: Uint8Array | null = null;
	if (place !== '' && departement === 0) {
		postal = new Uint8Array(tables.categories.postalCode.values.length);
		tables.categories.postalCode.values.forEach((code, id) => (postal![id] = id !== 0 && code.startsWith(place) ? 1 : 0));
	}
	const cityQuery = foldWords(query.city ?? '');
	let city: Uint8Array | null = null;
	if (cityQuery.length > 0) {
		city = new Uint8Array(tables.cityWords.length);
		tables.cityWords.forEach((cityWordList, id) => (city![id] = id !== 0 && cityQuery.every(word => cityWordList.some(candidate => candidate.startsWith(word))) ? 1 : 0));
	}
	const exactable = words.length > 0 && words.every(word => word.length >= 2) && ranges.every(range => range.exact !== -1);
	const leadRanges = [words.join(''), ...words.filter(word => word.length >= 2)].filter(Boolean).map(word => tables.range(word));
	return {words, place, ranges, exactable, leadRanges, addressPrefix, profession, departement, postal, city, impossible};
}

/** The smallest list a search can walk: a word's postings, or a filter's lists; null when the query has neither. */
export function driverOf(tables: IndexTables, prepared: Prepared): Driver | null {
	const candidates: Driver[] = prepared.ranges.map((range, word) => ({size: tables.count(range), word, lists: []}));
	const filter = (postings: Postings, accepted: (id: number) => boolean, values: number) => {
		const lists: Array<[Postings, number]> = [];
		let size = 0;
		for (let id = 1; id < values; id++) {
			if (!accepted(id)) continue;
			lists.push([postings, id]);
			size += postings.size(id);
		}
		candidates.push({size, word: -1, lists});
	};
	if (prepared.profession !== 0) filter(tables.byFilter.professionCode, id => id === prepared.profession, tables.categories.professionCode.values.length);
	if (prepared.departement !== 0) filter(tables.byFilter.departement, id => id === prepared.departement, tables.categories.departement.values.length);
	if (prepared.postal) filter(tables.byFilter.postalCode, id => prepared.postal![id] === 1, tables.categories.postalCode.values.length);
	if (prepared.city) filter(tables.byFilter.city, id => prepared.city![id] === 1, tables.categories.city.values.length);
	return candidates.sort((a, b) => a.size - b.size)[0] ?? null;
}

/** Whether file mailbox `entry` passes the filters and every word but word `skip` (the driver's, already true). */
export function accepts(tables: IndexTables, entry: number, prepared: Prepared, skip: number): boolean {
	if (tables.hidden[entry] === 1) return false;
	const base = entry * STRIDE;
	if (prepared.profession !== 0 && tables.fields[base + SLOT.professionCode] !== prepared.profession) return false;
	if (prepared.departement !== 0 && tables.fields[base + SLOT.departement] !== prepared.departement) return false;
	if (prepared.postal && prepared.postal[tables.fields[base + SLOT.postalCode] as number] !== 1) return false;
	if (prepared.city && prepared.city[tables.fields[base + SLOT.city] as number] !== 1) return false;
	const from = tables.entryWordStart[entry] as number;
	const to = tables.entryWordStart[entry + 1] as number;
	for (let index = 0; index < prepared.ranges.length; index++) {
		if (index === skip) continue;
		const {lo, hi} = prepared.ranges[index] as WordRange;
		let found = false;
		for (let at = from; at < to && !found; at++) {
			const word = tables.entryWords[at] as number;
			found = word >= lo && word < hi;
		}
		if (!found) return false;
	}
	return prepared.addressPrefix === '' || addressMatches(tables.addressOf(entry), prepared.addressPrefix);
}
