// The activation of an account, for the card proven and the channel verified.
import {mobileVerifiedBy} from '../auth/channel-codes.js';
import type {Handlers} from './context.js';

/** `POST /v1/activations` (idempotent by `requestId`). */
export const activationRoutes: Handlers<'activate'> = {
	activate: async ({proof, verificationId, mobileVerificationId, ...activation}, {prove, codes, accounts, auth}) => {
		const identity = await prove(proof, 'activate');
		await codes.requireVerified(verificationId, identity.nationalId, activation.options);
		const verifiedMobile = await mobileVerifiedBy(auth, identity.nationalId, activation.options, [verificationId, mobileVerificationId]);
		return accounts.activate({...activation, identity, verifiedMobile});
	},
};
