// The inverted index of folded words: each mailbox's words as ids into one sorted word list, the
// postings of each word, and each mailbox's name run together. Sorting the words makes the index
// words a query word is a prefix of one contiguous range (wordRange), found by binary search.
import {Postings, U32List, lowerBound} from './columns.js';
import {addressWords, nameWords} from './index-words.js';
import {SLOT, STRIDE} from './index-layout.js';

/** A query word: the range of index words it is a prefix of, and the one it equals (-1 if none). */
export type WordRange = {lo: number; hi: number; exact: number};

/** The word index over mailboxes 0…size-1 (directory order); word ids are ranks in `words`. */
export type WordIndex = {
	/** Every word of the directory, sorted. */
	words: string[];
	/** Mailboxes of each word, ascending. */
	wordPostings: Postings;
	/** Mailbox `entry`'s words are `entryWords[entryWordStart[entry]…entryWordStart[entry + 1])`. */
	entryWordStart: Uint32Array;
	entryWords: Uint32Array;
	/** Each mailbox's name run together (surname, or structure), or NO_WORD: a name starting with the query ranks higher. */
	leadWord: Uint32Array;
};

/** A name without any letter or digit has no word to start with. */
const NO_WORD = 0xffffffff;

/**
 * Indexes the words of `size` mailboxes whose fields (STRIDE ids each) are `fields`: their names'
 * words (a structure's also by its name and service) and their addresses' (addressWords).
 * `personal`: the type id of a person's mailbox.
 */
export function buildWordIndex(fields: Uint32Array, size: number, names: string[], personal: number, addressOf: (entry: number) => string): WordIndex {
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
	const nameWordIds = names.map(name => nameWords(name).map(idOf));
	// Each name run together (its last word), to tell whether a personal address just repeats the name.
	const nameRunTogether = nameWordIds.map(ids => (ids.length > 0 ? (wordList[ids.at(-1) as number] as string) : ''));
	const entryWordStart = new Uint32Array(size + 1);
	const entryWords = new U32List();
	const lead = new Uint32Array(size);
	// A mailbox has a handful of words: a small array beats a Set for removing repeats.
	const own: number[] = [];
	const addWords = (ids: number[]) => {
		for (let index = 0; index < ids.length; index++) if (!own.includes(ids[index] as number)) own.push(ids[index] as number);
	};
	for (let entry = 0; entry < size; entry++) {
		own.length = 0;
		const base = entry * STRIDE;
		const isPersonal = fields[base + SLOT.type] === personal;
		const surname = fields[base + SLOT.surname] as number;
		const given = fields[base + SLOT.givenName] as number;
		// The name run together ("legall" for LE GALL): the last of its words.
		lead[entry] = (nameWordIds[surname !== 0 ? surname : (fields[base + SLOT.organisation] as number)] as number[]).at(-1) ?? NO_WORD;
		addWords(nameWordIds[surname] as number[]);
		addWords(nameWordIds[given] as number[]);
		// A structure's mailbox is found by the structure's name and service.
		if (!isPersonal) {
			addWords(nameWordIds[fields[base + SLOT.organisation] as number] as number[]);
			addWords(nameWordIds[fields[base + SLOT.service] as number] as number[]);
		}
		const person = isPersonal ? {given: nameRunTogether[given] as string, surname: nameRunTogether[surname] as string} : null;
		addWords(addressWords(addressOf(entry), person).map(idOf));
		for (let index = 0; index < own.length; index++) entryWords.push(own[index] as number);
		entryWordStart[entry + 1] = entryWords.length;
	}
	// Words sorted, so that a prefix is a contiguous range; ids renumbered in that order.
	const sortedIds = wordList.map((_word, id) => id).sort((a, b) => ((wordList[a] as string) < (wordList[b] as string) ? -1 : 1));
	const rankOf = new Uint32Array(wordList.length);
	sortedIds.forEach((id, rank) => (rankOf[id] = rank));
	const words = sortedIds.map(id => wordList[id] as string);
	const renumbered = entryWords.done();
	for (let at = 0; at < renumbered.length; at++) renumbered[at] = rankOf[renumbered[at] as number] as number;
	for (let entry = 0; entry < size; entry++) if (lead[entry] !== NO_WORD) lead[entry] = rankOf[lead[entry] as number] as number;
	return {words, wordPostings: wordPostings(renumbered, entryWordStart, words.length), entryWordStart, entryWords: renumbered, leadWord: lead};
}

/** Index words (sorted) starting with `word`. */
export function wordRange(words: string[], word: string): WordRange {
	const lo = lowerBound(0, words.length, index => (words[index] as string) < word);
	// Past the last word starting with `word`: its last letter's successor.
	const end = word.slice(0, -1) + String.fromCharCode(word.charCodeAt(word.length - 1) + 1);
	const hi = lowerBound(lo, words.length, index => (words[index] as string) < end);
	return {lo, hi, exact: lo < hi && words[lo] === word ? lo : -1};
}

/** Postings of each word (mailboxes ascending), from each mailbox's words. */
function wordPostings(entryWords: Uint32Array, entryWordStart: Uint32Array, words: number): Postings {
	const owner = new Uint32Array(entryWords.length);
	for (let entry = 0; entry + 1 < entryWordStart.length; entry++) owner.fill(entry, entryWordStart[entry], entryWordStart[entry + 1]);
	return new Postings(
		entryWords.length,
		words,
		at => entryWords[at] as number,
		at => owner[at] as number,
	);
}
