import {foldLatin} from '../../contract/text/text.js';
import {DIRECTORY_PAGE_MAX, type DirectoryEntry, type DirectoryQuery} from '../../contract/domain/directory.js';
import {Interner, PackedStrings, Postings, U32List, lowerBound} from './columns.js';
import type {DirectoryRecord, MailboxType} from './extraction.js';

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
function cityWords(city: string): string[] {
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

/** A mailbox activated at this service: searchable at once, with its directory choices. */
export type AccountEntry = DirectoryEntry & {
	/** Liste rouge: never returned by a search. */
	listeRouge: boolean;
	/** The mobile, only when its holder chose to publish it. */
	publishedMobile?: string;
};

/** Who searches: a signed-in MSSanté user also sees published mobiles. */
export type Viewer = {signedIn: boolean};

// Columns with few distinct values, kept as small ids (and lists of entries per value for filters).
const CATEGORIES = ['type', 'civility', 'professionCode', 'specialty', 'postalCode', 'city', 'departement'] as const;
type Category = (typeof CATEGORIES)[number];
const FILTERS = ['professionCode', 'postalCode', 'city', 'departement'] as const;
type Filter = (typeof FILTERS)[number];
// Names, interned in one table (they repeat: MARTIN, Marie, CENTRE HOSPITALIER DE CAEN).
const NAMES = ['surname', 'givenName', 'organisation', 'service'] as const;
type NameField = (typeof NAMES)[number];
const FIELDS = [...CATEGORIES, ...NAMES] as const;
const STRIDE = FIELDS.length;
const SLOT = Object.fromEntries(FIELDS.map((field, index) => [field, index])) as Record<Category | NameField, number>;

// A name without any letter or digit has no word to start with.
const NO_WORD = 0xffffffff;

/** A query word: the range of index words it is a prefix of, and the one it equals (-1 if none). */
type WordRange = {lo: number; hi: number; exact: number};

/** A query, prepared once for the per-mailbox checks. */
type Prepared = {
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

/** Where a search starts: the postings of its rarest word, or the lists of a filter's values. */
type Driver = {size: number; word: number; lists: Array<[Postings, number]>};

/** A builder's content as plain data (strings, typed arrays), to cross threads. */
export type BuilderPart = {
	categories: Record<Category, string[]>;
	names: string[];
	fields: Uint32Array;
	addresses: string[];
	streets: string[];
	lines: Uint32Array;
	professionLabels: Array<[string, string]>;
};

/** Accepts records one by one (the file is read as a stream), then builds the index. */
export class DirectoryIndexBuilder {
	private readonly categories = Object.fromEntries(CATEGORIES.map(category => [category, new Interner()])) as Record<Category, Interner>;
	private readonly names = new Interner();
	private readonly fields = new U32List();
	private readonly addresses = new PackedStrings();
	private readonly streets = new PackedStrings();
	private readonly professionLabels = new Map<string, string>();
	/** Line of the file each mailbox came from. */
	private readonly lines = new U32List();

	add(record: DirectoryRecord, line = 0): void {
		this.lines.push(line);
		// Written out in FIELDS order: a loop over the column names costs a second on 600,000 records.
		const {categories, names, fields} = this;
		fields.push(categories.type.id(record.type));
		fields.push(categories.civility.id(record.civility));
		fields.push(categories.professionCode.id(record.professionCode));
		fields.push(categories.specialty.id(record.specialty));
		fields.push(categories.postalCode.id(record.postalCode));
		fields.push(categories.city.id(record.city));
		fields.push(categories.departement.id(record.departement));
		fields.push(names.id(record.surname));
		fields.push(names.id(record.givenName));
		fields.push(names.id(record.organisation));
		fields.push(names.id(record.service));
		this.addresses.push(record.address);
		this.streets.push(record.street);
		if (record.professionCode && !this.professionLabels.has(record.professionCode)) this.professionLabels.set(record.professionCode, record.profession);
	}

	/** What was added, as plain data another thread can send (a part of the file read there). */
	part(): BuilderPart {
		const strings = (packed: PackedStrings) => Array.from({length: packed.length}, (_unused, index) => packed.get(index));
		return {
			categories: Object.fromEntries(CATEGORIES.map(category => [category, this.categories[category].values])) as Record<Category, string[]>,
			names: this.names.values,
			fields: this.fields.done(),
			addresses: strings(this.addresses),
			streets: strings(this.streets),
			lines: this.lines.done(),
			professionLabels: [...this.professionLabels],
		};
	}

	/**
	 * Adds the mailboxes of a part read elsewhere, after this builder's, but those `keep` refuses
	 * (an address this part already has): their ids are renumbered into this builder's tables.
	 */
	append(part: BuilderPart, keep: (address: string, line: number) => boolean): void {
		const categoryIds = Object.fromEntries(CATEGORIES.map(category => [category, part.categories[category].map(value => this.categories[category].id(value))])) as Record<Category, number[]>;
		const nameIds = part.names.map(value => this.names.id(value));
		for (let entry = 0; entry < part.addresses.length; entry++) {
			const address = part.addresses[entry] as string;
			const line = part.lines[entry] as number;
			if (!keep(address, line)) continue;
			const base = entry * STRIDE;
			for (const category of CATEGORIES) this.fields.push(categoryIds[category][part.fields[base + SLOT[category]] as number] as number);
			for (const name of NAMES) this.fields.push(nameIds[part.fields[base + SLOT[name]] as number] as number);
			this.addresses.push(address);
			this.streets.push(part.streets[entry] as string);
			this.lines.push(line);
		}
		for (const [code, label] of part.professionLabels) if (!this.professionLabels.has(code)) this.professionLabels.set(code, label);
	}

	build(): DirectoryIndex {
		this.addresses.flush();
		this.streets.flush();
		return new DirectoryIndex({categories: this.categories, names: this.names, fields: this.fields.done(), addresses: this.addresses, streets: this.streets, professionLabels: this.professionLabels});
	}
}

/**
 * The national directory in memory, for searches as the user types: every mailbox in a fixed
 * order (name, given name, city), an inverted index of folded words, lists of mailboxes per
 * profession, postal code, city and département, and the accounts activated here on top.
 *
 * A query word matches the index words it is a prefix of: a contiguous range of the sorted
 * words. A search walks the smallest list among its words' and filters', and checks the rest per
 * mailbox. Results come exact matches first (every word equals a word of the mailbox), then
 * those whose name starts with a query word, then the others; each group in directory order.
 */
export class DirectoryIndex {
	/** Mailboxes from the file. */
	readonly size: number;
	/** Professions present, with their labels and counts (the filter's choices). */
	readonly professions: Array<{code: string; label: string; count: number}>;
	private readonly categories: Record<Category, Interner>;
	private readonly names: Interner;
	/** Fields of each mailbox, in directory order. */
	private readonly fields: Uint32Array;
	/** Position in the file of each mailbox (addresses and streets stay in file order). */
	private readonly original: Uint32Array;
	private readonly addresses: PackedStrings;
	private readonly streets: PackedStrings;
	private readonly words: string[];
	private readonly wordPostings: Postings;
	private readonly entryWordStart: Uint32Array;
	private readonly entryWords: Uint32Array;
	/** Each mailbox's name run together (surname, or structure): a name starting with the query ranks higher. */
	private readonly leadWord: Uint32Array;
	private readonly byFilter: Record<Filter, Postings>;
	/** Every mailbox, as one list (a search with nothing better to start from). */
	private readonly all: Postings;
	private readonly cityWords: string[][];
	private readonly hidden: Uint8Array;
	private hiddenCount = 0;
	private readonly matched: Uint32Array;
	private readonly exactly: Uint32Array;
	private own: Array<AccountEntry & {words: string[]; lead: string; key: string}> = [];

	constructor(parts: {categories: Record<Category, Interner>; names: Interner; fields: Uint32Array; addresses: PackedStrings; streets: PackedStrings; professionLabels: Map<string, string>}) {
		const {categories, names} = parts;
		this.categories = categories;
		this.names = names;
		this.addresses = parts.addresses;
		this.streets = parts.streets;
		const size = parts.addresses.length;
		this.size = size;
		this.original = directoryOrder(parts.fields, size, names.values, categories.city.values);
		this.fields = new Uint32Array(size * STRIDE);
		for (let entry = 0; entry < size; entry++) {
			const from = (this.original[entry] as number) * STRIDE;
			for (let slot = 0; slot < STRIDE; slot++) this.fields[entry * STRIDE + slot] = parts.fields[from + slot] as number;
		}

		// Words of each distinct name, computed once (names repeat); then each mailbox's words.
		const wordIds = new Map<string, number>();
		const wordList: string[] = [];
		const idOf = (word: string) => {
			let id = wordIds.get(word);
			if (id === undefined) {
				id = wordList.length;
				wordIds.set(word, id);
				wordList.push(word);
			}
			return id;
		};
		const nameWordIds = names.values.map(name => nameWords(name).map(idOf));
		// Each name run together (its last word), to tell whether a personal address just repeats the name.
		const nameRunTogether = nameWordIds.map(ids => (ids.length > 0 ? (wordList[ids.at(-1) as number] as string) : ''));
		const entryWordStart = new Uint32Array(size + 1);
		const entryWords = new U32List();
		const lead = new Uint32Array(size);
		const personal = categories.type.values.indexOf('PER');
		// A mailbox has a handful of words: a small array beats a Set for removing repeats.
		const own: number[] = [];
		const addWords = (ids: number[]) => {
			for (let index = 0; index < ids.length; index++) if (!own.includes(ids[index] as number)) own.push(ids[index] as number);
		};
		for (let entry = 0; entry < size; entry++) {
			own.length = 0;
			const base = entry * STRIDE;
			const isPersonal = this.fields[base + SLOT.type] === personal;
			const surname = this.fields[base + SLOT.surname] as number;
			const given = this.fields[base + SLOT.givenName] as number;
			// The name run together ("legall" for LE GALL): the last of its words.
			lead[entry] = (nameWordIds[surname !== 0 ? surname : (this.fields[base + SLOT.organisation] as number)] as number[]).at(-1) ?? NO_WORD;
			addWords(nameWordIds[surname] as number[]);
			addWords(nameWordIds[given] as number[]);
			// A structure's mailbox is found by the structure's name and service.
			if (!isPersonal) {
				addWords(nameWordIds[this.fields[base + SLOT.organisation] as number] as number[]);
				addWords(nameWordIds[this.fields[base + SLOT.service] as number] as number[]);
			}
			const person = isPersonal ? {given: nameRunTogether[given] as string, surname: nameRunTogether[surname] as string} : null;
			addWords(addressWords(this.addressOf(entry), person).map(idOf));
			for (let index = 0; index < own.length; index++) entryWords.push(own[index] as number);
			entryWordStart[entry + 1] = entryWords.length;
		}
		// Words sorted, so that a prefix is a contiguous range; ids renumbered in that order.
		const sortedIds = wordList.map((_word, id) => id).sort((a, b) => ((wordList[a] as string) < (wordList[b] as string) ? -1 : 1));
		const rankOf = new Uint32Array(wordList.length);
		sortedIds.forEach((id, rank) => (rankOf[id] = rank));
		this.words = sortedIds.map(id => wordList[id] as string);
		this.entryWords = entryWords.done();
		for (let at = 0; at < this.entryWords.length; at++) this.entryWords[at] = rankOf[this.entryWords[at] as number] as number;
		for (let entry = 0; entry < size; entry++) if (lead[entry] !== NO_WORD) lead[entry] = rankOf[lead[entry] as number] as number;
		this.entryWordStart = entryWordStart;
		this.leadWord = lead;
		this.wordPostings = wordPostings(this.entryWords, entryWordStart, this.words.length);

		this.byFilter = Object.fromEntries(FILTERS.map(filter => [filter, new Postings(size, categories[filter].values.length, entry => this.fields[entry * STRIDE + SLOT[filter]] as number)])) as Record<Filter, Postings>;
		this.all = new Postings(size, 1, () => 0);
		this.cityWords = categories.city.values.map(cityWords);
		this.hidden = new Uint8Array(size);
		this.matched = new Uint32Array((size >>> 5) + 1);
		this.exactly = new Uint32Array((size >>> 5) + 1);
		this.professions = categories.professionCode.values
			.map((code, id) => ({code, label: parts.professionLabels.get(code) ?? code, count: this.byFilter.professionCode.size(id)}))
			.filter(profession => profession.code !== '')
			.sort((a, b) => b.count - a.count);
		for (const interner of [...Object.values(categories), names]) interner.freeze();
	}

	/** Mailboxes searchable, accounts activated here included (liste rouge aside). */
	get entries(): number {
		return this.size - this.hiddenCount + this.own.filter(account => !account.listeRouge).length;
	}

	/** The accounts activated here, as given to upsertAccount. */
	accounts(): AccountEntry[] {
		return this.own.map(({words: _words, lead: _lead, key: _key, ...account}) => account);
	}

	/**
	 * Adds or replaces an account activated here. Its address hides the file's mailbox of the same
	 * address, so the holder's choices (liste rouge) hold for it too.
	 */
	upsertAccount(account: AccountEntry): void {
		this.own = this.own.filter(existing => existing.address !== account.address);
		const name = account.surname || account.organisation;
		this.own.push({...account, words: accountWords(account), lead: nameWords(name).at(-1) ?? '', key: sortKey(name, account.givenName, account.city)});
		const twin = this.findAddress(account.address);
		if (twin !== -1 && this.hidden[twin] === 0) {
			this.hidden[twin] = 1;
			this.hiddenCount++;
		}
	}

	/**
	 * Searches: mailboxes matching every word and filter, best matches first, each group in the
	 * directory's order; liste rouge never; mobiles only to a signed-in viewer.
	 */
	search(query: DirectoryQuery, viewer: Viewer): {total: number; offset: number; entries: DirectoryEntry[]} {
		const offset = Math.max(0, Math.floor(query.offset ?? 0));
		const limit = Math.min(Math.max(1, Math.floor(query.limit ?? 20)), DIRECTORY_PAGE_MAX);
		const wanted = offset + limit;
		const prepared = this.prepare(query);
		const accounts = this.matchingAccounts(query, prepared);
		const found = prepared.impossible ? {count: 0, tiers: []} : this.match(prepared, wanted);
		const byWords = prepared.ranges.length > 0;
		const accountTiers = byWords ? [0, 1, 2].map(tier => accounts.filter(account => account.tier === tier)) : [accounts];
		// The file's mailboxes come in directory order within each tier; the accounts merge into it.
		const page: Array<number | AccountEntry> = [];
		for (let tier = 0; tier < accountTiers.length && page.length < wanted; tier++) {
			const mine = accountTiers[tier] as typeof accounts;
			let next = 0;
			for (const entry of found.tiers[tier] ?? []) {
				if (page.length >= wanted) break;
				if (next < mine.length) {
					const key = this.sortKeyOf(entry);
					while (next < mine.length && page.length < wanted && (mine[next] as {key: string}).key < key) page.push((mine[next++] as {entry: AccountEntry}).entry);
				}
				if (page.length < wanted) page.push(entry);
			}
			while (next < mine.length && page.length < wanted) page.push((mine[next++] as {entry: AccountEntry}).entry);
		}
		return {
			total: found.count + accounts.length,
			offset,
			entries: page.slice(offset).map(item => visible(typeof item === 'number' ? this.entry(item) : item, viewer)),
		};
	}

	private addressOf(entry: number): string {
		return this.addresses.get(this.original[entry] as number);
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

	/** Mailboxes with a word in `range`. */
	private count(range: WordRange): number {
		return (this.wordPostings.start[range.hi] as number) - (this.wordPostings.start[range.lo] as number);
	}

	/** Index words starting with `word`. */
	private range(word: string): WordRange {
		const words = this.words;
		const lo = lowerBound(0, words.length, index => (words[index] as string) < word);
		// Past the last word starting with `word`: its last letter's successor.
		const end = word.slice(0, -1) + String.fromCharCode(word.charCodeAt(word.length - 1) + 1);
		const hi = lowerBound(lo, words.length, index => (words[index] as string) < end);
		return {lo, hi, exact: lo < hi && words[lo] === word ? lo : -1};
	}

	private prepare(query: DirectoryQuery): Prepared {
		const text = (query.text ?? '').trim();
		const at = text.indexOf('@');
		const addressPrefix = at === -1 ? '' : foldLatin(text).replace(/\s+/g, '');
		// An address is searched by the words of its local part, then checked whole.
		const words = [...new Set(foldWords(at === -1 ? text : text.slice(0, at)))].slice(0, 6);
		const ranges = words.map(word => this.range(word));
		let impossible = ranges.some(range => range.lo === range.hi);
		const profession = query.profession ? this.categories.professionCode.values.indexOf(query.profession) : 0;
		const place = (query.place ?? '').trim().toUpperCase();
		const departement = /^2[AB]$/.test(place) ? this.categories.departement.values.indexOf(place) : 0;
		if (profession === -1 || departement === -1) impossible = true;
		let postal: Uint8Array | null = null;
		if (place !== '' && departement === 0) {
			postal = new Uint8Array(this.categories.postalCode.values.length);
			this.categories.postalCode.values.forEach((code, id) => (postal![id] = id !== 0 && code.startsWith(place) ? 1 : 0));
		}
		const cityQuery = foldWords(query.city ?? '');
		let city: Uint8Array | null = null;
		if (cityQuery.length > 0) {
			city = new Uint8Array(this.cityWords.length);
			this.cityWords.forEach((cityWordList, id) => (city![id] = id !== 0 && cityQuery.every(word => cityWordList.some(candidate => candidate.startsWith(word))) ? 1 : 0));
		}
		const exactable = words.length > 0 && words.every(word => word.length >= 2) && ranges.every(range => range.exact !== -1);
		const leadRanges = [words.join(''), ...words.filter(word => word.length >= 2)].filter(Boolean).map(word => this.range(word));
		return {words, place, ranges, exactable, leadRanges, addressPrefix, profession, departement, postal, city, impossible};
	}

	/** Whether file mailbox `entry` passes the filters and every word but word `skip`. */
	private accepts(entry: number, prepared: Prepared, skip: number): boolean {
		if (this.hidden[entry] === 1) return false;
		const base = entry * STRIDE;
		if (prepared.profession !== 0 && this.fields[base + SLOT.professionCode] !== prepared.profession) return false;
		if (prepared.departement !== 0 && this.fields[base + SLOT.departement] !== prepared.departement) return false;
		if (prepared.postal && prepared.postal[this.fields[base + SLOT.postalCode] as number] !== 1) return false;
		if (prepared.city && prepared.city[this.fields[base + SLOT.city] as number] !== 1) return false;
		const from = this.entryWordStart[entry] as number;
		const to = this.entryWordStart[entry + 1] as number;
		for (let index = 0; index < prepared.ranges.length; index++) {
			if (index === skip) continue;
			const {lo, hi} = prepared.ranges[index] as WordRange;
			let found = false;
			for (let at = from; at < to && !found; at++) {
				const word = this.entryWords[at] as number;
				found = word >= lo && word < hi;
			}
			if (!found) return false;
		}
		return prepared.addressPrefix === '' || addressMatches(this.addressOf(entry), prepared.addressPrefix);
	}

	/** The smallest list a search can walk: a word's postings, or a filter's lists. */
	private driver(prepared: Prepared): Driver | null {
		const candidates: Driver[] = prepared.ranges.map((range, word) => ({size: this.count(range), word, lists: []}));
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
		if (prepared.profession !== 0) filter(this.byFilter.professionCode, id => id === prepared.profession, this.categories.professionCode.values.length);
		if (prepared.departement !== 0) filter(this.byFilter.departement, id => id === prepared.departement, this.categories.departement.values.length);
		if (prepared.postal) filter(this.byFilter.postalCode, id => prepared.postal![id] === 1, this.categories.postalCode.values.length);
		if (prepared.city) filter(this.byFilter.city, id => prepared.city![id] === 1, this.categories.city.values.length);
		return candidates.sort((a, b) => a.size - b.size)[0] ?? null;
	}

	/** The file's mailboxes matching a prepared query: how many, and in tiers (each in order). */
	private match(prepared: Prepared, wanted: number): {count: number; tiers: Iterable<number>[]} {
		// No word and no filter: everything, or (the start of an address only) everything checked.
		const driver = this.driver(prepared) ?? (prepared.addressPrefix ? {size: this.size, word: -1, lists: [[this.all, 0] as [Postings, number]]} : null);
		if (!driver) return this.everything(wanted);
		const {matched, exactly} = this;
		matched.fill(0);
		let count = 0;
		const visit = (from: number, to: number, ids: Uint32Array) => {
			for (let at = from; at < to; at++) {
				const entry = ids[at] as number;
				const bit = 1 << (entry & 31);
				const slot = entry >>> 5;
				if (((matched[slot] as number) & bit) !== 0 || !this.accepts(entry, prepared, driver.word)) continue;
				matched[slot] = (matched[slot] as number) | bit;
				count++;
			}
		};
		if (driver.word !== -1) {
			const {lo, hi} = prepared.ranges[driver.word] as WordRange;
			visit(this.wordPostings.start[lo] as number, this.wordPostings.start[hi] as number, this.wordPostings.ids);
		} else {
			for (const [postings, id] of driver.lists) visit(postings.start[id] as number, postings.start[id + 1] as number, postings.ids);
		}
		if (prepared.ranges.length === 0) return {count, tiers: [this.bits(matched, () => true)]};
		exactly.fill(0);
		if (prepared.exactable) {
			// Mailboxes having every query word whole: walk the rarest exact word's postings.
			const rarest = prepared.ranges.map(range => range.exact).sort((a, b) => this.wordPostings.size(a) - this.wordPostings.size(b))[0] as number;
			for (let at = this.wordPostings.start[rarest] as number; at < (this.wordPostings.start[rarest + 1] as number); at++) {
				const entry = this.wordPostings.ids[at] as number;
				const bit = 1 << (entry & 31);
				if (((matched[entry >>> 5] as number) & bit) !== 0 && this.hasEveryWord(entry, prepared)) exactly[entry >>> 5] = (exactly[entry >>> 5] as number) | bit;
			}
		}
		const leads = (entry: number) => {
			const lead = this.leadWord[entry] as number;
			return prepared.leadRanges.some(({lo, hi}) => lead >= lo && lead < hi);
		};
		return {
			count,
			tiers: [this.bits(exactly, () => true), this.bits(matched, entry => !this.isSet(exactly, entry) && leads(entry)), this.bits(matched, entry => !this.isSet(exactly, entry) && !leads(entry))],
		};
	}

	/** No word, no filter: the whole directory, in order. */
	private everything(wanted: number): {count: number; tiers: Iterable<number>[]} {
		const first: number[] = [];
		for (let entry = 0; entry < this.size && first.length < wanted; entry++) if (this.hidden[entry] === 0) first.push(entry);
		return {count: this.size - this.hiddenCount, tiers: [first]};
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
		const from = this.entryWordStart[entry] as number;
		const to = this.entryWordStart[entry + 1] as number;
		for (const {exact} of prepared.ranges) {
			let found = false;
			for (let at = from; at < to && !found; at++) found = this.entryWords[at] === exact;
			if (!found) return false;
		}
		return true;
	}

	/** Accounts activated here matching the query, with their tier, each tier sorted. */
	private matchingAccounts(query: DirectoryQuery, prepared: Prepared): Array<{entry: AccountEntry; tier: number; key: string}> {
		const {words, place} = prepared;
		const cityQuery = foldWords(query.city ?? '');
		const leads = [words.join(''), ...words.filter(word => word.length >= 2)].filter(Boolean);
		const matches = [];
		for (const account of this.own) {
			if (account.listeRouge) continue;
			if (query.profession && account.professionCode !== query.profession) continue;
			if (place && (/^2[AB]$/.test(place) ? account.departement !== place : !account.postalCode.startsWith(place))) continue;
			if (cityQuery.length > 0 && !cityQuery.every(word => cityWords(account.city).some(candidate => candidate.startsWith(word)))) continue;
			if (!words.every(word => account.words.some(candidate => candidate.startsWith(word)))) continue;
			if (prepared.addressPrefix && !addressMatches(account.address, prepared.addressPrefix)) continue;
			const exact = words.length > 0 && words.every(word => word.length >= 2 && account.words.includes(word));
			const tier = exact ? 0 : leads.some(word => account.lead.startsWith(word)) ? 1 : 2;
			matches.push({entry: account, tier, key: account.key});
		}
		return matches.sort((a, b) => a.tier - b.tier || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
	}

	private sortKeyOf(entry: number): string {
		const base = entry * STRIDE;
		const name = (slot: number) => this.names.values[this.fields[base + slot] as number] as string;
		return sortKey(name(SLOT.surname) || name(SLOT.organisation), name(SLOT.givenName), this.categories.city.values[this.fields[base + SLOT.city] as number] as string);
	}

	/** File mailbox `entry` as shown. */
	private entry(entry: number): DirectoryEntry {
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
}

/**
 * The directory's order (folded name, given name, city, then file order) as the file positions
 * of mailboxes 0, 1, 2…: distinct values are ranked once, then the mailboxes are sorted by their
 * ranks with three stable counting sorts, least significant key first (radix sort).
 */
function directoryOrder(fields: Uint32Array, size: number, names: string[], cities: string[]): Uint32Array {
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

/** Postings of each word (mailboxes ascending), from each mailbox's words. */
function wordPostings(entryWords: Uint32Array, entryWordStart: Uint32Array, words: number): Postings {
	const owner = new Uint32Array(entryWords.length);
	for (let entry = 0; entry + 1 < entryWordStart.length; entry++) owner.fill(entry, entryWordStart[entry], entryWordStart[entry + 1]);
	return new Postings(entryWords.length, words, at => entryWords[at] as number, at => owner[at] as number);
}

/** The order of the directory as one comparable string (accounts merge into the file's order). */
function sortKey(name: string, givenName: string, city: string): string {
	return `${foldLatin(name)}\u0000${foldLatin(givenName)}\u0000${foldLatin(city)}`;
}

function accountWords(account: AccountEntry): string[] {
	const words = [...nameWords(account.surname), ...nameWords(account.givenName), ...addressWords(account.address, account.type === 'PER' ? personOf(account) : null)];
	if (account.type !== 'PER') words.push(...nameWords(account.organisation), ...nameWords(account.service));
	return [...new Set(words)];
}

/** The entry as the viewer may see it: a published mobile for signed-in users only. */
function visible(entry: DirectoryEntry | AccountEntry, viewer: Viewer): DirectoryEntry {
	const {listeRouge: _listeRouge, publishedMobile, mobile: _mobile, ...shown} = entry as AccountEntry;
	return viewer.signedIn && publishedMobile ? {...shown, mobile: publishedMobile} : shown;
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
