// Terminals smaller than 80×24: one clear line instead of a garbled screen, the session kept until
// the terminal grows back; and at 80×24 every screen keeps its focused item and its messages whole.
import {afterEach, expect, test} from 'vitest';
import {DEMO_IDENTITY} from '../../src/hardware/demo-card.js';
import {KeyRouter} from '../../src/hooks/use-keys.js';
import {SummaryScreen} from '../../src/screens/summary.js';
import {DEFAULT_SETTINGS} from '../../src/services/settings.js';
import {startKiosk, type TestKioskOptions} from '../helpers/kiosk.js';
import {Pilot} from '../helpers/pilot.js';
import {PASSWORD, activateWithCode, fillAccount, toIdentity, toStep3} from '../helpers/walk.js';

let kiosk: Awaited<ReturnType<typeof startKiosk>> | undefined;
afterEach(async () => {
	await kiosk?.stop();
	kiosk = undefined;
});

async function open(options: TestKioskOptions = {}) {
	kiosk = await startKiosk(options);
	return kiosk.pilot;
}

/** The screen's text with its line breaks and runs of spaces made one space: a wrapped message reads whole. */
function flat(frame: string): string {
	return frame.replace(/\s+/g, ' ');
}

test.each([
	[60, 20],
	[79, 24],
	[80, 23],
])('at %i×%i the kiosk shows one line asking for a larger window, and nothing else', async (columns, rows) => {
	const pilot = await open();
	pilot.resize(columns, rows);
	expect((await pilot.waitFor('Agrandissez')).trim()).toBe(`Agrandissez la fenêtre : 80×24 minimum (actuellement ${columns}×${rows}).`);
});

test('the line follows resizes, and what was typed is still there when the terminal grows back', async () => {
	const pilot = await open();
	await pilot.press('enter');
	await pilot.waitFor('Entrez le code porteur');
	await pilot.type('12');
	await pilot.waitFor('Code porteur : **');
	pilot.resize(60, 20);
	await pilot.waitFor('Agrandissez la fenêtre : 80×24 minimum (actuellement 60×20).');
	expect(pilot.frame()).not.toContain('Code porteur');
	pilot.resize(70, 22);
	await pilot.waitFor('(actuellement 70×22)');
	pilot.resize(80, 24);
	// Step 1 again, with the two digits typed before.
	await pilot.waitFor('Code porteur : **');
	expect(pilot.frame()).not.toContain('Agrandissez');
	await pilot.type('34\r');
	await pilot.waitFor('Carte lue', 10_000);
});

// The demo card's certificate carries its own name, so the service refuses an address made from a
// longer one: the summary is drawn alone here, from an account with long values.
test('step 4 drawn alone with long values wraps them whole and scrolls to keep the focused action on screen', async () => {
	const identity = {...DEMO_IDENTITY, givenName: 'Marie-Hélène-Alexandrine', surname: 'LEFÈVRE-DURAND-MONTMORENCY', profession: 'Chirurgien-dentiste qualifié en orthopédie dento-faciale'};
	const address = 'marie-helene-alexandrine.lefevre-durand-montmorency@medecin.mssante.fr';
	const account = {
		address,
		identity,
		options: {email: 'm.lefevre@exemple.fr', mobile: '+33612345678', otpChannel: 'mail' as const, notify: false, publishMobile: false, listeRouge: false, paperless: false},
		createdAt: '2026-01-01T00:00:00Z',
		updatedAt: '2026-01-01T00:00:00Z',
	};
	let focus = 0;
	const handle = {
		get index() {
			return focus;
		},
		now: () => focus,
		set: (index: number) => {
			focus = index;
			pilot.instance.rerender(screen());
		},
	};
	const nothing = () => undefined;
	// Rows left between header and footer at 80×24.
	const screen = () => (
		<KeyRouter>
			<SummaryScreen
				account={account}
				lastSave="activated"
				width={80}
				height={18}
				focus={handle}
				actions={{openWebmail: nothing, edit: nothing, invite: nothing, openDirectory: nothing, finish: nothing, openHelp: nothing}}
			/>
		</KeyRouter>
	);
	const pilot = new Pilot(screen());
	try {
		expect(flat(pilot.frame())).toContain(`Adresse MSSanté : ${address}`);
		expect(flat(pilot.frame())).toContain('Titulaire : Marie-Hélène-Alexandrine LEFÈVRE-DURAND-MONTMORENCY — Chirurgien-dentiste qualifié en orthopédie dento-faciale — RPPS');
		expect(pilot.frame()).not.toContain('Terminer');
		await pilot.press('tab', 'tab', 'tab', 'tab');
		const frame = await pilot.waitFor('› Terminer');
		expect(frame.split('\n').length).toBeLessThanOrEqual(18);
	} finally {
		pilot.unmount();
	}
});

test('at 80 columns the idle warning is shown whole', async () => {
	const pilot = await open({props: {settings: {...DEFAULT_SETTINGS, idleTimeoutSeconds: 60, idleWarningSeconds: 60}}});
	// Sign-in without the card: the session is no longer untouched once something is typed.
	await pilot.press('down', 'enter');
	await pilot.type('jean');
	const frame = await pilot.waitFor('la session se ferme dans');
	expect(flat(frame)).toMatch(/Inactivité : la session se ferme dans \d+ s — appuyez sur une touche pour continuer\./);
});

test('at 80 columns the demo notice shows the whole module path', async () => {
	const path = '/usr/local/galss/lib/santesocial/CPS/x86_64/libcps3_pkcs11_lin.so';
	const pilot = await open({props: {startupNotice: `Carte de démonstration : module CPS introuvable (${path}).`}});
	expect(flat(pilot.frame())).toContain(`Carte de démonstration : module CPS introuvable (${path}).`);
});

test('at 80 columns step 1 shows the whole address of the account already activated for the card', async () => {
	const pilot = await open();
	await toStep3(pilot);
	await fillAccount(pilot);
	await activateWithCode(pilot, (kiosk as NonNullable<typeof kiosk>).backend.outbox);
	// "Terminer", then the same card again.
	await pilot.press('tab', 'tab', 'tab', 'tab', 'enter');
	await pilot.waitFor('Créer son compte MSSanté');
	await toIdentity(pilot);
	const frame = await pilot.waitFor('déjà activé');
	expect(flat(frame)).toContain('Un compte MSSanté est déjà activé pour cette carte : marie-helene.lefevre-durand@medecin.mssante.fr');
});

test('at 80 columns a refused activation says whole that what was typed is kept', async () => {
	const pilot = await open();
	await toStep3(pilot);
	await fillAccount(pilot);
	const {backend} = kiosk as NonNullable<typeof kiosk>;
	// A namesake with another RPPS number activates the same address first, on another kiosk.
	const address = 'marie-helene.lefevre-durand@medecin.mssante.fr';
	await backend.activate({
		requestId: 'namesake',
		identity: {...DEMO_IDENTITY, nationalId: '10009999999'},
		address,
		password: PASSWORD,
		options: {email: 'homonyme@exemple.fr', otpChannel: 'mail', notify: false, publishMobile: false, listeRouge: false, paperless: false},
	});
	await activateWithCode(pilot, backend.outbox, 'conservées');
	// "Échec : l’adresse choisie vient d’être attribuée ; revenez à l’étape 2. Vos saisies sont conservées." is wider than 80 columns.
	expect(flat(pilot.frame())).toMatch(/Échec : .{45,}\. Vos saisies sont conservées\./);
});
