// The wizard driven by keys at 80×24, on the demo card and the real service over HTTP: the walk
// from Welcome to an activated account, the PIN, and what the kiosk does around the screens.
import {afterEach, describe, expect, test} from 'vitest';
import {startKiosk} from '../helpers/kiosk.js';
import {activateWithCode, fillAccount, focusLine, toIdentity, toStep2, toStep3} from '../helpers/walk.js';

let kiosk: Awaited<ReturnType<typeof startKiosk>> | undefined;
afterEach(async () => {
	await kiosk?.stop();
	kiosk = undefined;
});

describe('the wizard on the demo card and the embedded backend', () => {
	test('walks from Welcome to "Votre compte est désormais activé" and creates one account', async () => {
		kiosk = await startKiosk();
		const {pilot, backend} = kiosk;
		expect(pilot.frame()).toContain('Créer / activer mon compte MSSanté');
		await toIdentity(pilot);
		expect(pilot.frame()).toContain('Carte lue : Marie-Hélène LEFÈVRE-DURAND');
		expect(pilot.frame()).toContain('RPPS 10003816529');
		await pilot.press('enter');
		await pilot.waitFor('forme nom.prenom');
		// The generic address of the homonym is taken: the smallest free suffix is proposed.
		expect(pilot.frame()).toContain('marie-helene.lefevre-durand2@pro.mssante.fr');
		expect(pilot.frame()).toContain('adresse déjà prise : suffixe 2 ajouté');
		await pilot.press('tab', 'tab', 'tab', 'tab', 'tab', 'space', 'tab', 'tab', 'enter');
		await pilot.waitFor('Choisissez votre mot de passe');
		await fillAccount(pilot);
		await activateWithCode(pilot, backend.outbox);
		expect(pilot.frame()).toContain('Adresse MSSanté : marie-helene.lefevre-durand@medecin.mssante.fr');
		expect(pilot.frame()).toContain('Mobile : 06 12 34 56 78');
		expect(await backend.accounts()).toHaveLength(1);
		expect((await backend.accounts())[0]?.options).toMatchObject({email: 'm.lefevre@exemple.fr', mobile: '+33612345678', otpChannel: 'mail'});
	});

	test('the chosen proposal is the address activated', async () => {
		kiosk = await startKiosk();
		const {pilot, backend} = kiosk;
		await toStep2(pilot);
		await pilot.press('tab', 'tab', 'space');
		expect(pilot.frame()).toMatch(/\(\*\) lefevre-durand\.marie-helene@medecin\.mssante\.fr/);
		await pilot.press('tab', 'tab', 'tab', 'space', 'tab', 'tab', 'enter');
		await pilot.waitFor('Choisissez votre mot de passe');
		await fillAccount(pilot);
		await activateWithCode(pilot, backend.outbox);
		expect((await backend.accounts())[0]?.address).toBe('lefevre-durand.marie-helene@medecin.mssante.fr');
	});

	test('"Suivant" is refused until the CGU are accepted', async () => {
		kiosk = await startKiosk();
		const {pilot} = kiosk;
		await toStep2(pilot);
		await focusLine(pilot, 'Suivant >');
		await pilot.press('enter');
		await pilot.waitFor('Acceptez les conditions générales pour continuer.');
		expect(pilot.frame()).not.toContain('Choisissez votre mot de passe');
	});

	test('the CGU pane scrolls with PgDn', async () => {
		kiosk = await startKiosk();
		const {pilot} = kiosk;
		await toStep2(pilot);
		expect(pilot.frame()).toMatch(/lignes 1–\d+ \/ \d+/);
		await pilot.press('pageDown');
		expect(pilot.frame()).not.toMatch(/lignes 1–/);
	});
});

