// The directory's search rules written as plainly as possible: a linear scan over the records.
// The index's results are compared with it (tests), and its speed is the benchmark's baseline.
import type {DirectoryQuery} from '../../src/contract/domain/directory.js';
import {addressMatches, addressWords, foldWords, nameWords, personOf} from '../../src/server/directory/directory-index.js';
import type {DirectoryRecord} from '../../src/server/directory/extraction.js';
import {foldLatin} from '../../src/contract/text/text.js';

type Scanned = {record: DirectoryRecord; words: string[]; lead: string; key: string; city: string[]; position: number};

/** Records prepared once (folded words), as a scan over a loaded directory would have them. */
export function prepareScan(records: DirectoryRecord[]): Scanned[] {
	return records.map((record, position) => {
		const words = [...nameWords(record.surname), ...nameWords(record.givenName), ...addressWords(record.address, record.type === 'PER' ? personOf(record) : null)];
		if (record.type !== 'PER') words.push(...nameWords(record.organisation), ...nameWords(record.service));
		const name = record.surname || record.organisation;
		const city = foldWords(record.city);
		return {
			record,
			words: words.filter(Boolean),
			lead: nameWords(name).at(-1) ?? '',
			key: `${foldLatin(name)}\u0000${foldLatin(record.givenName)}\u0000${foldLatin(record.city)}`,
			city: [...city, ...city.map(word => (word === 'st' ? 'saint' : word === 'ste' ? 'sainte' : word))],
			position,
		};
	});
}

/** Every record matching `query`, best first (the name typed whole, exact words, names starting with the query, the rest). */
export function scanDirectory(scanned: Scanned[], query: DirectoryQuery): DirectoryRecord[] {
	const text = (query.text ?? '').trim();
	const at = text.indexOf('@');
	const words = [...new Set(foldWords(at === -1 ? text : text.slice(0, at)))].slice(0, 6);
	const addressPrefix = at === -1 ? '' : foldLatin(text).replace(/\s+/g, '');
	const place = (query.place ?? '').trim().toUpperCase();
	const cityWords = foldWords(query.city ?? '');
	const leads = [words.join(''), ...words.filter(word => word.length >= 2)].filter(Boolean);
	const found: Array<{item: Scanned; tier: number}> = [];
	for (const item of scanned) {
		const {record} = item;
		if (query.profession && record.professionCode !== query.profession) continue;
		if (place && (/^2[AB]$/.test(place) ? record.departement !== place : !record.postalCode.startsWith(place))) continue;
		if (!cityWords.every(word => item.city.some(candidate => candidate.startsWith(word)))) continue;
		if (!words.every(word => item.words.some(candidate => candidate.startsWith(word)))) continue;
		if (addressPrefix && !addressMatches(record.address, addressPrefix)) continue;
		const exact = words.length > 0 && words.every(word => word.length >= 2 && item.words.includes(word));
		found.push({item, tier: words.length === 0 ? 0 : exact ? (leads.includes(item.lead) ? 0 : 1) : leads.some(word => item.lead.startsWith(word)) ? 2 : 3});
	}
	found.sort((a, b) => a.tier - b.tier || (a.item.key < b.item.key ? -1 : a.item.key > b.item.key ? 1 : a.item.position - b.item.position));
	return found.map(({item}) => item.record);
}
