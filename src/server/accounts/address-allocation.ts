// Which MSSanté address an activation gets: one of the proposals derived from the card's
// identity, with the smallest numeric suffix not already used nationally or here. An address of
// the national directory is used unless it is the card holder's own (same national identifier).
import type {CardIdentity} from '../../contract/domain/card-identity.js';
import {addressProposals, splitAddress, withSuffix} from '../../contract/rules/address-rules.js';
import {BackendError} from '../../contract/api/errors.js';
import {readAsset} from '../../contract/storage/assets.js';

/** Addresses already used nationally, as shipped (`data/taken-addresses.json`). */
export function shippedTakenAddresses(): string[] {
	return (JSON.parse(readAsset('taken-addresses.json')) as {addresses: string[]}).addresses;
}

/** Candidates looked up at once: the suffixes of a common name rarely go past a few. */
const BATCH = 16;

/** An address free for a card holder; `yours`: the national directory already gives it to them. */
export type FreeAddress = {address: string; yours: boolean};

/** Free addresses, given those used nationally and those of the accounts activated here. */
export class AddressAllocation {
	private readonly taken: Set<string>;

	/**
	 * `activated`: which of the addresses given (lower case) are accounts' addresses; `national`:
	 * whose each is in the national directory (a national identifier as the file writes it, '' for
	 * a structure's mailbox, null when absent), null when there is none. It may throw (the directory
	 * still loading): nothing is allocated then.
	 */
	constructor(
		taken: string[],
		private readonly activated: (addresses: string[]) => Promise<Set<string>>,
		private readonly national: (addresses: string[]) => Promise<Array<string | null> | null> = async () => null,
	) {
		this.taken = new Set(taken.map(address => address.toLowerCase()));
	}

	/**
	 * `address` if it is free for the holder of national identifier `holder` (as the file writes it:
	 * nationalIdOf), or it with the smallest free suffix (2, 3…): an address neither in `taken`, nor
	 * an account's here, nor in the national directory unless there it is `holder`'s — and then it
	 * comes first (their own `jean.dupont3@…` rather than a new `jean.dupont2@…`).
	 */
	async firstFree(address: string, holder: string): Promise<FreeAddress> {
		const lower = address.toLowerCase();
		const {local, domain} = splitAddress(lower);
		for (let first = 1; ; first += BATCH) {
			const candidates = Array.from({length: BATCH}, (_unused, index) => (first + index === 1 ? lower : `${withSuffix(local, first + index)}@${domain}`)).filter(
				candidate => !this.taken.has(candidate),
			);
			const [activated, owners] = await Promise.all([this.activated(candidates), this.national(candidates)]);
			const usable = candidates.flatMap((candidate, index) => {
				const owner = owners?.[index] ?? null;
				return activated.has(candidate) || (owner !== null && (owner === '' || owner !== holder)) ? [] : [{address: candidate, yours: owner !== null}];
			});
			// The holder's own national address among them (`jean.dupont3@…`) rather than a new one beside it.
			const free = usable.find(candidate => candidate.yours) ?? usable[0];
			if (free) return free;
		}
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
