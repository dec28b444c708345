// Step 2 without Ink, on a fake backend: the availability of the proposals, the CGU required before
// step 3, a failed request retried.
import {describe, expect, test} from 'vitest';
import {BackendError} from '../../../src/contract/api/errors.js';
import {addressProposals} from '../../../src/contract/rules/address-rules.js';
import {chosenAddress, createAddress} from '../../../src/flows/address.js';
import {currentScreen} from '../../../src/flows/navigation.js';
import {DEMO_IDENTITY} from '../../../src/hardware/demo-card.js';
import {PROOF, fakeApi, fakeProve, flush, sessionAfter, t, type FakeAnswers} from './fakes.js';

function step2(answers: FakeAnswers) {
	const store = sessionAfter({type: 'navigation/go', screen: 'step1'}, {type: 'card/pin-ok', identity: DEMO_IDENTITY}, {type: 'navigation/go', screen: 'step2'});
	const api = fakeApi(answers);
	return {store, api, address: createAddress(store, {api, prove: fakeProve, t})};
}

/** The backend's answer: every proposal free as asked, but the first one taken (suffix 2). */
const SUFFIXED: FakeAnswers = {
	availability: ({addresses}) => ({results: addresses.map((requested, index) => ({requested, available: index === 0 ? requested.replace('@', '2@') : requested}))}),
};

describe('address choice (fake backend)', () => {
	test("asks for the proposals of the card's holder, and keeps the backend's answer", async () => {
		const {store, api, address} = step2(SUFFIXED);
		address.fetchAvailability();
		expect(store.get().address.request).toEqual({phase: 'sending'});
		await flush();
		const proposals = addressProposals(DEMO_IDENTITY).map(proposal => proposal.address);
		expect(api.of('availability')).toEqual([{proof: PROOF, addresses: proposals}]);
		expect(store.get().address.request).toEqual({phase: 'idle'});
		expect(chosenAddress(store.get().address)).toBe(proposals[0]?.replace('@', '2@'));
		address.choose(1);
		expect(chosenAddress(store.get().address)).toBe(proposals[1]);
	});

	test('"Suivant" without the CGU accepted says why and stays; accepting them clears the reason and goes on', async () => {
		const {store, address} = step2(SUFFIXED);
		address.fetchAvailability();
		await flush();
		address.next();
		expect(store.get().address.cguRequired).toBe(true);
		expect(currentScreen(store.get().navigation)).toBe('step2');
		address.toggleCgu();
		expect(store.get().address).toMatchObject({cguAccepted: true, cguRequired: false});
		address.next();
		expect(currentScreen(store.get().navigation)).toBe('step3');
	});

	test('a failed request is said in the session language, and "Réessayer" asks again', async () => {
		let fail = true;
		const {store, api, address} = step2({
			availability: input => {
				if (fail) throw new BackendError('unavailable', 'down');
				return SUFFIXED.availability?.(input) as never;
			},
		});
		address.fetchAvailability();
		await flush();
		expect(store.get().address.request).toEqual({phase: 'failed', error: t.backendErrors.unavailable, code: 'unavailable'});
		fail = false;
		address.toggleCgu();
		address.next();
		await flush();
		expect(api.of('availability')).toHaveLength(2);
		expect(store.get().address.availability).toHaveLength(addressProposals(DEMO_IDENTITY).length);
		expect(currentScreen(store.get().navigation)).toBe('step2');
	});

	test('the national directory still loading is said as such and asked again by itself; unreadable, said and left to "Réessayer" (issue 12 item 9)', async () => {
		let reason: string | null = 'loading';
		const {store, api, address} = step2({
			availability: input => {
				if (reason) throw new BackendError('unavailable', 'Annuaire national en cours de chargement', {directory: [reason]}, {retryAfterSeconds: 0.05});
				return SUFFIXED.availability?.(input) as never;
			},
		});
		address.fetchAvailability();
		await flush();
		expect(store.get().address.request).toEqual({phase: 'failed', error: t.step2.directoryLoading, code: 'unavailable'});
		expect(t.step2.directoryLoading).toBe('annuaire national en cours de chargement : réessayez dans quelques secondes');
		// Read meanwhile: the next question, asked by itself, is answered.
		reason = null;
		await new Promise(resolve => setTimeout(resolve, 120));
		await flush();
		expect(api.of('availability')).toHaveLength(2);
		expect(store.get().address.request).toEqual({phase: 'idle'});
		expect(store.get().address.availability).toHaveLength(addressProposals(DEMO_IDENTITY).length);
		// Unreadable: said, and not asked again by itself.
		reason = 'failed';
		address.fetchAvailability();
		await flush();
		expect(store.get().address.request).toMatchObject({phase: 'failed', error: t.step2.directoryFailed});
		await new Promise(resolve => setTimeout(resolve, 120));
		expect(api.of('availability')).toHaveLength(3);
	});
});
