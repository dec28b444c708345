// Operations on MSSanté addresses before activation: which of the proven card's proposals are free.
import {proposalBase} from '../accounts/address-allocation.js';
import type {Handlers} from './context.js';

/** `POST /v1/addresses/availability`. */
export const addressRoutes: Handlers<'availability'> = {
	availability: async ({proof, addresses}, {accounts, throttle, limits, prove}, {client}) => {
		await throttle.attempt([[`availability:${client}`, limits.availability]]);
		// Only the proven card's own proposals: the service does not say to anyone which addresses exist.
		const identity = await prove(proof, 'address');
		// An address the national directory gives to this card's holder is theirs (`alreadyYours`); to anyone else, taken.
		return {
			results: await accounts.availability(
				addresses.map(address => proposalBase(identity, address)),
				identity,
			),
		};
	},
};
