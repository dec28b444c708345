import {afterEach, describe, expect, onTestFinished, test} from 'vitest';
import {BackendError} from '../../src/contract/api/errors.js';
import type {ApiClient} from '../../src/contract/api/operations.js';
import {smtpMailSender} from '../../src/server/delivery/delivery.js';
import {startKiosk} from '../helpers/kiosk.js';
import {startSmtp} from '../helpers/smtp.js';
import {settle} from '../helpers/pilot.js';
import {PASSWORD, activateWithCode, fillAccount, focusLine, lastCode, pressActivate, toIdentity, toStep2, toStep3} from '../helpers/walk.js';

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
		expect(backend.accounts()).toHaveLength(1);
		expect(backend.accounts()[0]?.options).toMatchObject({email: 'm.lefevre@exemple.fr', mobile: '+33612345678', otpChannel: 'mail'});
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
		expect(backend.accounts()[0]?.address).toBe('lefevre-durand.marie-helene@medecin.mssante.fr');
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
		await pilot.waitFor('Carte retirée : session fermée.');
		await pilot.send('\u001BOQ\u001BOQ');
		expect(pilot.frame()).toContain('[OK] Carte CPS lue');
	});

	test('help opened from "En savoir plus" leads back to step 3', async () => {
		kiosk = await startKiosk();
		const {pilot} = kiosk;
		await toStep3(pilot);
		await focusLine(pilot, 'En savoir plus sur la convention de preuve');
		await pilot.press('enter');
		await pilot.waitFor('Convention de preuve');
		await pilot.press('f1');
		await pilot.waitFor('Diagnostic automatique');
		await pilot.press('escape');
		await pilot.waitFor('Convention de preuve');
		await pilot.press('escape');
		// Back on step 3 with the focus where it was left; up to the first field.
		await pilot.waitFor(/> En savoir plus sur la convention de preuve/);
		await pilot.press(...Array<'up'>(9).fill('up'));
		await pilot.waitFor('Choisissez votre mot de passe');
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

	test('without --kiosk Ctrl+C quits; with --kiosk it is refused and Ctrl+Q quits', async () => {
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
		expect(exits).toBe(2);
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
		expect(backend.accounts()).toHaveLength(0);
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
		expect(backend.accounts()).toHaveLength(0);
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
		expect(backend.accounts()).toHaveLength(1);
		// Back on step 3 after the code, the focus on the button left: every value is still there.
		await pilot.press(...Array<'up'>(9).fill('up'));
		expect(pilot.frame()).toContain('m.lefevre@exemple.fr');
		await focusLine(pilot, 'Réessayer');
		await pilot.press('enter');
		await pilot.waitFor('Votre compte est désormais activé.');
		expect(backend.accounts()).toHaveLength(1);
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
		expect(backend.accounts()).toHaveLength(1);
	});
});

