// The accounts activated here, on top of the file's mailboxes: searchable at once, by the same
// word rules, with their holders' directory choices (liste rouge, a published mobile). They are
// few, so they are kept as objects and matched by a plain scan of them.
import type {DirectoryEntry, DirectoryQuery} from '../../contract/domain/directory.js';
import {sortKey} from './directory-order.js';
import {addressMatches, addressWords, cityWords, foldWords, nameWords, personOf} from './index-words.js';
import type {Prepared} from './query-plan.js';

/** A mailbox activated at this service: searchable at once, with its directory choices. */
export type AccountEntry = DirectoryEntry & {
	/** Its holder's national identifier as the file writes it (nationalIdOf): which file mailbox it may replace. Never shown. */
	nationalId: string;
	/** Liste rouge: never returned by a search. */
	listeRouge: boolean;
	/** The mobile, only when its holder chose to publish it. */
	publishedMobile?: string;
};

/** Who searches: a signed-in MSSanté user also sees published mobiles. */
export type Viewer = {signedIn: boolean};

/** An account matching a query: its tier (0 to TIERS - 1, as ranking.ts's) and its place in the directory's order (sortKey). */
export type AccountMatch = {entry: AccountEntry; tier: number; key: string};

/** An account with what searches need of it, kept beside it so that no answer can carry them. */
type Indexed = {account: AccountEntry; words: string[]; lead: string; key: string};

/** The accounts activated here, each with its words, its name run together and its sort key. */
export class AccountOverlay {
	// By address: replacing one is O(1) (with an array re-filtered at each upsert, reading 540,000
	// accounts at start took hours). Re-inserted on change, so the order is the order of changes.
	private readonly own = new Map<string, Indexed>();

	/** Accounts a search can return (liste rouge aside). */
	get searchable(): number {
		let count = 0;
		for (const {account} of this.own.values()) if (!account.listeRouge) count++;
		return count;
	}

	/** The accounts, as given to upsert. */
	list(): AccountEntry[] {
		return [...this.own.values()].map(({account}) => account);
	}

	/** Adds or replaces (by address) an account. */
	upsert(account: AccountEntry): void {
		const name = account.surname || account.organisation;
		this.own.delete(account.address);
		this.own.set(account.address, {account, words: accountWords(account), lead: nameWords(name).at(-1) ?? '', key: sortKey(name, account.givenName, account.city)});
	}

	/** Accounts matching the query, with their tier, each tier sorted. */
	matching(query: DirectoryQuery, prepared: Prepared): AccountMatch[] {
		const {words, place} = prepared;
		const cityQuery = foldWords(query.city ?? '');
		const leads = [words.join(''), ...words.filter(word => word.length >= 2)].filter(Boolean);
		const matches = [];
		for (const {account, words: found, lead, key} of this.own.values()) {
			if (account.listeRouge) continue;
			if (query.profession && account.professionCode !== query.profession) continue;
			if (place && (/^2[AB]$/.test(place) ? account.departement !== place : !account.postalCode.startsWith(place))) continue;
			if (cityQuery.length > 0 && !cityQuery.every(word => cityWords(account.city).some(candidate => candidate.startsWith(word)))) continue;
			if (!words.every(word => found.some(candidate => candidate.startsWith(word)))) continue;
			if (prepared.addressPrefix && !addressMatches(account.address, prepared.addressPrefix)) continue;
			const exact = words.length > 0 && words.every(word => word.length >= 2 && found.includes(word));
			const tier = exact ? (leads.includes(lead) ? 0 : 1) : leads.some(word => lead.startsWith(word)) ? 2 : 3;
			matches.push({entry: account, tier, key});
		}
		return matches.sort((a, b) => a.tier - b.tier || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
	}
}

/** The entry as the viewer may see it: a published mobile for signed-in users only. */
export function visible(entry: DirectoryEntry | AccountEntry, viewer: Viewer): DirectoryEntry {
	const {listeRouge: _listeRouge, publishedMobile, mobile: _mobile, nationalId: _nationalId, ...shown} = entry as AccountEntry;
	return viewer.signedIn && publishedMobile ? {...shown, mobile: publishedMobile} : shown;
}

/** An account's words, as the index gives a file mailbox's (word-index.ts). */
function accountWords(account: AccountEntry): string[] {
	const words = [...nameWords(account.surname), ...nameWords(account.givenName), ...addressWords(account.address, account.type === 'PER' ? personOf(account) : null)];
	if (account.type !== 'PER') words.push(...nameWords(account.organisation), ...nameWords(account.service));
	return [...new Set(words)];
}
