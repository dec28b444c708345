// "Rechercher dans l'annuaire": the query as typed, results as you type (one search in flight at a
// time), the results fetched around the highlighted one, and the session that shows published mobiles
// to the holder of an activated account.
import type {ApiClient} from '../contract/api/operations.js';
import type {CardProof, ProofPurpose} from '../contract/domain/account.js';
import {DIRECTORY_OFFSET_MAX, type DirectoryEntry, type DirectoryState} from '../contract/domain/directory.js';
import type {Catalogue} from '../contract/i18n/index.js';
import type {SessionAction} from '../state/session.js';
import {IDLE, SENDING, failed, type FlowContext, type Pending} from './flow.js';
import {previousScreen} from './navigation.js';

/** Results fetched at a time, around the highlighted one. */
const DIRECTORY_WINDOW = 50;

/** Fields of the directory's search box. */
export type DirectoryField = 'text' | 'place' | 'city';

/** What "Rechercher dans l'annuaire" shows: the query as typed and the results of the last answer. */
export type DirectorySearch = {
	query: {text: string; profession: string; place: string; city: string};
	/** The last page received: results from `offset` on, out of `total`. */
	results: {total: number; offset: number; entries: DirectoryEntry[]} | null;
	/** Where the directory stood at the last answer (the national file may still be loading). */
	status: DirectoryState | null;
	request: Pending;
	/** Index of the highlighted result among all `total`. */
	selected: number;
	/** The highlighted result's details are shown. */
	detail: boolean;
	/** Session opened with the card of an activated account: the directory shows published mobiles. */
	session: string | null;
};

export const INITIAL_DIRECTORY: DirectorySearch = {query: {text: '', profession: '', place: '', city: ''}, results: null, status: null, request: IDLE, selected: 0, detail: false, session: null};

export type DirectoryAction =
	| {type: 'directory/opened'}
	| {type: 'directory/field'; field: DirectoryField; value: string}
	| {type: 'directory/profession'; code: string}
	| {type: 'directory/request'; request: Pending}
	| {type: 'directory/results'; results: NonNullable<DirectorySearch['results']>; status: DirectoryState}
	| {type: 'directory/select'; index: number}
	| {type: 'directory/detail'; open: boolean}
	| {type: 'directory/session'; session: string}
	/** Back at Welcome: the next person must not find this one's search. */
	| {type: 'directory/cleared'};

/** Whether the results at hand include result `index`. */
function directoryWindowHas(search: DirectorySearch, index: number): boolean {
	const results = search.results;
	return results !== null && index >= results.offset && index < results.offset + results.entries.length;
}

export function directoryReducer(state: DirectorySearch, action: SessionAction): DirectorySearch {
	switch (action.type) {
		case 'directory/opened':
			return {...state, detail: false};
		case 'directory/field':
			return {...state, query: {...state.query, [action.field]: action.value}, selected: 0, detail: false};
		case 'directory/profession':
			return {...state, query: {...state.query, profession: action.code}, selected: 0, detail: false};
		case 'directory/request':
			return {...state, request: action.request};
		case 'directory/results': {
			const selected = Math.min(state.selected, Math.max(action.results.total - 1, 0));
			return {...state, results: action.results, status: action.status, request: IDLE, selected};
		}
		case 'directory/select': {
			const last = Math.min(state.results?.total ?? 0, DIRECTORY_OFFSET_MAX) - 1;
			return {...state, selected: Math.min(Math.max(action.index, 0), Math.max(last, 0))};
		}
		case 'directory/detail':
			return {...state, detail: action.open && directoryWindowHas(state, state.selected)};
		case 'directory/session':
			return {...state, session: action.session};
		case 'directory/cleared':
			return {...INITIAL_DIRECTORY, session: state.session};
		default:
			return state;
	}
}

/** Whether the national file is still being read: the search is asked again until it is. */
export function directoryLoading(search: DirectorySearch): boolean {
	return search.status?.phase === 'loading' || search.status?.phase === 'idle';
}

