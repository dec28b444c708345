// The file's mailboxes matching a prepared query, counted and ranked: exact matches first (every
// query word is a whole word of the mailbox) — among them those whose whole name is what was typed
// ("martin": MARTIN before ADAM-MARTIN) —, then those whose name starts with a query word, then
// the others, each tier in directory order. Matches are marked in bit sets over all mailboxes
// (reused from one search to the next), then read back in order only as far as a page needs.
import type {Postings} from './columns.js';
import type {IndexTables} from './index-tables.js';
import {accepts, driverOf, type Prepared} from './query-plan.js';
import type {WordRange} from './word-index.js';

/** Tiers of a search by words: the name typed whole, every word exact, the name's start, the rest. */
export const TIERS = 4;

/** How many mailboxes match, and the matches in tiers (each ascending, produced lazily). */
export type Matches = {count: number; tiers: Iterable<number>[]};

/** Searches the tables' mailboxes; one at a time (its bit sets are shared by every search). */
export class Matcher {
	private readonly matched: Uint32Array;
	private readonly exactly: Uint32Array;

	constructor(private readonly tables: IndexTables) {
		this.matched = new Uint32Array((tables.size >>> 5) + 1);
		this.exactly = new Uint32Array((tables.size >>> 5) + 1);
	}

	/** The file's mailboxes matching a prepared query: how many, and in tiers (each in order). */
	match(prepared: Prepared, wanted: number): Matches {
		const {tables} = this;
		// No word and no filter: everything, or (the start of an address only) everything checked.
		const driver = driverOf(tables, prepared) ?? (prepared.addressPrefix ? {size: tables.size, word: -1, lists: [[tables.all, 0] as [Postings, number]]} : null);
		if (!driver) return this.everything(wanted);
		const {matched, exactly} = this;
		matched.fill(0);
		let count = 0;
		const visit = (from: number, to: number, ids: Uint32Array) => {
			for (let at = from; at < to; at++) {
				const entry = ids[at] as number;
				const bit = 1 << (entry & 31);
				const slot = entry >>> 5;
				if (((matched[slot] as number) & bit) !== 0 || !accepts(tables, entry, prepared, driver.word)) continue;
				matched[slot] = (matched[slot] as number) | bit;
				count++;
			}
		};
		if (driver.word !== -1) {
			const {lo, hi} = prepared.ranges[driver.word] as WordRange;
			visit(tables.wordPostings.start[lo] as number, tables.wordPostings.start[hi] as number, tables.wordPostings.ids);
		} else {
			for (const [postings, id] of driver.lists) visit(postings.start[id] as number, postings.start[id + 1] as number, postings.ids);
		}
		if (prepared.ranges.length === 0) return {count, tiers: [this.bits(matched, () => true)]};
		exactly.fill(0);
		if (prepared.exactable) {
			// Mailboxes having every query word whole: walk the rarest exact word's postings.
			const rarest = prepared.ranges.map(range => range.exact).sort((a, b) => tables.wordPostings.size(a) - tables.wordPostings.size(b))[0] as number;
			for (let at = tables.wordPostings.start[rarest] as number; at < (tables.wordPostings.start[rarest + 1] as number); at++) {
				const entry = tables.wordPostings.ids[at] as number;
				const bit = 1 << (entry & 31);
				if (((matched[entry >>> 5] as number) & bit) !== 0 && this.hasEveryWord(entry, prepared)) exactly[entry >>> 5] = (exactly[entry >>> 5] as number) | bit;
			}
		}
		const leads = (entry: number) => {
			const lead = tables.leadWord[entry] as number;
			return prepared.leadRanges.some(({lo, hi}) => lead >= lo && lead < hi);
		};
		// The name run together is the query run together, or one of its words.
		const named = (entry: number) => prepared.leadRanges.some(({exact}) => exact !== -1 && tables.leadWord[entry] === exact);
		return {
			count,
			tiers: [
				this.bits(exactly, named),
				this.bits(exactly, entry => !named(entry)),
				this.bits(matched, entry => !this.isSet(exactly, entry) && leads(entry)),
				this.bits(matched, entry => !this.isSet(exactly, entry) && !leads(entry)),
			],
		};
	}

	/** No word, no filter: the whole directory, in order. */
	private everything(wanted: number): Matches {
		const {tables} = this;
		const first: number[] = [];
		for (let entry = 0; entry < tables.size && first.length < wanted; entry++) if (tables.hidden[entry] === 0) first.push(entry);
		return {count: tables.shown, tiers: [first]};
	}

	private isSet(bits: Uint32Array, entry: number): boolean {
		return ((bits[entry >>> 5] as number) & (1 << (entry & 31))) !== 0;
	}

	/** Entries whose bit is set and that pass `keep`, ascending, produced as they are asked for. */
	private *bits(set: Uint32Array, keep: (entry: number) => boolean): Generator<number> {
		for (let slot = 0; slot < set.length; slot++) {
			let word = set[slot] as number;
			while (word !== 0) {
				const low = word & -word;
				const entry = slot * 32 + 31 - Math.clz32(low);
				if (keep(entry)) yield entry;
				word ^= low;
			}
		}
	}

	/** Whether every query word is a whole word of `entry`. */
	private hasEveryWord(entry: number, prepared: Prepared): boolean {
		const {tables} = this;
		const from = tables.entryWordStart[entry] as number;
		const to = tables.entryWordStart[entry + 1] as number;
		for (const {exact} of prepared.ranges) {
			let found = false;
			for (let at = from; at < to && !found; at++) found = tables.entryWords[at] === exact;
			if (!found) return false;
		}
		return true;
	}
}
