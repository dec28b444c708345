// The national directory's index, as the rest of the service uses it: a builder fed record by
// record while the file is read, and the index it builds. The work is done by the modules behind
// it: the tables and their word index (index-tables.ts, word-index.ts), the query plan and the
// ranking (query-plan.ts, ranking.ts), the accounts activated here and the page they merge into
// (account-overlay.ts, pagination.ts).
import type {DirectoryEntry, DirectoryQuery} from '../../contract/domain/directory.js';
import {AccountOverlay, visible, type AccountEntry, type Viewer} from './account-overlay.js';
import {DigitStrings, Interner, PackedStrings, U32List} from './columns.js';
import type {DirectoryRecord} from './extraction-fields.js';
import {IndexTables} from './index-tables.js';
import {CATEGORIES, NAMES, SLOT, STRIDE, type Category} from './index-layout.js';
import {mergePage, pageBounds} from './pagination.js';
import {prepare} from './query-plan.js';
import {Matcher} from './ranking.js';

// What the account service, the worker's protocol and the tests' reference scan use with the index.
export type {AccountEntry, Viewer} from './account-overlay.js';
export {addressMatches, addressWords, foldWords, nameWords, personOf} from './index-words.js';

/** A builder's content as plain data (strings, typed arrays), to cross threads. */
export type BuilderPart = {
	categories: Record<Category, string[]>;
	names: string[];
	fields: Uint32Array;
	addresses: string[];
	streets: string[];
	nationalIds: string[];
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
	private readonly nationalIds = new DigitStrings();
	private readonly professionLabels = new Map<string, string>();
	/** Line of the file each mailbox came from. */
	private readonly lines = new U32List();

	/** Adds the mailbox of `record`, read from line `line` of the file. */
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
		this.nationalIds.push(record.nationalId);
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
			nationalIds: Array.from({length: this.nationalIds.length}, (_unused, index) => this.nationalIds.get(index)),
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
			this.nationalIds.push(part.nationalIds[entry] as string);
			this.lines.push(line);
		}
		for (const [code, label] of part.professionLabels) if (!this.professionLabels.has(code)) this.professionLabels.set(code, label);
	}

	/** The index of every mailbox added, in the directory's order. */
	build(): DirectoryIndex {
		this.addresses.flush();
		this.streets.flush();
		this.nationalIds.flush();
		return new DirectoryIndex(
			new IndexTables({
				categories: this.categories,
				names: this.names,
				fields: this.fields.done(),
				addresses: this.addresses,
				streets: this.streets,
				nationalIds: this.nationalIds,
				professionLabels: this.professionLabels,
			}),
		);
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
	private readonly matcher: Matcher;
	private readonly own = new AccountOverlay();

	constructor(private readonly tables: IndexTables) {
		this.size = tables.size;
		this.professions = tables.professions;
		this.matcher = new Matcher(tables);
	}

	/** Mailboxes searchable, accounts activated here included (liste rouge aside). */
	get entries(): number {
		return this.tables.shown + this.own.searchable;
	}

	/** The accounts activated here, as given to upsertAccount. */
	accounts(): AccountEntry[] {
		return this.own.list();
	}

	/**
	 * Adds or replaces an account activated here. It hides the file's mailbox of the same address
	 * when that mailbox is its own holder's (same national identifier), so the holder's choices
	 * (liste rouge) hold for it too; never someone else's.
	 */
	upsertAccount(account: AccountEntry): void {
		this.own.upsert(account);
		this.tables.hideAddress(account.address, account.nationalId);
	}

	/**
	 * Whose each address is in the national file: the holder's national identifier ("Identification
	 * nationale PP", empty for a structure's mailbox), or null when the file does not have it.
	 */
	owners(addresses: string[]): Array<string | null> {
		return addresses.map(address => this.tables.ownerOf(address.toLowerCase()));
	}

	/**
	 * Searches: mailboxes matching every word and filter, best matches first, each group in the
	 * directory's order; liste rouge never; mobiles only to a signed-in viewer.
	 */
	search(query: DirectoryQuery, viewer: Viewer): {total: number; offset: number; entries: DirectoryEntry[]} {
		const {offset, wanted} = pageBounds(query);
		const prepared = prepare(this.tables, query);
		const accounts = this.own.matching(query, prepared);
		const found = prepared.impossible ? {count: 0, tiers: []} : this.matcher.match(prepared, wanted);
		// The file's mailboxes come in directory order within each tier; the accounts merge into it.
		const page = mergePage(found.tiers, accounts, prepared.ranges.length > 0, wanted, entry => this.tables.sortKeyOf(entry));
		return {
			total: found.count + accounts.length,
			offset,
			entries: page.slice(offset).map(item => visible(typeof item === 'number' ? this.tables.mailbox(item) : item, viewer)),
		};
	}
}
