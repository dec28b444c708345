// The card's trust is checked right after the PIN (issue 10 item 9): the kiosk on the demo card and
// the real service over HTTP, trusting or not the demo card's authority.
import {afterEach, describe, expect, test} from 'vitest';
import {BackendError} from '../../src/contract/api/errors.js';
import type {ApiClient} from '../../src/contract/api/operations.js';
import {createTestPki} from '../harness/pki.js';
import {startKiosk} from '../helpers/kiosk.js';

let kiosk: Awaited<ReturnType<typeof startKiosk>> | undefined;
afterEach(async () => {
	await kiosk?.stop();
	kiosk = undefined;
});

async function typePin(pilot: NonNullable<typeof kiosk>['pilot']) {
	await pilot.press('enter');
	await pilot.waitFor('Entrez le code porteur');
	await pilot.type('1234\r');
}

describe('the card checked with the service right after the PIN', () => {
	test('a service that does not trust the card’s authority: the true reason at step 1, no way on to step 2', async () => {
		const otherAuthority = await createTestPki();
		kiosk = await startKiosk({trustAnchorsPem: otherAuthority.caCertificate.toString('pem')});
		const {pilot} = kiosk;
		await typePin(pilot);
		const frame = await pilot.waitFor('Carte refusée par le service d’activation');
		expect(frame.replace(/\s+/g, ' ')).toContain('n’est pas émis par une autorité reconnue par le service d’activation');
		expect(frame).not.toContain('Continuer');
		expect(frame).not.toContain('prouver sa présence');
		// Whatever is pressed, step 2 is not reached.
		await pilot.press('tab', 'tab', 'enter');
		expect(pilot.frame()).not.toContain('forme nom.prenom');
	});

	test('the service unreachable after the PIN: said, and "Réessayer" checks again without asking the PIN (fake: the service down for the first lookup only)', async () => {
		let down = true;
		kiosk = await startKiosk({
			wrapBackend: client =>
				({
					...client,
					lookup: async (input, options) => {
						if (down) throw new BackendError('unavailable', 'injoignable');
						return client.lookup(input, options);
					},
				}) satisfies ApiClient,
		});
		const {pilot} = kiosk;
		await typePin(pilot);
		await pilot.waitFor('Vérification de la carte impossible : service d’activation injoignable.');
		down = false;
		await pilot.press('enter');
		await pilot.waitFor('Carte lue');
		await pilot.press('enter');
		await pilot.waitFor('forme nom.prenom');
	});
});
