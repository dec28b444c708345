// Ink's screen-reader mode (INK_SCREEN_READER=true): a walk of the wizard asserting what is said of
// each control — its label, its state (checked, chosen, unavailable, invalid and why) and the focus.
import {EventEmitter} from 'node:events';
import {render} from 'ink';
import {afterEach, expect, test} from 'vitest';
import {Spinner} from '../../src/components/spinner.js';
import {ThemeContext} from '../../src/components/theme.js';
import {startKiosk} from '../helpers/kiosk.js';
import {settle} from '../helpers/pilot.js';
import {PASSWORD} from '../helpers/walk.js';

let kiosk: Awaited<ReturnType<typeof startKiosk>> | undefined;
afterEach(async () => {
	await kiosk?.stop();
	kiosk = undefined;
});

/** The spoken lines, trimmed, runs of spaces (the layout's) made one. */
function lines(frame: string): string[] {
	return frame.split('\n').map(line => line.trim().replace(/ +/g, ' '));
}

test('a walk of the wizard tells each control with its state and the focus, and never a secret', async () => {
	// Slow card calls, so the PIN check is seen in progress.
	kiosk = await startKiosk({screenReader: true, card: {latencyMs: 300}});
	const {pilot} = kiosk;
	expect(lines(pilot.frame())).toContain('Focus : Créer / activer mon compte MSSanté');
	expect(lines(pilot.frame())).toContain('Me connecter sans carte CPS');

	await pilot.press('enter');
	await pilot.waitFor('Entrez le code porteur');
	expect(lines(pilot.frame())).toContain('Focus : Code porteur : champ masqué, vide');
	await pilot.type('12');
	const typed = await pilot.waitFor('2 caractère(s) saisi(s)');
	expect(lines(typed)).toContain('Focus : Code porteur : champ masqué, 2 caractère(s) saisi(s)');
	expect(typed).not.toContain('12');
	await pilot.type('34\r');
	// The spinner gives way to its words, with no frame character before them.
	expect(lines(await pilot.waitFor('Vérification du code'))).toContain('Vérification du code…');

	expect(lines(await pilot.waitFor('Carte lue', 10_000))).toContain('Focus : Bouton : Continuer');
	await pilot.press('enter');
	const step2 = lines(await pilot.waitFor('forme nom.prenom'));
	expect(step2).toContain('Focus : Bouton radio, choisi : marie-helene.lefevre-durand@medecin.mssante.fr');
	expect(step2).toContain('Bouton radio, non choisi : marie-helene.lefevre-durand2@pro.mssante.fr');
	expect(step2).toContain('Case à cocher, non cochée : J’ai lu et j’accepte les conditions générales d’utilisation');
	expect(step2).toContain('Bouton : < Précédent Bouton, indisponible : Suivant >');
	await pilot.press('tab', 'tab', 'tab', 'tab', 'tab', 'space');
	const accepted = lines(await pilot.waitFor('Case à cocher, cochée'));
	expect(accepted).toContain('Focus : Case à cocher, cochée : J’ai lu et j’accepte les conditions générales d’utilisation');
	expect(accepted).toContain('Bouton : < Précédent Bouton : Suivant >');
	await pilot.press('tab', 'tab');
	expect(lines(pilot.frame())).toContain('Bouton : < Précédent Focus : Bouton : Suivant >');

	await pilot.press('enter');
	await pilot.waitFor('Choisissez votre mot de passe');
	expect(lines(pilot.frame())).toContain('Focus : Votre mot de passe *, champ masqué, vide');
	await pilot.type('abc\tabd\t');
	const step3 = lines(await pilot.waitFor('ne correspond pas'));
	expect(step3).toContain('Votre mot de passe *, champ masqué, 3 caractère(s) saisi(s), invalide : ne respecte pas les règles ci-dessous');
	expect(step3).toContain('Confirmez votre mot de passe *, champ masqué, 3 caractère(s) saisi(s), invalide : ne correspond pas au mot de passe');
	expect(step3.some(line => line.startsWith('Focus : Votre adresse de messagerie'))).toBe(true);
	// Back to the password: what is typed there is told by its length only.
	await pilot.press('shiftTab', 'shiftTab');
	await pilot.type(PASSWORD);
	expect(lines(await pilot.waitFor('20 caractère(s)'))).toContain('Focus : Votre mot de passe *, champ masqué, 20 caractère(s) saisi(s)');
	expect(pilot.frame()).not.toContain(PASSWORD);
});

test('the spinner, for a screen reader, is its words alone and does not change while it spins', async () => {
	const stdout = Object.assign(new EventEmitter(), {columns: 80, rows: 24, isTTY: true, frames: [] as string[], write: (frame: string) => stdout.frames.push(frame) > 0});
	const instance = render(
		<ThemeContext.Provider value={{unicode: true, color: true}}>
			<Spinner label="Activation en cours…" />
		</ThemeContext.Provider>,
		{stdout: stdout as unknown as NodeJS.WriteStream, debug: true, isScreenReaderEnabled: true, patchConsole: false},
	);
	// Several frames of the spinner's 80 ms period.
	await settle(400);
	const frames = new Set(stdout.frames);
	instance.unmount();
	expect(frames).toEqual(new Set(['Activation en cours…']));
});
