// The activation of an account, for the card proven and the channel verified.
import type {Handlers} from './context.js';

/** `POST /v1/activations` (idempotent by `requestId`). */
export const activationRoutes: Handlers<'activate'> = {
	activate: async ({proof, verificationId, ...activation}, {prove, codes, accounts}) => {
		const identity = await prove(proof, 'activate');
		await codes.requireVerified(verificationId, identity.nationalId, activation.options);
		return accounts.activate({...activation, identity});
	},
};
