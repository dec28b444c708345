// Walks through the wizard by keys, for the tests that start further on.
import type {Pilot} from './pilot.js';

/** The strong password the walks type (never shown: masked). */
export const PASSWORD = 'Kiosque#Sante2026';

/** Welcome → step 1 → PIN → identity shown. */
export async function toIdentity(pilot: Pilot, pin = '1234'): Promise<void> {
	await pilot.press('enter');
	await pilot.waitFor('Entrez le code porteur');
	await pilot.type(`${pin}\r`);
	await pilot.waitFor('Carte lue');
}

/** … → step 2 with the availability answered. */
export async function toStep2(pilot: Pilot): Promise<void> {
	await toIdentity(pilot);
	await pilot.press('enter');
	await pilot.waitFor('forme nom.prenom');
}

/** … → CGU accepted, "Suivant" → step 3. */
export async function toStep3(pilot: Pilot): Promise<void> {
	await toStep2(pilot);
	// Four proposals, the CGU pane, then the checkbox.
	await pilot.press('tab', 'tab', 'tab', 'tab', 'tab', 'space', 'tab', 'tab', 'enter');
	await pilot.waitFor('Choisissez votre mot de passe');
}

/** Fills password, confirmation, e-mail and mobile; leaves the focus on the OTP channel. */
export async function fillAccount(pilot: Pilot, values: {email?: string; mobile?: string} = {}): Promise<void> {
	await pilot.type(`${PASSWORD}\t${PASSWORD}\t${values.email ?? 'm.lefevre@exemple.fr'}\t${values.mobile ?? '06 12 34 56 78'}\t`);
}

/** Moves focus forward until the line with `label` carries the focus pointer. */
export async function focusLine(pilot: Pilot, label: string, pointer = '>', maxTabs = 20): Promise<void> {
	for (let i = 0; i < maxTabs; i++) {
		const line = pilot
			.frame()
			.split('\n')
			.find(row => row.includes(label));
		// A button is focused when the pointer is stuck to it; another line when it starts with it.
		const focused = line?.includes(`[ ${label}`) ? line.includes(`${pointer}[ ${label}`) : line?.trimStart().startsWith(pointer);
		if (focused) return;
		await pilot.press('tab');
	}
	throw new Error(`Focus never reached "${label}". Screen:\n${pilot.frame()}`);
}

/** Presses "J'active mon compte !" (Tab until focused, then Enter). */
export async function pressActivate(pilot: Pilot): Promise<void> {
	await focusLine(pilot, 'J’active mon compte !');
	await pilot.press('enter');
}

/** The last one-time code the service sent (the outbox holds the mail or SMS). */
export function lastCode(messages: Array<{content: string}>): string {
	for (const {content} of [...messages].reverse()) {
		const code = /(?:^|\s)(\d{6})(?:\s|\)|$)/m.exec(
			content
				.split(/\r?\n\r?\n/)
				.slice(1)
				.join('\n'),
		)?.[1];
		if (code) return code;
	}
	throw new Error('no code in the outbox');
}

/** "J'active mon compte !", then the code sent to the preferred channel, typed back. */
export async function activateWithCode(pilot: Pilot, outbox: {list(): Array<{content: string}>}, expected = 'Votre compte est désormais activé.'): Promise<void> {
	await pressActivate(pilot);
	await pilot.waitFor('Saisissez le code à usage unique');
	await pilot.type(`${lastCode(outbox.list())}\r`);
	await pilot.waitFor(expected);
}

/** From step 4 of an activated account: "Terminer", then "Me connecter sans carte CPS" with its address and password, up to the code screen. */
export async function toSignInCode(pilot: Pilot): Promise<void> {
	await focusLine(pilot, 'Terminer');
	await pilot.press('enter');
	await pilot.waitFor('Session terminée.');
	await pilot.press('down', 'enter');
	await pilot.waitFor('Votre adresse MSSanté');
	await pilot.type(`marie-helene.lefevre-durand@medecin.mssante.fr\t${PASSWORD}\r`);
	await pilot.waitFor('Il confirme votre connexion sans carte CPS.');
}
