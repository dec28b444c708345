// The directory's order (folded name, given name, city): the file's mailboxes are put in it once,
// at build time, by ranks and a radix sort; the accounts activated here carry the same order as a
// string key, to be merged among them.
import {foldLatin} from '../../contract/text/text.js';
import {SLOT, STRIDE} from './index-layout.js';

/**
 * The directory's order (folded name, given name, city, then file order) as the file positions
 * of mailboxes 0, 1, 2…: distinct values are ranked once, then the mailboxes are sorted by their
 * ranks with three stable counting sorts, least significant key first (radix sort).
 */
export function directoryOrder(fields: Uint32Array, size: number, names: string[], cities: string[]): Uint32Array {
	const nameRank = ranks(names);
	const cityRank = ranks(cities);
	const nameOf = (entry: number) => {
		const surname = fields[entry * STRIDE + SLOT.surname] as number;
		return nameRank[surname !== 0 ? surname : (fields[entry * STRIDE + SLOT.organisation] as number)] as number;
	};
	let order = new Uint32Array(size);
	for (let entry = 0; entry < size; entry++) order[entry] = entry;
	const passes: Array<[(entry: number) => number, number]> = [
		[entry => cityRank[fields[entry * STRIDE + SLOT.city] as number] as number, cities.length],
		[entry => nameRank[fields[entry * STRIDE + SLOT.givenName] as number] as number, names.length],
		[nameOf, names.length],
	];
	for (const [keyOf, keys] of passes) {
		const start = new Uint32Array(keys + 1);
		for (let index = 0; index < size; index++) {
			const next = keyOf(order[index] as number) + 1;
			start[next] = (start[next] as number) + 1;
		}
		for (let key = 0; key < keys; key++) start[key + 1] = (start[key + 1] as number) + (start[key] as number);
		const sorted = new Uint32Array(size);
		for (let index = 0; index < size; index++) {
			const entry = order[index] as number;
			const key = keyOf(entry);
			sorted[start[key] as number] = entry;
			start[key] = (start[key] as number) + 1;
		}
		order = sorted;
	}
	return order;
}

/** The order of the directory as one comparable string (accounts merge into the file's order). */
export function sortKey(name: string, givenName: string, city: string): string {
	return `${foldLatin(name)}\u0000${foldLatin(givenName)}\u0000${foldLatin(city)}`;
}

/** Rank of each value once folded (equal folded values share a rank). */
function ranks(values: string[]): Uint32Array {
	const folded = values.map(value => foldLatin(value));
	const ids = folded.map((_value, id) => id).sort((a, b) => ((folded[a] as string) < (folded[b] as string) ? -1 : (folded[a] as string) > (folded[b] as string) ? 1 : 0));
	const rank = new Uint32Array(values.length);
	let current = 0;
	ids.forEach((id, index) => {
		if (index > 0 && folded[id] !== folded[ids[index - 1] as number]) current++;
		rank[id] = current;
	});
	return rank;
}
