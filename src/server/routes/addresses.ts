// Operations on MSSanté addresses before activation: which of the proposed ones are free.
import {REQUEST_LIMITS} from '../auth/throttle.js';
import type {Handlers} from './context.js';

/** `POST /v1/addresses/availability`. */
export const addressRoutes: Handlers<'availability'> = {
	availability: async ({addresses}, {accounts, throttle}, {client}) => {
		await throttle.attempt([[`availability:${client}`, REQUEST_LIMITS.availability]]);
		return {results: await accounts.availability(addresses)};
	},
};
