// Operations of a card in the reader: the challenge it signs to prove itself, the account it
// already has, and the directory session it opens.
import {BackendError} from '../../contract/api/errors.js';
import type {AccountView, CardProof, ProofPurpose} from '../../contract/domain/account.js';
import type {Handlers, RouteContext} from './context.js';

/** The account of the card that made `proof` for `purpose`; refused (`not-found`) when it has none. */
export async function accountOfCard(context: RouteContext, proof: CardProof, purpose: ProofPurpose): Promise<AccountView> {
	const account = await context.accounts.accountFor((await context.prove(proof, purpose)).nationalId);
	if (!account) throw new BackendError('not-found', 'Aucun compte activé pour cette carte');
	return account;
}

/** `POST /v1/challenges`, `POST /v1/accounts/lookup`, `POST /v1/sessions`. */
export const cardRoutes: Handlers<'challenge' | 'lookup' | 'openSession'> = {
	challenge: async ({purpose}, {challenges, throttle, limits}, {client}) => {
		await throttle.attempt([[`challenge:${client}`, limits.challenge]]);
		return challenges.issue(purpose);
	},
	lookup: ({proof}, context) => accountOfCard(context, proof, 'lookup'),
	openSession: async ({proof}, context) => {
		const account = await accountOfCard(context, proof, 'session');
		return {session: await context.auth.openSession(account.address, 'directory')};
	},
};
