// Navigation is a stack: help and overlays open over a screen, and Esc comes back to that screen with
// its focused item where it was left. Driven by keys at 80×24, on the demo card and the real service.
import {afterEach, describe, expect, test} from 'vitest';
import {startKiosk} from '../helpers/kiosk.js';
import {PASSWORD, focusLine, toStep2, toStep3} from '../helpers/walk.js';

let kiosk: Awaited<ReturnType<typeof startKiosk>> | undefined;
afterEach(async () => {
	await kiosk?.stop();
	kiosk = undefined;
});

/** The mobile field of step 3, focused, with what was typed in it. */
const MOBILE_FOCUSED = /Votre numéro de téléphone mobile[^\n]*\n\s*>\s+06 12 34 56 78_/;

describe('Esc comes back to the screen as it was left', () => {
	test('step 3, focus on the mobile (4th field) → F1 → Esc: the mobile is still focused, and still takes the keys', async () => {
		kiosk = await startKiosk();
		const {pilot} = kiosk;
		await toStep3(pilot);
		await pilot.type(`${PASSWORD}\t${PASSWORD}\tm.lefevre@exemple.fr\t06 12 34 56 78`);
		await pilot.waitFor(MOBILE_FOCUSED);
		await pilot.press('f1');
		await pilot.waitFor('Diagnostic automatique');
		await pilot.press('escape');
		await pilot.waitFor(MOBILE_FOCUSED);
		await pilot.press('backspace');
		await pilot.type('9');
		await pilot.waitFor(/>\s+06 12 34 56 79_/);
	});

	test('step 2, focus on the CGU checkbox → F1 → Esc: the checkbox is still focused (Space ticks it)', async () => {
		kiosk = await startKiosk();
		const {pilot} = kiosk;
		await toStep2(pilot);
		await focusLine(pilot, '[ ] J’ai lu et j’accepte');
		await pilot.press('f1');
		await pilot.waitFor('Diagnostic automatique');
		await pilot.press('escape');
		await pilot.waitFor(/> \[ \] J’ai lu et j’accepte/);
		await pilot.press('space');
		await pilot.waitFor(/> \[x\] J’ai lu et j’accepte/);
	});

	test('step 3 → the convention de preuve → F1 → Esc returns to the convention, Esc again to step 3 on "En savoir plus"', async () => {
		kiosk = await startKiosk();
		const {pilot} = kiosk;
		await toStep3(pilot);
		await focusLine(pilot, 'En savoir plus sur la convention de preuve');
		await pilot.press('enter');
		await pilot.waitFor('Convention de preuve');
		await pilot.press('f1');
		await pilot.waitFor('Diagnostic automatique');
		await pilot.press('escape');
		const convention = await pilot.waitFor('Convention de preuve');
		expect(convention).toContain('[3 Configuration de votre compte]');
		await pilot.press('escape');
		await pilot.waitFor(/> En savoir plus sur la convention de preuve/);
		// Enter acts on the item restored: the convention again.
		await pilot.press('enter');
		await pilot.waitFor('Convention de preuve');
		// And back on step 3 as a whole: up to its first field.
		await pilot.press('escape');
		await pilot.waitFor(/> En savoir plus sur la convention de preuve/);
		await pilot.press(...Array<'up'>(9).fill('up'));
		await pilot.waitFor('Choisissez votre mot de passe');
	});

	test('except Welcome after the directory: the next person finds it new, the first entry focused', async () => {
		kiosk = await startKiosk();
		const {pilot} = kiosk;
		await pilot.press('down', 'down', 'enter');
		await pilot.waitFor('Rechercher dans l’annuaire MSSanté');
		await pilot.press('escape');
		await pilot.waitFor(/> Créer \/ activer mon compte MSSanté/);
	});
});
