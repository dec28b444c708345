// The session signed into without the card, driven by keys at 80×24 on the real service over HTTP
// (issue 10 item 8): what it cannot do — invite, change the e-mail, the mobile or where codes go —
// is shown read-only with the reason, never as a fault; what it can do is saved.
import {afterEach, beforeAll, describe, expect, test} from 'vitest';
import {startKiosk} from '../helpers/kiosk.js';
import {PASSWORD, activateWithCode, fillAccount, focusLine, lastCode, toStep3, toSignInCode} from '../helpers/walk.js';

const NEW_PASSWORD = 'Nouveau#Secret2027';

let kiosk: Awaited<ReturnType<typeof startKiosk>> | undefined;
// The service checks the card right after the PIN; its certificate code loads on the first proof,
// which on a busy machine outlasts the walk's wait for "Carte lue": loaded before the first test.
beforeAll(() => import('../../src/server/auth/card-proof.js'));
afterEach(async () => {
	await kiosk?.stop();
	kiosk = undefined;
});

/** The demo card's account activated, the session ended, then signed into without the card: step 4. */
async function signedInWithoutCard() {
	kiosk = await startKiosk();
	const {pilot, backend} = kiosk;
	await toStep3(pilot);
	await fillAccount(pilot);
	await activateWithCode(pilot, backend.outbox);
	await toSignInCode(pilot);
	await pilot.type(`${lastCode(backend.outbox.list())}\r`);
	await pilot.waitFor('Votre compte MSSanté est déjà activé.');
	return kiosk;
}

// Walks through the wizard on a shared 2-core machine: slower than the default allows.
describe('signed in without the card', {timeout: 60_000}, () => {
	test('"Inviter vos confrères" says the card is needed, and nothing is sent', async () => {
		const {pilot, backend} = await signedInWithoutCard();
		const before = backend.outbox.list().length;
		await focusLine(pilot, 'Inviter vos confrères');
		await pilot.press('enter');
		await pilot.waitFor('Les invitations partent du compte de votre carte CPS');
		const frame = pilot.frame();
		expect(frame).not.toContain('injoignable');
		expect(frame).not.toContain('Envoyer les invitations');
		await pilot.type('a.martin@exemple.fr\r');
		expect(pilot.frame()).not.toContain('a.martin@exemple.fr');
		expect(backend.outbox.list()).toHaveLength(before);
		await pilot.press('escape');
		await pilot.waitFor('Votre compte MSSanté est déjà activé.');
	});

	test('"Modifier mon compte": e-mail, mobile and code channel are read-only with the reason; the rest is saved', async () => {
		const {pilot, backend} = await signedInWithoutCard();
		await focusLine(pilot, 'Modifier mon compte');
		await pilot.press('enter');
		await pilot.waitFor('Nouveau mot de passe');
		await focusLine(pilot, '06 12 34 56 78');
		await pilot.waitFor('Connecté sans carte : l’adresse de messagerie, le mobile et le mode de');
		expect(pilot.frame()).toContain('réception des codes se modifient avec votre carte CPS.');
		expect(pilot.frame().match(/ modifiable avec votre carte CPS/g)).toHaveLength(2);
		// Typing on the mobile changes nothing.
		await pilot.press('backspace', 'backspace');
		await pilot.type('99');
		expect(pilot.frame()).toContain('06 12 34 56 78');
		expect(pilot.frame()).not.toContain('06 12 34 56 99');
		// Nor does the channel move.
		await focusLine(pilot, 'SMS');
		await pilot.press('left');
		expect(pilot.frame()).toMatch(/\( \) SMS {3}\(•\) Mail|\( \) SMS {3}\(\*\) Mail|○ SMS {3}● Mail/);
		await focusLine(pilot, 'Je souhaite être notifié(e)');
		await pilot.press('space');
		await focusLine(pilot, 'Enregistrer les modifications');
		await pilot.press('enter');
		await pilot.waitFor('Vos modifications sont enregistrées.');
		expect((await backend.accounts())[0]?.options).toMatchObject({notify: true, mobile: '+33612345678', email: 'm.lefevre@exemple.fr', otpChannel: 'mail'});
	});

	test('a new password needs the current one: refused without it, the field shows why and takes the focus; saved with it (issue 12 item 10)', async () => {
		const {pilot, backend} = await signedInWithoutCard();
		await focusLine(pilot, 'Modifier mon compte');
		await pilot.press('enter');
		await pilot.waitFor('Mot de passe actuel (pour en choisir un nouveau)');
		// The current password comes first and has the focus; the new one twice after it.
		await pilot.type(`\t${NEW_PASSWORD}\t${NEW_PASSWORD}`);
		await focusLine(pilot, 'Enregistrer les modifications');
		await pilot.press('enter');
		await pilot.waitFor(/Mot de passe actuel \(pour en choisir un nouveau\)\n.*\n.*obligatoire/);
		expect(pilot.frame()).not.toContain('Vos modifications sont enregistrées.');
		expect(await backend.checkSignIn('marie-helene.lefevre-durand@medecin.mssante.fr', PASSWORD)).not.toBeNull();
		// The focus is on the current password: typed, the change is saved.
		await pilot.type(PASSWORD);
		await focusLine(pilot, 'Enregistrer les modifications');
		await pilot.press('enter');
		await pilot.waitFor('Vos modifications sont enregistrées.');
		expect(await backend.checkSignIn('marie-helene.lefevre-durand@medecin.mssante.fr', NEW_PASSWORD)).not.toBeNull();
		expect(pilot.frame()).not.toContain(PASSWORD);
	});
});
