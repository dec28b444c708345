// The directory: searches (published mobiles for a live session) and the state of the national file.
import {BackendError} from '../../contract/api/errors.js';
import {DIRECTORY_OFFSET_MAX} from '../../contract/domain/directory.js';
import {readsEveryMailbox} from '../directory/query-plan.js';
import type {Handlers} from './context.js';

/** `GET /v1/directory`, `GET /v1/directory/status`. */
export const directoryRoutes: Handlers<'directory' | 'directoryStatus'> = {
	directory: async ({q, profession, place, city, offset, limit}, {accounts, auth, throttle, limits, wideSearches}, request) => {
		if ((offset ?? 0) > DIRECTORY_OFFSET_MAX) {
			throw new BackendError('invalid-request', `Recherche invalide : au-delà de ${DIRECTORY_OFFSET_MAX} résultats, précisez la recherche`, {query: ['offset']});
		}
		await throttle.attempt([[`directory:${request.client}`, limits.directory]]);
		const session = await auth.session(request.session);
		// Published mobiles are for the holder of a live session of an existing account.
		const signedIn = session !== undefined && (await accounts.accountAt(session.address)) !== null;
		const query = {text: q, profession, place, city, offset, limit};
		// A search that reads every mailbox waits its turn: the others never queue behind many of them.
		if (readsEveryMailbox(query)) return wideSearches.run(() => accounts.searchDirectory(query, {signedIn}));
		return accounts.searchDirectory(query, {signedIn});
	},
	directoryStatus: (_input, {accounts}) => {
		accounts.directory.load();
		return accounts.directory.state;
	},
};
