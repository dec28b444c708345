// A page of results: the file's matches, tier by tier in directory order, with the accounts
// activated here merged into each tier at their place in that order; only as many as the page
// needs are taken from the (lazy) tiers.
import {DIRECTORY_PAGE_MAX, type DirectoryQuery} from '../../contract/domain/directory.js';
import type {AccountEntry, AccountMatch} from './account-overlay.js';
import {TIERS} from './ranking.js';

/** Where the page a query asks for starts, and how many results it takes to reach its end. */
export function pageBounds(query: DirectoryQuery): {offset: number; wanted: number} {
	const offset = Math.max(0, Math.floor(query.offset ?? 0));
	const limit = Math.min(Math.max(1, Math.floor(query.limit ?? 20)), DIRECTORY_PAGE_MAX);
	return {offset, wanted: offset + limit};
}

/**
 * The first `wanted` results: file mailboxes (their ids) and accounts. `byWords`: the query has
 * words, so the accounts come in tiers like the file's (else one). `sortKeyOf`: a file
 * mailbox's sort key, to compare it with the accounts'.
 */
export function mergePage(tiers: Iterable<number>[], accounts: AccountMatch[], byWords: boolean, wanted: number, sortKeyOf: (entry: number) => string): Array<number | AccountEntry> {
	const accountTiers = byWords ? Array.from({length: TIERS}, (_unused, tier) => accounts.filter(account => account.tier === tier)) : [accounts];
	const page: Array<number | AccountEntry> = [];
	for (let tier = 0; tier < accountTiers.length && page.length < wanted; tier++) {
		const mine = accountTiers[tier] as AccountMatch[];
		let next = 0;
		for (const entry of tiers[tier] ?? []) {
			if (page.length >= wanted) break;
			if (next < mine.length) {
				const key = sortKeyOf(entry);
				while (next < mine.length && page.length < wanted && (mine[next] as AccountMatch).key < key) page.push((mine[next++] as AccountMatch).entry);
			}
			if (page.length < wanted) page.push(entry);
		}
		while (next < mine.length && page.length < wanted) page.push((mine[next++] as AccountMatch).entry);
	}
	return page;
}