describe('PIN', () => {
	test('three wrong PINs: tries left from the card, a final-try warning, then locked', async () => {
		kiosk = await startKiosk();
		const {pilot} = kiosk;
		await pilot.press('enter');
		await pilot.waitFor('Entrez le code porteur');
		await pilot.type('0000\r');
		await pilot.waitFor('Code incorrect — il vous reste 2 essai(s)');
		await pilot.type('1111\r');
		await pilot.waitFor('Code incorrect — il vous reste 1 essai(s)');
		await pilot.waitFor('Attention : dernier essai.');
		await pilot.type('2222\r');
		await pilot.waitFor('Carte bloquée : 3 codes faux ont été saisis.');
		expect(pilot.frame()).toContain('code de déblocage à 8 chiffres');
		expect(pilot.frame()).not.toContain('Code porteur :');
		// The right PIN cannot be typed any more: there is no field.
		await pilot.type('1234\r');
		expect(pilot.frame()).not.toContain('Carte lue');
	});

	test('a PIN shorter than 4 digits is not sent to the card, and letters are never typed', async () => {
		kiosk = await startKiosk();
		const {pilot} = kiosk;
		await pilot.press('enter');
		await pilot.waitFor('Entrez le code porteur');
		await pilot.type('12ab\r');
		await pilot.waitFor('Le code porteur comporte 4 chiffres.');
		await pilot.type('12345');
		expect(pilot.frame()).toContain('Code porteur : ****');
		expect(pilot.frame()).not.toContain('*****');
	});

	test('keys arriving in one chunk (slow SSH link) are each taken in order', async () => {
		kiosk = await startKiosk();
		const {pilot} = kiosk;
		await pilot.send('\r1234\r');
		await pilot.waitFor('Carte lue');
		await pilot.send('\r');
		await pilot.waitFor('forme nom.prenom');
		await pilot.send('\t\t\t\t\t \t\t\r');
		await pilot.waitFor('Choisissez votre mot de passe');
	});
});

