// The idle countdown on the kiosk and a real service over HTTP at 80×24: a key pressed while it
// shows only ends it — it is not typed into the focused field as well.
import {afterEach, expect, test} from 'vitest';
import {DEFAULT_SETTINGS} from '../../src/services/settings.js';
import {startKiosk} from '../helpers/kiosk.js';

let kiosk: Awaited<ReturnType<typeof startKiosk>> | undefined;
afterEach(async () => {
	await kiosk?.stop();
	kiosk = undefined;
});

test('a letter typed while the idle warning shows ends the warning and leaves the field unchanged; the next one is typed', async () => {
	// The shortest times the settings accept: the warning after 5 s without a key.
	kiosk = await startKiosk({props: {settings: {...DEFAULT_SETTINGS, idleTimeoutSeconds: 10, idleWarningSeconds: 5}}});
	const {pilot} = kiosk;
	await pilot.press('tab', 'tab', 'enter');
	await pilot.waitFor('Rechercher dans l’annuaire MSSanté');
	await pilot.type('bou');
	await pilot.waitFor('Inactivité : la session se ferme dans', 8000);
	await pilot.type('x');
	const after = await pilot.waitForNo('Inactivité');
	expect(after).toContain('Nom, prénom ou adresse : bou_');
	await pilot.type('v');
	await pilot.waitFor('Nom, prénom ou adresse : bouv_');
}, 20_000);
