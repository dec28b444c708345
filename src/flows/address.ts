// Step 2: the address proposals for the card's holder, which of them are free (the backend adds
// a suffix to taken ones), the one chosen, and the acceptance of the CGU.
import {BackendError} from '../contract/api/errors.js';
import type {ApiClient} from '../contract/api/operations.js';
import type {AddressAvailability, CardProof, ProofPurpose} from '../contract/domain/account.js';
import type {Catalogue} from '../contract/i18n/index.js';
import {addressProposals} from '../contract/rules/address-rules.js';
import type {SessionAction} from '../state/session.js';
import {IDLE, SENDING, failed, type FlowContext, type Pending} from './flow.js';
import {currentScreen} from './navigation.js';

/** Times step 2 asks again by itself while the national directory is still being read (about half a minute). */
const DIRECTORY_RETRIES = 6;

/** Step 2 as the person left it. */
export type AddressState = {
	/** Each proposal and the address it is free as; null until the backend answered. */
	availability: AddressAvailability[] | null;
	request: Pending;
	/** Index of the chosen proposal in `availability`. */
	chosen: number;
	cguAccepted: boolean;
	/** "Suivant" was pressed without the CGU accepted: the reason is shown until they are. */
	cguRequired: boolean;
};

export const INITIAL_ADDRESS: AddressState = {availability: null, request: IDLE, chosen: 0, cguAccepted: false, cguRequired: false};

export type AddressAction =
	| {type: 'address/availability'; request: Pending; result?: AddressAvailability[]}
	| {type: 'address/choose'; index: number}
	| {type: 'address/toggle-cgu'}
	| {type: 'address/cgu-required'}
	/** The chosen address went to someone else meanwhile: availability is asked again. */
	| {type: 'address/forget-availability'};

export function addressReducer(state: AddressState, action: SessionAction): AddressState {
	switch (action.type) {
		case 'address/availability':
			return {...state, request: action.request, availability: action.result ?? state.availability};
		case 'address/choose':
			return {...state, chosen: action.index};
		case 'address/toggle-cgu':
			return {...state, cguAccepted: !state.cguAccepted, cguRequired: false};
		case 'address/cgu-required':
			return {...state, cguRequired: true};
		case 'address/forget-availability':
			return {...state, availability: null, request: IDLE, chosen: 0};
		default:
			return state;
	}
}

/** The address to activate: the chosen proposal as the backend made it free. */
export function chosenAddress(state: AddressState): string {
	return state.availability?.[state.chosen]?.available ?? '';
}

/** What step 2 talks to. */
export type AddressDeps = {
	api: Pick<ApiClient, 'availability'>;
	/** Signs a challenge with the card: the service answers only for the proven card's proposals. */
	prove: (purpose: ProofPurpose) => Promise<CardProof>;
	/** Messages of the session's language (backend errors). */
	t: Catalogue;
};

/** Intents of step 2. */
export function createAddress({get, dispatch, guarded}: FlowContext, {api, prove, t}: AddressDeps) {
	let directoryRetries = 0;
	/** Asks the backend which proposals are free. */
	const fetchAvailability = () => {
		const {identity} = get().card;
		if (!identity) return;
		dispatch({type: 'address/availability', request: SENDING});
		guarded(
			prove('address').then(proof => api.availability({proof, addresses: addressProposals(identity).map(proposal => proposal.address)})),
			({results}) => {
				directoryRetries = 0;
				dispatch({type: 'address/availability', request: IDLE, result: results});
			},
			error => {
				dispatch({type: 'address/availability', request: failed(error, t)});
				// The national directory still being read: asked again by itself when the service says, while step 2 shows.
				if (!(error instanceof BackendError) || !error.details?.directory?.includes('loading') || directoryRetries >= DIRECTORY_RETRIES) return;
				directoryRetries++;
				const again = setTimeout(
					() => {
						const session = get();
						if (currentScreen(session.navigation) === 'step2' && session.address.request.phase === 'failed') fetchAvailability();
					},
					(error.facts.retryAfterSeconds ?? 5) * 1000,
				);
				again.unref?.();
			},
		);
	};
	return {
		fetchAvailability,
		choose: (index: number) => dispatch({type: 'address/choose', index}),
		toggleCgu: () => dispatch({type: 'address/toggle-cgu'}),
		/** "Suivant" (or "Réessayer" when the availability failed): step 3 once the CGU are accepted. */
		next() {
			const {address} = get();
			if (address.request.phase === 'failed') fetchAvailability();
			else if (!address.cguAccepted) dispatch({type: 'address/cgu-required'});
			else if ((address.availability ?? []).length > 0) dispatch({type: 'navigation/go', screen: 'step3'});
		},
	};
}

/** Intents of step 2, as its screen receives them. */
export type Address = ReturnType<typeof createAddress>;