describe('after activation', () => {
	/** Activates the demo card's account; `received` is where its mails arrive (default: the outbox). */
	async function activated(options: Parameters<typeof startKiosk>[0] = {}, received?: {list(): Array<{content: string}>}) {
		kiosk = await startKiosk(options);
		await toStep3(kiosk.pilot);
		await fillAccount(kiosk.pilot);
		await activateWithCode(kiosk.pilot, received ?? kiosk.backend.outbox);
		return kiosk;
	}

	test('"Modifier mon compte" shows the current values and saving updates the account', async () => {
		const {pilot, backend} = await activated();
		await pilot.press('tab', 'enter');
		await pilot.waitFor('Nouveau mot de passe (laisser vide pour ne pas le changer)');
		expect(pilot.frame()).toContain('m.lefevre@exemple.fr');
		await pilot.press('tab', 'tab');
		for (let i = 0; i < 'm.lefevre@exemple.fr'.length; i++) await pilot.press('backspace');
		await pilot.type('marie.lefevre@exemple.fr');
		await focusLine(pilot, 'Enregistrer les modifications');
		await pilot.press('enter');
		// A new address for the codes: it gets one first, typed back.
		await pilot.waitFor('Un code à 6 chiffres vient d’être envoyé par mail à m•••@exemple.fr.');
		await pilot.type(`${lastCode(backend.outbox.list())}\r`);
		await pilot.waitFor('Vos modifications sont enregistrées.');
		expect(pilot.frame()).toContain('Messagerie habituelle : marie.lefevre@exemple.fr');
		expect(backend.accounts()[0]?.options.email).toBe('marie.lefevre@exemple.fr');
		expect(backend.accounts()).toHaveLength(1);
	});

	test('"Inviter vos confrères" sends one e-mail per colleague and refuses a bad address', async () => {
		const {pilot, backend} = await activated();
		await pilot.press('tab', 'tab', 'enter');
		await pilot.waitFor('Inviter vos confrères');
		// The code that verified the e-mail address is already there.
		const before = backend.outbox.list().length;
		await pilot.type('pas-une-adresse\r');
		await pilot.waitFor('Adresse(s) invalide(s) : pas-une-adresse');
		expect(backend.outbox.list()).toHaveLength(before);
		for (let i = 0; i < 'pas-une-adresse'.length; i++) await pilot.press('backspace');
		await pilot.type('a.martin@exemple.fr, b.durand@exemple.fr\r');
		await pilot.waitFor('2 invitation(s) envoyée(s).');
		const sent = backend.outbox.list().slice(before);
		expect(sent).toHaveLength(2);
		expect(sent[0]?.content).toContain('To: a.martin@exemple.fr');
		expect(sent[0]?.content).toContain('marie-helene.lefevre-durand@medecin.mssante.fr');
	});

	test('"Me connecter sans carte CPS": address and password, the code received by mail (real SMTP), then the account, changed without the card', async () => {
		const smtp = await startSmtp();
		onTestFinished(() => smtp.close());
		const {pilot, backend} = await activated({mail: smtpMailSender({host: '127.0.0.1', port: smtp.port, secure: false, from: 'ne-pas-repondre@mssante.fr'})}, {list: () => smtp.mails});
		await pilot.press('tab', 'tab', 'tab', 'tab', 'enter');
		await pilot.waitFor('Session terminée.');
		await pilot.press('down', 'enter');
		await pilot.waitFor('Votre adresse MSSanté');
		await pilot.type(`marie-helene.lefevre-durand@medecin.mssante.fr\tmauvais-mot-de-passe\r`);
		await pilot.waitFor('adresse ou mot de passe incorrect');
		// The focus stays on the password field.
		for (let i = 0; i < 'mauvais-mot-de-passe'.length; i++) await pilot.press('backspace');
		await pilot.type(`${PASSWORD}\r`);
		await pilot.waitFor('Un code à 6 chiffres vient d’être envoyé par mail à m•••@exemple.fr.');
		expect(smtp.mails.at(-1)?.to).toBe('m.lefevre@exemple.fr');
		const code = lastCode(smtp.mails);
		await pilot.type(`${code === '000000' ? '111111' : '000000'}\r`);
		await pilot.waitFor('code incorrect');
		await pilot.type(`${code}\r`);
		await pilot.waitFor('Votre compte MSSanté est déjà activé.');
		expect(pilot.frame()).toContain('Adresse MSSanté : marie-helene.lefevre-durand@medecin.mssante.fr');
		await pilot.press('tab', 'enter');
		await pilot.waitFor('Nouveau mot de passe');
		await focusLine(pilot, 'Je souhaite être notifié(e)');
		await pilot.press('space');
		await focusLine(pilot, 'Enregistrer les modifications');
		await pilot.press('enter');
		await pilot.waitFor('Vos modifications sont enregistrées.');
		expect(backend.accounts()[0]?.options.notify).toBe(true);
	});

	test('"Accéder au Webmail" shows the URL and a QR code', async () => {
		const {pilot} = await activated();
		await pilot.press('enter');
		await pilot.waitFor('https://webmail.mssante.fr');
		await pilot.waitFor('█');
		await pilot.press('escape');
		await pilot.waitFor('Votre compte est désormais activé.');
	});

	test('"Accéder au Webmail" opens the browser where the workstation has one', async () => {
		const {pilot, browser} = await activated({browserAvailable: true});
		await pilot.press('enter');
		await pilot.waitFor('Ouvrir dans le navigateur');
		await pilot.press('enter');
		await pilot.waitFor('Navigateur ouvert.');
		expect(browser.opened).toEqual(['https://webmail.mssante.fr']);
	});

	test('"Terminer" ends the session; the same card then finds its account', async () => {
		const {pilot} = await activated();
		await pilot.press('tab', 'tab', 'tab', 'tab', 'enter');
		await pilot.waitFor('Session terminée. Pensez à retirer votre carte CPS.');
		await toIdentity(pilot);
		expect(pilot.frame()).toContain('Un compte MSSanté est déjà activé pour cette carte');
		await pilot.press('enter');
		await pilot.waitFor('Votre compte MSSanté est déjà activé.');
	});

	test('no PIN or password reaches the data directory', async () => {
		const {dataDir, backend} = await activated();
		await backend.close();
		const {readdirSync, readFileSync, statSync} = await import('node:fs');
		const path = await import('node:path');
		const files = (dir: string): string[] => readdirSync(dir).flatMap(name => (statSync(path.join(dir, name)).isDirectory() ? files(path.join(dir, name)) : [path.join(dir, name)]));
		for (const file of files(dataDir)) {
			const content = readFileSync(file, 'utf8');
			expect(content, file).not.toContain(PASSWORD);
			expect(content, file).not.toMatch(/\b1234\b/);
		}
		await settle(0);
	});
});
