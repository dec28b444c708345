// Operations verifying the channel codes will go to (e-mail or mobile) before the activation:
// a code sent there, then typed back.
import {BackendError} from '../../contract/api/errors.js';
import {checkedDestination} from '../auth/channel-codes.js';
import type {Handlers} from './context.js';

/** `POST /v1/verifications`, `POST /v1/verifications/confirm`. */
export const channelRoutes: Handlers<'verifyChannel' | 'confirmChannel'> = {
	verifyChannel: async ({proof, channel, destination, lang}, {prove, codes, auth}) => {
		const {nationalId} = await prove(proof);
		const checked = checkedDestination(channel, destination);
		return codes.send({purpose: 'verify-channel', subject: nationalId, channel, destination: checked, holder: {nationalId}, lang}, (transaction, id) =>
			auth.expectChannel(id, {nationalId, channel, destination: checked}, transaction),
		);
	},
	confirmChannel: async ({verificationId, code}, {codes, auth}) => {
		const pending = await auth.channel(verificationId);
		if (!pending) throw new BackendError('code-expired', 'Code inconnu ou expiré : demandez-en un nouveau');
		await codes.check(verificationId, code, {purpose: 'verify-channel', subject: pending.nationalId, destination: pending.destination}, {nationalId: pending.nationalId, channel: pending.channel});
		await auth.markVerified(verificationId);
		return {verified: true};
	},
};
