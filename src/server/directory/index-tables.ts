// The index's tables: every mailbox of the file as ids in one Uint32Array, in the directory's
// order, with the word index, the lists per filter value and the file mailboxes the accounts
// activated here hide. Built once from what the builder collected; the search reads them
// directly (query-plan.ts, ranking.ts) and only `hidden` changes afterwards.
import type {DirectoryEntry} from '../../contract/domain/directory.js';
import {type DigitStrings, type Interner, type PackedStrings, Postings} from './columns.js';
import {directoryOrder, sortKey} from './directory-order.js';
import type {MailboxType} from './extraction-fields.js';
import {cityWords, addressWords} from './index-words.js';
import {FILTERS, SLOT, STRIDE, type Category, type Filter, type NameField} from './index-layout.js';
import {buildWordIndex, wordRange, type WordIndex, type WordRange} from './word-index.js';

/** What a builder collected, in file order. */
export type CollectedMailboxes = {
	categories: Record<Category, Interner>;
	names: Interner;
	/** STRIDE ids per mailbox (index-layout.ts). */
	fields: Uint32Array;
	addresses: PackedStrings;
	streets: PackedStrings;
	/** National identifier of each mailbox's holder ("Identification nationale PP"; empty for a structure's). */
	nationalIds: DigitStrings;
	/** Label of each profession code. */
	professionLabels: Map<string, string>;
};

/** The file's mailboxes, indexed; mailbox ids (`entry`) are positions in the directory's order. */
export class IndexTables implements WordIndex {
	/** Mailboxes from the file. */
	readonly size: number;
	/** Professions present, with their labels and counts (the filter's choices). */
	readonly professions: Array<{code: string; label: string; count: number}>;
	readonly categories: Record<Category, Interner>;
	readonly names: Interner;
	/** Fields of each mailbox, in directory order. */
	readonly fields: Uint32Array;
	/** Position in the file of each mailbox (addresses and streets stay in file order). */
	readonly original: Uint32Array;
	readonly addresses: PackedStrings;
	readonly streets: PackedStrings;
	/** National identifier of each mailbox's holder, in file order (never shown). */
	readonly nationalIds: DigitStrings;
	// The word index (word-index.ts), kept flat here: the search's inner loops read these arrays
	// straight off the tables.
	readonly words: string[];
	readonly wordPostings: Postings;
	readonly entryWordStart: Uint32Array;
	readonly entryWords: Uint32Array;
	readonly leadWord: Uint32Array;
	/** Mailboxes per value of each filter column. */
	readonly byFilter: Record<Filter, Postings>;
	/** Every mailbox, as one list (a search with nothing better to start from). */
	readonly all: Postings;
	/** Words of each city id (cityWords), for the city filter. */
	readonly cityWords: string[][];
	/** 1 for a mailbox an account activated here replaces (hideAddress): never returned. */
	readonly hidden: Uint8Array;
	private hiddenCount = 0;

	constructor(parts: CollectedMailboxes) {
		const {categories, names} = parts;
		this.categories = categories;
		this.names = names;
		this.addresses = parts.addresses;
		this.streets = parts.streets;
		this.nationalIds = parts.nationalIds;
		const size = parts.addresses.length;
		this.size = size;
		this.original = directoryOrder(parts.fields, size, names.values, categories.city.values);
		this.fields = new Uint32Array(size * STRIDE);
		for (let entry = 0; entry < size; entry++) {
			const from = (this.original[entry] as number) * STRIDE;
			for (let slot = 0; slot < STRIDE; slot++) this.fields[entry * STRIDE + slot] = parts.fields[from + slot] as number;
		}
		const wordIndex = buildWordIndex(this.fields, size, names.values, categories.type.values.indexOf('PER'), entry => this.addressOf(entry));
		this.words = wordIndex.words;
		this.wordPostings = wordIndex.wordPostings;
		this.entryWordStart = wordIndex.entryWordStart;
		this.entryWords = wordIndex.entryWords;
		this.leadWord = wordIndex.leadWord;
		this.byFilter = Object.fromEntries(FILTERS.map(filter => [filter, new Postings(size, categories[filter].values.length, entry => this.fields[entry * STRIDE + SLOT[filter]] as number)])) as Record<
			Filter,
			Postings
		>;
		this.all = new Postings(size, 1, () => 0);
		this.cityWords = categories.city.values.map(cityWords);
		this.hidden = new Uint8Array(size);
		this.professions = categories.professionCode.values
			.map((code, id) => ({code, label: parts.professionLabels.get(code) ?? code, count: this.byFilter.professionCode.size(id)}))
			.filter(profession => profession.code !== '')
			.sort((a, b) => b.count - a.count);
		for (const interner of [...Object.values(categories), names]) interner.freeze();
	}

