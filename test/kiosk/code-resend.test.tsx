// The one-time code screen driven by keys at 80×24, on the demo card and the real service over HTTP
// (issue 10 item 7): "Renvoyer le code" within the first minute keeps the screen and the code already
// received, says when a new code can be asked, then sends one and says so; a wrong code says the tries
// left; a code typed while the service is out of reach is kept.
import {afterEach, beforeAll, describe, expect, test} from 'vitest';
import {en} from '../../src/contract/i18n/en.js';
import {startKiosk} from '../helpers/kiosk.js';
import {settle} from '../helpers/pilot.js';
import {fillAccount, focusLine, lastCode, pressActivate, toStep3, toSignInCode} from '../helpers/walk.js';

let kiosk: Awaited<ReturnType<typeof startKiosk>> | undefined;
// The service checks the card right after the PIN; its certificate code loads on the first proof,
// which on a busy machine outlasts the walk's wait for "Carte lue": loaded before the first test.
beforeAll(() => import('../../src/server/auth/card-proof.js'));
afterEach(async () => {
	await kiosk?.stop();
	kiosk = undefined;
});

/** Step 3 filled, "J'active mon compte !": the code screen, its code in the outbox. */
async function onCodeScreen(options: Parameters<typeof startKiosk>[0] = {}) {
	kiosk = await startKiosk(options);
	const {pilot} = kiosk;
	await toStep3(pilot);
	await fillAccount(pilot);
	await pressActivate(pilot);
	await pilot.waitFor('Saisissez le code à usage unique');
	return kiosk;
}

/** The code line of the screen ("Code : 123456"). */
const codeLine = (frame: string) => frame.split('\n').find(line => line.includes('Code : ')) ?? '';