describe('kiosk behaviour', () => {
	test('removing the card during step 3 wipes the session: Welcome, notice, every value gone', async () => {
		kiosk = await startKiosk();
		const {pilot, card} = kiosk;
		await toStep3(pilot);
		await fillAccount(pilot);
		expect(pilot.frame()).toContain('m.lefevre@exemple.fr');
		card.toggleCard();
		await pilot.waitFor('Carte retirée : session fermée.');
		expect(pilot.frame()).toContain('Créer / activer mon compte MSSanté');
		expect(pilot.frame()).toContain('Aucune carte');
		card.toggleCard();
		await toStep3(pilot);
		expect(pilot.frame()).not.toContain('m.lefevre@exemple.fr');
		expect(pilot.frame()).not.toContain('06 12 34 56 78');
		expect(pilot.frame()).toMatch(/Votre mot de passe \*\n\s+>\s+_/);
	});

	test('a card pulled out and pushed back at once still ends the session', async () => {
		kiosk = await startKiosk();
		const {pilot, card} = kiosk;
		await toIdentity(pilot);
		card.toggleCard();
		card.toggleCard();
		const welcome = await pilot.waitFor('Créer / activer mon compte MSSanté');
		expect(welcome).not.toContain('Carte lue');
		// The card is back: the notice of its removal would now be wrong.
		expect(welcome).not.toContain('Carte retirée');
		await pilot.send('\u001BOQ\u001BOQ');
		expect(pilot.frame()).toContain('[OK] Carte CPS lue');
	});

	test('F2 removes and inserts the demo card; the badge follows', async () => {
		kiosk = await startKiosk();
		const {pilot} = kiosk;
		expect(pilot.frame()).toContain('[OK] Carte CPS lue');
		await pilot.press('f2');
		await pilot.waitFor('[!!] Aucune carte');
		await pilot.press('f2');
		await pilot.waitFor('[OK] Carte CPS lue');
	});

	test('Esc back to step 2 and forward again loses nothing typed', async () => {
		kiosk = await startKiosk();
		const {pilot} = kiosk;
		await toStep3(pilot);
		await fillAccount(pilot, {email: 'dr.lefevre@exemple.fr'});
		await pilot.press('escape');
		await pilot.waitFor('forme nom.prenom');
		expect(pilot.frame()).toContain('[x] J’ai lu et j’accepte');
		await pilot.press('escape');
		await pilot.waitFor('Carte lue');
		await pilot.press('enter');
		await pilot.waitFor('forme nom.prenom');
		await focusLine(pilot, 'Suivant >');
		await pilot.press('enter');
		await pilot.waitFor('Choisissez votre mot de passe');
		expect(pilot.frame()).toContain('dr.lefevre@exemple.fr');
		expect(pilot.frame()).toMatch(/Votre mot de passe \*\n\s+>\s+\*{17}/);
		await focusLine(pilot, '06 12 34 56 78');
		expect(pilot.frame()).toContain('[OK] Carte CPS lue');
	});

	test('idle timeout shows a countdown, a key restarts it, then the session is wiped', async () => {
		kiosk = await startKiosk({props: {settings: {...(await import('../../src/services/settings.js')).DEFAULT_SETTINGS, idleTimeoutSeconds: 3, idleWarningSeconds: 1.5}}});
		const {pilot} = kiosk;
		await toIdentity(pilot);
		await pilot.waitFor(/la session se ferme dans \d s/);
		await pilot.press('tab');
		// Gone well before the 1.5 s after which a new countdown would start.
		await pilot.waitForNo(/la session se ferme dans/, 1000);
		await pilot.waitFor('Session fermée après inactivité.', 5000);
		expect(pilot.frame()).toContain('Créer / activer mon compte MSSanté');
	});

	test('without --kiosk Ctrl+C quits; with --kiosk it is refused and Ctrl+Q asks for the administrator code (admin-exit.test.tsx)', async () => {
		let exits = 0;
		kiosk = await startKiosk({props: {onExit: () => exits++}});
		await kiosk.pilot.press('ctrlC');
		expect(exits).toBe(1);
		await kiosk.stop();
		kiosk = await startKiosk({props: {kioskMode: true, onExit: () => exits++}});
		await kiosk.pilot.press('ctrlC');
		await kiosk.pilot.waitFor('Borne : Ctrl+C est désactivé.');
		expect(exits).toBe(1);
		await kiosk.pilot.press('ctrlQ');
		await kiosk.pilot.waitFor('admin-code');
		expect(exits).toBe(1);
	});

	test('F1 opens help from anywhere and Esc returns', async () => {
		kiosk = await startKiosk();
		const {pilot} = kiosk;
		await toIdentity(pilot);
		await pilot.press('f1');
		await pilot.waitFor('Diagnostic automatique de ce poste');
		expect(pilot.frame()).toContain('Carte de démonstration : code porteur 1234');
		await pilot.press('escape');
		await pilot.waitFor('Carte lue');
	});

	test('each help branch of step 1 opens with the live diagnostic', async () => {
		kiosk = await startKiosk();
		const {pilot} = kiosk;
		await pilot.press('enter');
		await pilot.waitFor('Entrez le code porteur');
		// Esc comes back with the focus on the link just followed: the next one is one Tab away.
		for (const text of ['Demandez votre carte CPS', 'Vérifiez le câble USB', 'Insérez la carte puce en premier']) {
			await pilot.press('tab');
			await pilot.press('enter');
			await pilot.waitFor(text);
			expect(pilot.frame()).toContain('[OK] Service carte à puce (pcscd) : actif');
			await pilot.press('escape');
			await pilot.waitFor('Entrez le code porteur');
		}
	});

	test('survives a resize', async () => {
		kiosk = await startKiosk();
		const {pilot} = kiosk;
		pilot.resize(120, 30);
		await pilot.waitFor('[1 Configuration du poste] > [2'.slice(0, 0) || 'Activation de votre adresse sécurisée');
		pilot.resize(80, 24);
		await pilot.waitFor('1 Poste > 2 Adresse');
	});
});
