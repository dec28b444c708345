// Step 4 driven by keys at 80×24, on the demo card and the real service over HTTP: changing the
// account, invitations, the sign-in without the card, the webmail, the end of the session.
import {afterEach, describe, expect, onTestFinished, test} from 'vitest';
import {smtpMailSender} from '../../src/server/delivery/delivery.js';
import {startKiosk} from '../helpers/kiosk.js';
import {settle} from '../helpers/pilot.js';
import {startSmtp} from '../helpers/smtp.js';
import {PASSWORD, activateWithCode, fillAccount, focusLine, lastCode, toIdentity, toStep3} from '../helpers/walk.js';

let kiosk: Awaited<ReturnType<typeof startKiosk>> | undefined;
afterEach(async () => {
	await kiosk?.stop();
	kiosk = undefined;
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
		expect((await backend.accounts())[0]?.options.email).toBe('marie.lefevre@exemple.fr');
		expect(await backend.accounts()).toHaveLength(1);
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
		expect((await backend.accounts())[0]?.options.notify).toBe(true);
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
