// "Modifier mon compte": by the card proven, or by a session of a sign-in without the card.
import {BackendError} from '../../contract/api/errors.js';
import {textProblem} from '../../contract/api/text-checks.js';
import type {AccountView} from '../../contract/domain/account.js';
import type {CardIdentity} from '../../contract/domain/card-identity.js';
import {changesChannel, changesContact, mobileVerifiedBy} from '../auth/channel-codes.js';
import {SIGN_IN_LIMITS} from '../auth/throttle.js';
import type {Handlers} from './context.js';

/** `PUT /v1/accounts/:address`. */
export const accountRoutes: Handlers<'update'> = {
	update: async ({address, proof, session, verificationId, mobileVerificationId, options, password, currentPassword}, {prove, auth, codes, accounts, throttle}, {client}) => {
		// The path's address is a string of the request like the body's: no control character, well-formed.
		const problem = textProblem(address);
		if (problem) throw new BackendError('invalid-request', 'Requête invalide', {address: [problem]});
		let holder: CardIdentity | null = null;
		let current: AccountView | null;
		if (proof) {
			holder = await prove(proof, 'update');
			// The right to the account first, before anything the body says is looked at: only the
			// card's own account is read (never the address asked), and any other address gets one
			// refusal — whether it exists, and whatever e-mail or mobile the body guesses.
			current = await accounts.accountFor(holder.nationalId);
			if (current?.address !== address.toLowerCase()) {
				await accounts.audit.record({action: 'update', outcome: 'refused', address, nationalId: holder.nationalId, detail: 'not-found'});
				throw new BackendError('not-found', 'Aucun compte à cette adresse pour cette carte');
			}
		} else {
			const signedIn = await auth.session(session);
			if (signedIn?.scope !== 'account' || signedIn.address !== address.toLowerCase()) throw new BackendError('sign-in-refused', 'Session expirée : reconnectez-vous');
			current = await accounts.accountAt(signedIn.address);
		}
		// A session without the card changes the options and the password, never the contact
		// details: whoever holds the password and one code must not be able to move them.
		if (current && !holder && changesContact(current.options, options)) {
			throw new BackendError('card-required', 'Changer l’e-mail, le mobile ou le mode de réception des codes nécessite la carte CPS');
		}
		if (holder && current && changesChannel(current.options, options)) {
			// Where codes go decides who can sign in without the card: a new destination must have received a code.
			await codes.requireVerified(verificationId ?? '', holder.nationalId, options);
		}
		if (!holder && password !== undefined) {
			// A session is not the password: whoever holds its token must know the current one to change it
			// (guesses counted like those of a sign-in).
			const asked = address.toLowerCase();
			await throttle.attempt([[`sign-in:pair:${client}:${asked}`, SIGN_IN_LIMITS.pair]]);
			if (!(await accounts.checkSignIn(asked, currentPassword ?? ''))) {
				throw new BackendError('current-password', 'Mot de passe actuel incorrect : le nouveau n’a pas été enregistré', {currentPassword: ['wrong']});
			}
		}
		// A mobile received a code in this request (with the card only): the one that may be published from now on.
		const verifiedMobile = holder ? await mobileVerifiedBy(auth, holder.nationalId, options, [verificationId, mobileVerificationId]) : undefined;
		const saved = await accounts.update(address, holder, {options, password, verifiedMobile});
		// A new password, or codes going elsewhere, ends every other session of the account: one opened
		// with the old password (or a code sent to the old destination) must not outlive it.
		if (password !== undefined || (current && changesChannel(current.options, options))) await auth.endSessions(saved.address, holder ? undefined : session);
		return saved;
	},
};
