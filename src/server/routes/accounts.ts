// "Modifier mon compte": by the card proven, or by a session of a sign-in without the card.
import {BackendError} from '../../contract/api/errors.js';
import type {CardIdentity} from '../../contract/domain/card-identity.js';
import {changesChannel, changesContact} from '../auth/channel-codes.js';
import type {Handlers} from './context.js';

/** `PUT /v1/accounts/:address`. */
export const accountRoutes: Handlers<'update'> = {
	update: async ({address, proof, session, verificationId, options, password}, {prove, auth, codes, accounts}) => {
		let holder: CardIdentity | null = null;
		if (proof) holder = await prove(proof);
		else {
			const signedIn = await auth.session(session);
			if (signedIn?.scope !== 'account' || signedIn.address !== address.toLowerCase()) throw new BackendError('sign-in-refused', 'Session expirée : reconnectez-vous');
		}
		const current = await accounts.accountAt(address);
		// A session without the card changes the options and the password, never the contact
		// details: whoever holds the password and one code must not be able to move them.
		if (current && !holder && changesContact(current.options, options)) {
			throw new BackendError('card-required', 'Changer l’e-mail, le mobile ou le mode de réception des codes nécessite la carte CPS');
		}
		if (holder && current && changesChannel(current.options, options)) {
			// Where codes go decides who can sign in without the card: a new destination must have received a code.
			await codes.requireVerified(verificationId ?? '', holder.nationalId, options);
		}
		return accounts.update(address, holder, {options, password});
	},
};