	/** Mailboxes of the file a search may return (those not hidden). */
	get shown(): number {
		return this.size - this.hiddenCount;
	}

	/**
	 * Hides the file's mailbox at `address` if it is the mailbox of `nationalId`'s holder: an account
	 * of that holder activated at that address replaces it, so the holder's choices (liste rouge)
	 * hold for it too. Someone else's mailbox (a homonym's account at an address the file gives to
	 * another practitioner) stays shown.
	 */
	hideAddress(address: string, nationalId: string): void {
		const twin = this.findAddress(address);
		if (twin !== -1 && nationalId !== '' && this.nationalIdOf(twin) === nationalId && this.hidden[twin] === 0) {
			this.hidden[twin] = 1;
			this.hiddenCount++;
		}
	}

	/** The national identifier of the holder of the file's mailbox at `address` ('' for a structure's), or null when the file has no such mailbox. */
	ownerOf(address: string): string | null {
		const entry = this.findAddress(address);
		return entry === -1 ? null : this.nationalIdOf(entry);
	}

	/** National identifier of mailbox `entry`'s holder. */
	private nationalIdOf(entry: number): string {
		return this.nationalIds.get(this.original[entry] as number);
	}

	/** Mailbox `entry`'s address (addresses stay in file order). */
	addressOf(entry: number): string {
		return this.addresses.get(this.original[entry] as number);
	}

	/** Index words starting with `word`. */
	range(word: string): WordRange {
		return wordRange(this.words, word);
	}

	/** Mailboxes with a word in `range`. */
	count(range: WordRange): number {
		return (this.wordPostings.start[range.hi] as number) - (this.wordPostings.start[range.lo] as number);
	}

	/** Mailbox `entry`'s place in the directory's order, as accounts carry it (sortKey). */
	sortKeyOf(entry: number): string {
		const base = entry * STRIDE;
		const name = (slot: number) => this.names.values[this.fields[base + slot] as number] as string;
		return sortKey(name(SLOT.surname) || name(SLOT.organisation), name(SLOT.givenName), this.categories.city.values[this.fields[base + SLOT.city] as number] as string);
	}

	/** Mailbox `entry` as shown. */
	mailbox(entry: number): DirectoryEntry {
		const base = entry * STRIDE;
		const category = (name: Category) => this.categories[name].values[this.fields[base + SLOT[name]] as number] as string;
		const name = (field: NameField) => this.names.values[this.fields[base + SLOT[field]] as number] as string;
		const professionCode = category('professionCode');
		return {
			type: category('type') as MailboxType,
			address: this.addressOf(entry),
			civility: category('civility'),
			surname: name('surname'),
			givenName: name('givenName'),
			professionCode,
			profession: this.professions.find(profession => profession.code === professionCode)?.label ?? '',
			specialty: category('specialty'),
			organisation: name('organisation'),
			service: name('service'),
			street: this.streets.get(this.original[entry] as number),
			postalCode: category('postalCode'),
			city: category('city'),
			departement: category('departement'),
		};
	}

	/**
	 * The file's mailbox at `address`, or -1. Looked for among the mailboxes having a word of the
	 * address's local part, rarest first: a mailbox always has one (a person's address that adds
	 * no word of its own has the name's words, see addressWords).
	 */
	private findAddress(address: string): number {
		const candidates = addressWords(address, null)
			.map(word => this.range(word).exact)
			.filter(word => word !== -1)
			.sort((a, b) => this.wordPostings.size(a) - this.wordPostings.size(b));
		const {start, ids} = this.wordPostings;
		for (const word of candidates) {
			for (let at = start[word] as number; at < (start[word + 1] as number); at++) if (this.addressOf(ids[at] as number) === address) return ids[at] as number;
		}
		return -1;
	}
}
