// Which MSSanté address an activation gets: one of the proposals derived from the card's
// identity, with the smallest numeric suffix not already used nationally or here.
import type {CardIdentity} from '../../contract/domain/card-identity.js';
import {addressProposals, splitAddress, withSuffix} from '../../contract/rules/address-rules.js';
import {BackendError} from '../../contract/api/errors.js';
import {readAsset} from '../../contract/storage/assets.js';

/** Addresses already used nationally, as shipped (`data/taken-addresses.json`). */
export function shippedTakenAddresses(): string[] {
	return (JSON.parse(readAsset('taken-addresses.json')) as {addresses: string[]}).addresses;
}

/** Free addresses, given those used nationally and those of the accounts activated here. */
export class AddressAllocation {
	private readonly taken: Set<string>;

	/** `activated`: whether an account here has this address (lower case). */
	constructor(
		taken: string[],
		private readonly activated: (address: string) => boolean,
	) {
		this.taken = new Set(taken.map(address => address.toLowerCase()));
	}

	/** `address` if it is free, or it with the smallest free suffix (2, 3…). */
	firstFree(address: string): string {
		if (!this.isTaken(address)) return address;
		const {local, domain} = splitAddress(address);
		for (let n = 2; ; n++) {
			const candidate = `${withSuffix(local, n)}@${domain}`;
			if (!this.isTaken(candidate)) return candidate;
		}
	}

	private isTaken(address: string): boolean {
		const lower = address.toLowerCase();
		return this.taken.has(lower) || this.activated(lower);
	}
}

/**
 * The proposal of this identity that `address` is (possibly with a numeric suffix): an
 * address is only ever derived from the verified identity, never chosen freely.
 */
export function proposalBase(identity: CardIdentity, address: string): string {
	const wanted = splitAddress(address.toLowerCase());
	const match = addressProposals(identity).find(proposal => {
		const {local, domain} = splitAddress(proposal.address);
		if (domain !== wanted.domain) return false;
		const suffix = /\d+$/.exec(wanted.local)?.[0];
		return wanted.local === local || (suffix !== undefined && Number(suffix) >= 2 && withSuffix(local, Number(suffix)) === wanted.local);
	});
	if (!match) throw new BackendError('address-not-allowed', `L'adresse ${address} ne correspond pas à l'identité de la carte`);
	return match.address;
}
