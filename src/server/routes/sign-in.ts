// "Me connecter sans carte CPS": the address and password, then a code sent to the account's
// preferred channel, which opens a session that may change the account.
import {BackendError} from '../../contract/api/errors.js';
import {SIGN_IN_LIMITS} from '../auth/throttle.js';
import type {Handlers} from './context.js';

/** `POST /v1/sign-in`, `POST /v1/sign-in/confirm`. */
export const signInRoutes: Handlers<'signIn' | 'confirmSignIn'> = {
	signIn: async ({address, password, lang}, {accounts, codes, auth, throttle}, {client}) => {
		// Counted before the password is hashed: a throttled guess costs no scrypt, and tells nothing.
		const asked = address.trim().toLowerCase();
		const pair = `sign-in:pair:${client}:${asked}`;
		const byAddress = `sign-in:address:${asked}`;
		await throttle.attempt([
			[pair, SIGN_IN_LIMITS.pair],
			[`sign-in:client:${client}`, SIGN_IN_LIMITS.client],
			[byAddress, SIGN_IN_LIMITS.address],
		]);
		const account = await accounts.checkSignIn(address, password);
		if (account) await throttle.clear([pair, byAddress]);
		if (!account) {
			await accounts.audit.record({action: 'sign-in', outcome: 'refused', address, detail: 'sign-in-refused'});
			throw new BackendError('sign-in-refused', 'Adresse ou mot de passe incorrect');
		}
		const {otpChannel, email, mobile} = account.options;
		const channel = otpChannel === 'sms' && mobile ? 'sms' : 'mail';
		const destination = channel === 'sms' && mobile ? mobile : email;
		return codes.send({purpose: 'sign-in', subject: account.address, channel, destination, holder: {address: account.address}, lang}, (transaction, id) =>
			auth.expectSignIn(id, {address: account.address, destination}, transaction),
		);
	},
	confirmSignIn: async ({signInId, code}, {accounts, codes, auth}) => {
		const pending = await auth.signIn(signInId);
		if (!pending) throw new BackendError('code-expired', 'Code inconnu ou expiré : reconnectez-vous');
		await codes.check(signInId, code, {purpose: 'sign-in', subject: pending.address, destination: pending.destination}, {address: pending.address});
		// A code opens one session: of two confirmations at once (on any instances), one ends the sign-in.
		if (!(await auth.endSignIn(signInId))) throw new BackendError('code-expired', 'Code inconnu ou expiré : reconnectez-vous');
		const session = await auth.openSession(pending.address, 'account');
		await accounts.audit.record({action: 'sign-in', outcome: 'ok', address: pending.address});
		const account = await accounts.accountAt(pending.address);
		if (!account) throw new BackendError('not-found', 'Compte introuvable');
		return {session, account};
	},
};
