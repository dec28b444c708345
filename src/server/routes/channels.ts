// Operations verifying the channel codes will go to (e-mail or mobile) before the activation:
// a code sent there, then typed back.
import {BackendError} from '../../contract/api/errors.js';
import {checkedDestination} from '../auth/channel-codes.js';
import {CODE_QUOTAS, destinationKey} from '../auth/quotas.js';
import type {Handlers} from './context.js';

/** `POST /v1/verifications`, `POST /v1/verifications/confirm`. */
export const channelRoutes: Handlers<'verifyChannel' | 'confirmChannel'> = {
	verifyChannel: async ({proof, channel, destination, lang}, {prove, codes, auth, throttle}) => {
		const {nationalId} = await prove(proof, 'verify-channel');
		const checked = checkedDestination(channel, destination);
		// Any valid card may ask, even without an account: so many a day per card, then so many per
		// destination (counted after the card's, so a card over its quota uses up no one's address);
		// a request the resend wait refuses anyway counts for neither.
		await codes.refuseTooSoon({purpose: 'verify-channel', subject: nationalId, destination: checked});
		await throttle.attempt([
			[`code:card:${nationalId}`, CODE_QUOTAS.card],
			[`code:destination:${destinationKey(checked)}`, CODE_QUOTAS.destination],
		]);
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