/** What the directory talks to. */
export type DirectoryDeps = {
	api: Pick<ApiClient, 'directory' | 'openSession'>;
	/** Signs a challenge with the card: the holder of an activated account sees published mobiles. */
	prove: (purpose: ProofPurpose) => Promise<CardProof>;
	/** Messages of the session's language. */
	t: Catalogue;
};

/** Intents of the directory screen. */
export function createDirectory({get, dispatch, guarded}: FlowContext, {api, prove, t}: DirectoryDeps) {
	// One search in flight at a time; edits made meanwhile are searched when it returns.
	const flight = {running: false, again: false};

	/** Searches with the query as it stands now (called after each edit). */
	const search = () => {
		if (flight.running) {
			flight.again = true;
			return;
		}
		flight.running = true;
		const {directory, signIn} = get();
		const {text, profession, place, city} = directory.query;
		dispatch({type: 'directory/request', request: SENDING});
		const page = api.directory({q: text, profession, place, city, offset: Math.max(0, directory.selected - 10), limit: DIRECTORY_WINDOW}, {session: signIn.session ?? directory.session});
		guarded(
			page,
			({total, offset, entries, state: status}) => {
				dispatch({type: 'directory/results', results: {total, offset, entries}, status});
				// The highlight moved while this page was on its way: fetch the results around it.
				const now = get().directory;
				if (now.results && now.results.total > 0 && !directoryWindowHas(now, now.selected)) flight.again = true;
			},
			error => dispatch({type: 'directory/request', request: failed(error, t)}),
		);
		const done = () => {
			flight.running = false;
			if (flight.again) {
				flight.again = false;
				search();
			}
		};
		page.then(done, done);
	};

	/** Highlights result `index`, fetching the results around it when they are not at hand. */
	const select = (index: number) => {
		dispatch({type: 'directory/select', index});
		const {directory} = get();
		if (directory.results && !directoryWindowHas(directory, directory.selected)) search();
	};

	return {
		search,
		select,
		/** Moves the highlight by `delta` results. */
		moveSelection: (delta: number) => select(get().directory.selected + delta),
		/** "Rechercher dans l'annuaire" (from Welcome, or from step 4: published mobiles too). */
		open() {
			dispatch({type: 'directory/opened'}, {type: 'navigation/open', screen: 'directory'}, {type: 'navigation/notice', notice: null});
			const {account, card, signIn, directory} = get();
			// The holder of an activated account, proven by the card, sees published mobiles.
			if (account.activated && card.identity && !signIn.session && !directory.session) {
				guarded(
					prove('session').then(proof => api.openSession({proof})),
					({session}) => {
						dispatch({type: 'directory/session', session});
						search();
					},
					() => undefined,
				);
			}
			search();
		},
		edit(field: DirectoryField, value: string) {
			dispatch({type: 'directory/field', field, value});
			search();
		},
		/** Moves the profession filter by `delta` among `codes` (all professions first, ''). */
		cycleProfession(delta: number, codes: string[]) {
			const all = ['', ...codes];
			const at = all.indexOf(get().directory.query.profession);
			dispatch({type: 'directory/profession', code: all[(at + delta + all.length) % all.length] ?? ''});
			search();
		},
		/** Enter on a result: its details, when it is at hand. */
		openDetail: () => dispatch({type: 'directory/detail', open: true}),
		/** Esc: the list again from the details; otherwise back where the directory was opened. */
		escape() {
			const {directory, navigation} = get();
			if (directory.detail) dispatch({type: 'directory/detail', open: false});
			// Back at Welcome, the next person finds it as new: the search cleared, the first entry focused.
			else if (previousScreen(navigation) === 'welcome') dispatch({type: 'navigation/back'}, {type: 'navigation/focus', screen: 'welcome', index: 0}, {type: 'directory/cleared'});
			else dispatch({type: 'navigation/back'});
		},
	};
}

/** Intents of the directory screen, as it receives them. */
export type Directory = ReturnType<typeof createDirectory>;
