// Step 3 driven by keys at 80×24, on the demo card and the real service over HTTP: each field's
// rules and reasons, and "J'active mon compte !" when the service fails or is away.
import {afterEach, describe, expect, test} from 'vitest';
import {BackendError} from '../../src/contract/api/errors.js';
import type {ApiClient} from '../../src/contract/api/operations.js';
import {startKiosk} from '../helpers/kiosk.js';
import {PASSWORD, fillAccount, focusLine, lastCode, pressActivate, toStep3} from '../helpers/walk.js';

let kiosk: Awaited<ReturnType<typeof startKiosk>> | undefined;
afterEach(async () => {
	await kiosk?.stop();
	kiosk = undefined;
});

describe('step 3 rules', () => {
	test('invalid fields show their reason next to them, and activation is refused', async () => {
		kiosk = await startKiosk();
		const {pilot, backend} = kiosk;
		await toStep3(pilot);
		await pilot.type(`${PASSWORD}\tautre\t`);
		await pilot.waitFor('[!!] ne correspond pas au mot de passe');
		await pilot.type('jean@medecin.mssante.fr\t');
		await pilot.waitFor('[!!] doit être hors messagerie sécurisée (pas @mssante.fr)');
		await pilot.type('01 23 45 67 89\t');
		await pilot.waitFor('[!!] doit être un mobile (06 ou 07)');
		await pressActivate(pilot);
		await pilot.waitFor('3 champ(s) à corriger avant de continuer.');
		// The focus goes back to the first field to fix.
		expect(pilot.frame()).toMatch(/Confirmez votre mot de passe \*\n\s+>\s+\*+/);
		expect(await backend.accounts()).toHaveLength(0);
	});

	test('an e-mail field holds one address: a list is refused with its reason, before any code is sent (issue 12 item 11)', async () => {
		kiosk = await startKiosk();
		const {pilot, backend} = kiosk;
		await toStep3(pilot);
		await pilot.type(`${PASSWORD}\t${PASSWORD}\t`);
		await pilot.type('a,b@exemple.fr\t');
		await pilot.waitFor('[!!] une seule adresse e-mail, sans virgule ni point-virgule');
		await pressActivate(pilot);
		await pilot.waitFor('1 champ(s) à corriger avant de continuer.');
		expect(backend.outbox.list()).toHaveLength(0);
		expect(await backend.accounts()).toHaveLength(0);
	});

	test('the password checklist follows typing, rule by rule', async () => {
		kiosk = await startKiosk();
		const {pilot} = kiosk;
		await toStep3(pilot);
		await pilot.type('abc');
		expect(pilot.frame()).toContain('[!!] 8 caractères  [!!] 1 majuscule  [OK] 1 minuscule  [!!] 1 chiffre');
		await pilot.type('DEFG1');
		expect(pilot.frame()).toContain('[OK] 8 caractères  [OK] 1 majuscule  [OK] 1 minuscule  [OK] 1 chiffre');
	});

	test('a common password passing the seed rules is refused by the dictionary check', async () => {
		kiosk = await startKiosk();
		const {pilot, backend} = kiosk;
		await toStep3(pilot);
		await pilot.type('Azerty123\tAzerty123\tm.lefevre@exemple.fr\t\t');
		await pressActivate(pilot);
		await pilot.waitFor('[!!] mot de passe trop courant');
		expect(await backend.accounts()).toHaveLength(0);
	});

	test('liste rouge turns publishing the mobile off and says why', async () => {
		kiosk = await startKiosk();
		const {pilot} = kiosk;
		await toStep3(pilot);
		await fillAccount(pilot);
		await focusLine(pilot, 'Je souhaite que mon numéro de mobile');
		await pilot.press('space');
		expect(pilot.frame()).toContain('[x] Je souhaite que mon numéro de mobile');
		await pilot.press('tab', 'space');
		expect(pilot.frame()).toContain('[x] Je souhaite être sur liste rouge');
		expect(pilot.frame()).toContain('[ ] Je souhaite que mon numéro de mobile');
		expect(pilot.frame()).toContain('Liste rouge choisie : la publication du mobile a été désactivée');
	});

	test('SMS without a mobile is refused with its reason', async () => {
		kiosk = await startKiosk();
		const {pilot} = kiosk;
		await toStep3(pilot);
		await pilot.type(`${PASSWORD}\t${PASSWORD}\tm.lefevre@exemple.fr\t\t`);
		await pilot.press('left');
		await pilot.waitFor('Le SMS nécessite un numéro de mobile valide');
		expect(pilot.frame()).toContain('( ) SMS   (*) Mail');
	});

	test('a backend failure at "J\'active mon compte !" keeps every value, and "Réessayer" creates exactly one account', async () => {
		let failures = 1;
		// Fault injection at the backend boundary (the real backend cannot lose a response): the
		// first activation is carried out, then its answer is lost, as on a network cut.
		const losingFirstAnswer = (client: ApiClient): ApiClient =>
			Object.assign(Object.create(client) as ApiClient, {
				async activate(request: Parameters<ApiClient['activate']>[0]) {
					const account = await client.activate(request);
					if (failures-- > 0) throw new BackendError('unavailable', 'connexion perdue');
					return account;
				},
			});
		kiosk = await startKiosk({wrapBackend: losingFirstAnswer});
		const {pilot, backend} = kiosk;
		await toStep3(pilot);
		await fillAccount(pilot);
		await pressActivate(pilot);
		await pilot.waitFor('Saisissez le code à usage unique');
		await pilot.type(`${lastCode(backend.outbox.list())}\r`);
		await pilot.waitFor('Échec : service d’activation injoignable. Vos saisies sont conservées.');
		expect(await backend.accounts()).toHaveLength(1);
		// Back on step 3 after the code, the focus on the button left: every value is still there.
		await pilot.press(...Array<'up'>(9).fill('up'));
		expect(pilot.frame()).toContain('m.lefevre@exemple.fr');
		await focusLine(pilot, 'Réessayer');
		await pilot.press('enter');
		await pilot.waitFor('Votre compte est désormais activé.');
		expect(await backend.accounts()).toHaveLength(1);
	});
});

describe('backend over HTTP', () => {
	test('the service unreachable at "J\'active mon compte !": a clear message, every value kept; back up, "Réessayer" activates once', async () => {
		kiosk = await startKiosk();
		const {pilot} = kiosk;
		await toStep3(pilot);
		await fillAccount(pilot);
		await kiosk.service.close();
		await pressActivate(pilot);
		await pilot.waitFor('Échec : service d’activation injoignable. Vos saisies sont conservées.');
		expect(pilot.frame()).toContain('>[ Réessayer ]');
		// The service comes back on the same data directory and port.
		const backend = (await kiosk.restart()).accounts;
		await pilot.press('up', 'up', 'up', 'up', 'up', 'up', 'up', 'up', 'up');
		expect(pilot.frame()).toContain('m.lefevre@exemple.fr');
		await focusLine(pilot, 'Réessayer');
		await pilot.press('enter');
		// The channel was not verified yet: its code comes first.
		await pilot.waitFor('Saisissez le code à usage unique');
		await pilot.type(`${lastCode(backend.outbox.list())}\r`);
		await pilot.waitFor('Votre compte est désormais activé.');
		expect(await backend.accounts()).toHaveLength(1);
	});
});
