// Invitations sent to colleagues from the account of the card proven.
import {accountOfCard} from './cards.js';
import type {Handlers} from './context.js';

/** `POST /v1/invitations`. */
export const invitationRoutes: Handlers<'invite'> = {
	invite: async ({proof, emails}, context) => context.accounts.invite((await accountOfCard(context, proof, 'invite')).address, emails),
};
