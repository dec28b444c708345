// Step 3's details driven by keys at 80×24 on the demo card and the real service (issue 10 item 14):
// the strength meter never praises a refused password, an optional new password left empty breaks no
// rule, and a Réunion mobile written the international way is accepted and receives the code.
import {afterEach, beforeAll, describe, expect, test} from 'vitest';
import {startKiosk} from '../helpers/kiosk.js';
import {activateWithCode, fillAccount, focusLine, toStep3} from '../helpers/walk.js';

let kiosk: Awaited<ReturnType<typeof startKiosk>> | undefined;
// The service checks the card right after the PIN; its certificate code loads on the first proof,
// which on a busy machine outlasts the walk's wait for "Carte lue": loaded before the first test.
beforeAll(() => import('../../src/server/auth/card-proof.js'));
afterEach(async () => {
	await kiosk?.stop();
	kiosk = undefined;
});

/** The mark of a rule not met, in the Unicode or the ASCII theme. */
const BAD = /✗|\[!!\]/;

/** The row of the screen holding `text`. */
const row = (frame: string, text: string) => frame.split('\n').find(line => line.includes(text)) ?? '';

// Walks through the wizard on a shared 2-core machine: slower than the default allows.
describe('step 3 details', {timeout: 60_000}, () => {
	test('the strength meter says "refusé" next to a refused password, never "excellente"', async () => {
		kiosk = await startKiosk();
		const {pilot} = kiosk;
		await toStep3(pilot);
		// Long and unguessable, but without a digit: refused by the seed's rules.
		await pilot.type('Correct-Cheval-Agrafe-Batterie');
		await pilot.waitFor(frame => row(frame, 'Robustesse').includes('refusé'), 5000);
		expect(row(pilot.frame(), 'Robustesse')).not.toMatch(/excellente|bonne/);
		expect(row(pilot.frame(), '1 chiffre')).toMatch(/(✗|\[!!\]) 1 chiffre/);
		// With a digit it is accepted, and its strength is said again.
		await pilot.type('7');
		await pilot.waitFor(frame => /Robustesse : \S+ (bonne|excellente)/.test(row(frame, 'Robustesse')), 5000);
	});

	test('"Modifier mon compte": the optional new password left empty shows its rules without a failed mark', async () => {
		kiosk = await startKiosk();
		const {pilot, backend} = kiosk;
		await toStep3(pilot);
		await fillAccount(pilot);
		await activateWithCode(pilot, backend.outbox);
		await focusLine(pilot, 'Modifier mon compte');
		await pilot.press('enter');
		await pilot.waitFor('Nouveau mot de passe (laisser vide pour ne pas le changer)');
		const rules = row(pilot.frame(), '1 majuscule');
		expect(rules).toContain('8 caractères');
		expect(rules).not.toMatch(BAD);
		// Typing one, its rules are checked as in the wizard.
		await pilot.type('a');
		await pilot.waitFor(frame => /(✗|\[!!\]) 1 majuscule/.test(row(frame, '1 majuscule')));
	});

	test('a Réunion mobile written +262 692… is accepted, receives the code by SMS at +262, and is shown in its national form', async () => {
		kiosk = await startKiosk();
		const {pilot, backend} = kiosk;
		await toStep3(pilot);
		await fillAccount(pilot, {mobile: '+262 692 12 34 56'});
		await pilot.press('left');
		expect(pilot.frame()).not.toContain('numéro invalide');
		await activateWithCode(pilot, backend.outbox);
		expect(backend.outbox.list().at(-1)?.content).toContain('To: +262692123456');
		expect(pilot.frame()).toContain('Mobile : 06 92 12 34 56');
		expect((await backend.accounts())[0]?.options).toMatchObject({mobile: '+262692123456', otpChannel: 'sms'});
	});
});
