// Operations on MSSanté addresses before activation: which of the proposed ones are free.
import type {Handlers} from './context.js';

/** `POST /v1/addresses/availability`. */
export const addressRoutes: Handlers<'availability'> = {
	availability: async ({addresses}, {accounts}) => ({results: await accounts.availability(addresses)}),
};