// Walks through the wizard on a shared 2-core machine: slower than the default allows.
describe('the one-time code screen', {timeout: 60_000}, () => {
	test('"Renvoyer le code" within the first minute: the screen stays, says when a new code can be asked, and the code received still activates', async () => {
		const {pilot, backend} = await onCodeScreen();
		expect(pilot.frame()).toMatch(/Nouveau code possible dans (60|59) s\./);
		await focusLine(pilot, 'Renvoyer le code');
		await pilot.press('enter');
		// Time for a request and its refusal, had one been sent.
		await settle(500);
		const frame = pilot.frame();
		expect(frame).toMatch(/Nouveau code possible dans \d+ s\./);
		expect(frame).toContain('Saisissez le code à usage unique');
		expect(frame).not.toContain('trop de codes demandés');
		expect(backend.outbox.list()).toHaveLength(1);
		// The countdown goes on, second by second.
		const seconds = Number(/dans (\d+) s/.exec(frame)?.[1]);
		await pilot.waitFor(`Nouveau code possible dans ${seconds - 1} s.`, 2500);
		// Back to the field (Tab wraps), the code already received typed: the account is activated.
		await pilot.press('tab');
		await pilot.type(`${lastCode(backend.outbox.list())}\r`);
		await pilot.waitFor('Votre compte est désormais activé.');
		expect(await backend.accounts()).toHaveLength(1);
	});

	test('once the wait is over a new code is sent and said so; the old one is refused with the tries left, the new one activates', async () => {
		// The service's wait between two codes shortened to 1.5 s: the countdown is the service's own.
		const {pilot, backend} = await onCodeScreen({codes: {resendIntervalMs: 1500}});
		await pilot.waitFor('Nouveau code possible dans 2 s.');
		const first = lastCode(backend.outbox.list());
		await pilot.waitForNo('Nouveau code possible', 3000);
		await focusLine(pilot, 'Renvoyer le code');
		await pilot.press('enter');
		await pilot.waitFor('Nouveau code envoyé.');
		expect(pilot.frame()).toContain('Nouveau code possible dans 2 s.');
		expect(backend.outbox.list()).toHaveLength(2);
		const second = lastCode(backend.outbox.list());
		await pilot.press('tab');
		if (first !== second) {
			await pilot.type(`${first}\r`);
			await pilot.waitFor('code incorrect — il vous reste 4 essai(s)');
			// A refused code is cleared for the next.
			expect(codeLine(pilot.frame())).not.toContain(first);
		}
		await pilot.type(`${second}\r`);
		await pilot.waitFor('Votre compte est désormais activé.');
	});

	test('in English, the code’s e-mail is in English too, and labels take an English colon (issue 10 item 14)', async () => {
		kiosk = await startKiosk({props: {lang: 'en'}});
		const {pilot, backend} = kiosk;
		await pilot.press('enter');
		await pilot.waitFor(en.step1.pinPrompt);
		await pilot.type('1234\r');
		await pilot.waitFor(en.step1.identityTitle);
		await pilot.press('enter');
		await pilot.waitFor(en.step2.alternative);
		await pilot.press('tab', 'tab', 'tab', 'tab', 'tab', 'space', 'tab', 'tab', 'enter');
		await pilot.waitFor(en.step3.sections.password);
		await fillAccount(pilot);
		await focusLine(pilot, en.step3.activate);
		await pilot.press('enter');
		await pilot.waitFor(en.code.title);
		// English punctuation on the screen too: no space before the colon.
		expect(pilot.frame()).toContain(`${en.code.label}: `);
		expect(pilot.frame()).not.toContain(`${en.code.label} : `);
		const mail = backend.outbox.list().at(-1)?.content ?? '';
		expect(mail).toContain('Here is the code you asked for to check this contact');
		expect(mail).not.toMatch(/Bonjour|Voici/);
		await pilot.type(`${lastCode(backend.outbox.list())}\r`);
		await pilot.waitFor(en.step4.activated);
		expect(pilot.frame()).toContain(`${en.step4.address}: `);
	});

	test('a wrong code says how many tries remain, one less each time', async () => {
		const {pilot, backend} = await onCodeScreen();
		const code = lastCode(backend.outbox.list());
		const wrong = code === '000000' ? '111111' : '000000';
		await pilot.type(`${wrong}\r`);
		await pilot.waitFor('code incorrect — il vous reste 4 essai(s)');
		await pilot.type(`${wrong}\r`);
		await pilot.waitFor('code incorrect — il vous reste 3 essai(s)');
		await pilot.type(`${code}\r`);
		await pilot.waitFor('Votre compte est désormais activé.');
	});

	test('a code typed while the service is out of reach is kept, and the screen says so', async () => {
		const {pilot, backend, service} = await onCodeScreen();
		const code = lastCode(backend.outbox.list());
		await service.close();
		await pilot.type(`${code}\r`);
		await pilot.waitFor('Service d’activation injoignable : votre code est conservé, validez à nouveau.');
		expect(codeLine(pilot.frame())).toContain(code);
		expect(pilot.frame()).toContain('Saisissez le code à usage unique');
	});

	test('without the card: "Renvoyer le code" of a sign-in sends a new code, visibly, and the new code opens the account', async () => {
		const {pilot, backend} = await onCodeScreen({codes: {resendIntervalMs: 1500}});
		await pilot.type(`${lastCode(backend.outbox.list())}\r`);
		await pilot.waitFor('Votre compte est désormais activé.');
		await toSignInCode(pilot);
		const sent = backend.outbox.list().length;
		await pilot.waitForNo('Nouveau code possible', 3000);
		await focusLine(pilot, 'Renvoyer le code');
		await pilot.press('enter');
		await pilot.waitFor('Nouveau code envoyé.');
		expect(pilot.frame()).toContain('Il confirme votre connexion sans carte CPS.');
		expect(backend.outbox.list()).toHaveLength(sent + 1);
		await pilot.press('tab');
		await pilot.type(`${lastCode(backend.outbox.list())}\r`);
		await pilot.waitFor('Votre compte MSSanté est déjà activé.');
	});

	test('without the card: back from the code screen and "Recevoir mon code" again within the minute finds the same code', async () => {
		const {pilot, backend} = await onCodeScreen();
		await pilot.type(`${lastCode(backend.outbox.list())}\r`);
		await pilot.waitFor('Votre compte est désormais activé.');
		await toSignInCode(pilot);
		const code = lastCode(backend.outbox.list());
		await pilot.press('escape');
		await pilot.waitFor('Recevoir mon code');
		await focusLine(pilot, 'Recevoir mon code');
		await pilot.press('enter');
		await pilot.waitFor('Il confirme votre connexion sans carte CPS.');
		expect(pilot.frame()).not.toContain('trop de codes demandés');
		await pilot.type(`${code}\r`);
		await pilot.waitFor('Votre compte MSSanté est déjà activé.');
	});
});
