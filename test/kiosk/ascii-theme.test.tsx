// A terminal whose locale is not UTF-8 (LANG=C): every glyph the kiosk draws has an ASCII form.
// What counts as a glyph: any character above 0x7E that is not a letter. Letters (é, à, ç, œ…) are
// text — how French is written, and how names read from the card are spelt — and stay.
import {afterEach, describe, expect, test} from 'vitest';
import {asciiCatalogue, asciiText, detectTheme} from '../../src/components/theme.js';
import {catalogues} from '../../src/contract/i18n/index.js';
import {startKiosk} from '../helpers/kiosk.js';
import {fillAccount, focusLine, lastCode, toIdentity, toStep2, toStep3} from '../helpers/walk.js';

/** The glyphs of `text`: characters above 0x7E that are not letters. */
function glyphs(text: string): string[] {
	return [...text.normalize('NFC')].filter(character => character > '~' && !/\p{L}/u.test(character));
}

describe('the locale decides', () => {
	test.each([
		[{LANG: 'fr_FR.UTF-8'}, true],
		[{LANG: 'fr_FR.utf8'}, true],
		[{LANG: 'C'}, false],
		[{LANG: 'POSIX'}, false],
		[{LANG: 'fr_FR.ISO-8859-15'}, false],
		[{}, false],
		// LC_ALL, then LC_CTYPE, override LANG, as in the C library.
		[{LANG: 'fr_FR.UTF-8', LC_ALL: 'C'}, false],
		[{LANG: 'fr_FR.UTF-8', LC_CTYPE: 'POSIX'}, false],
		[{LANG: 'C', LC_CTYPE: 'C.UTF-8'}, true],
	])('%o → unicode %s', (env, unicode) => {
		expect(detectTheme(env, 1).unicode).toBe(unicode);
	});
});

describe('the ASCII forms', () => {
	test('punctuation and arrows get an ASCII form, letters stay', () => {
		expect(asciiText('L’icône « rouge » — 80×24 … ↑↓ ←→ · n° 3')).toBe('L\'icône " rouge " - 80x24 ... ^v <--> . no 3');
	});
	test.each(['fr', 'en'] as const)('no string of the %s catalogue keeps a glyph once folded', lang => {
		const found = new Set<string>();
		const walk = (value: unknown): void => {
			if (typeof value === 'string') for (const glyph of glyphs(value)) found.add(glyph);
			else if (typeof value === 'function') {
				// Called with plausible arguments; a function that needs others is still checked by the walk below.
				try {
					walk(value(...Array.from({length: value.length}, () => 2)));
				} catch {}
			} else if (value && typeof value === 'object') for (const inner of Object.values(value)) walk(inner);
		};
		walk(catalogues[lang]);
		// The catalogue does use glyphs (the test would prove nothing otherwise)…
		expect(found.size).toBeGreaterThan(3);
		found.clear();
		// …and none is left in its ASCII form.
		walk(asciiCatalogue(catalogues[lang]));
		expect([...found]).toEqual([]);
	});
});

describe('every screen in ASCII', () => {
	let kiosk: Awaited<ReturnType<typeof startKiosk>> | undefined;
	afterEach(async () => {
		await kiosk?.stop();
		kiosk = undefined;
	});
	/** Asserts the screen `name` draws no glyph. */
	const expectAscii = (name: string, frame: string) => {
		expect(glyphs(frame), `${name}:\n${frame}`).toEqual([]);
	};
	// Colours on: the locale alone turns the glyphs off.
	const open = async () => {
		kiosk = await startKiosk({props: {theme: {unicode: false, color: true}, startupNotice: 'Carte de démonstration (--demo). · Réglages illisibles…'}});
		return kiosk.pilot;
	};

	test('Welcome, help, step 1, the too-small line', async () => {
		const pilot = await open();
		expectAscii('welcome with a startup notice', pilot.frame());
		await pilot.press('f1');
		expectAscii('help', await pilot.waitFor('Diagnostic automatique'));
		await pilot.press('escape');
		await pilot.press('enter');
		await pilot.waitFor('Entrez le code porteur');
		await pilot.type('12');
		expectAscii('step 1, PIN', await pilot.waitFor('Code porteur : **'));
		pilot.resize(60, 20);
		expectAscii('too small', await pilot.waitFor('Agrandissez la fenêtre : 80x24 minimum'));
		pilot.resize(80, 24);
		await pilot.type('34\r');
		expectAscii('step 1, identity', await pilot.waitFor('Carte lue', 10_000));
	});

	test('steps 2 and 3, the convention', async () => {
		const pilot = await open();
		await toStep2(pilot);
		expectAscii('step 2', pilot.frame());
		expect(pilot.frame()).toMatch(/\+-+\+/);
		await pilot.press('tab', 'tab', 'tab', 'tab');
		// The focused pane has its own ASCII border.
		expectAscii('step 2, pane focused', await pilot.waitFor(/#=+#/));
		await pilot.press('tab', 'space', 'tab', 'tab', 'enter');
		await pilot.waitFor('Choisissez votre mot de passe');
		await pilot.type('abc\tabd\tjean@mssante.fr\t0123\t');
		expectAscii('step 3, invalid fields', await pilot.waitFor('numéro invalide'));
		await focusLine(pilot, 'En savoir plus');
		await pilot.press('enter');
		expectAscii('convention de preuve', await pilot.waitFor('Convention de preuve'));
	});

	test('the code, step 4 and what it opens', async () => {
		const next = await open();
		await toStep3(next);
		await fillAccount(next);
		// The walk's helper looks for the typographic apostrophe.
		await focusLine(next, "J'active mon compte !");
		await next.press('enter');
		expectAscii('one-time code', await next.waitFor('Saisissez le code'));
		await next.type(`${lastCode((kiosk as NonNullable<typeof kiosk>).backend.outbox.list())}\r`);
		expectAscii('step 4', await next.waitFor('Votre compte est désormais activé.'));
		await next.press('enter');
		expectAscii('webmail (no QR code without UTF-8)', await next.waitFor('Aucun navigateur'));
		await next.press('escape');
		await next.press('tab', 'tab', 'enter');
		expectAscii('invitations', await next.waitFor('Inviter'));
		await next.press('escape');
		await next.press('tab', 'enter');
		expectAscii('directory', await next.waitFor('annuaire'));
	});

	test('sign-in without the card', async () => {
		const pilot = await open();
		await pilot.press('down', 'enter');
		await pilot.type('jean.dupont@medecin.mssante.fr\t');
		expectAscii('sign-in', await pilot.waitFor('Recevoir mon code'));
	});

	test('the identity with the demo card, after the card is removed', async () => {
		const pilot = await open();
		await toIdentity(pilot);
		kiosk?.card.toggleCard();
		expectAscii('card removed', await pilot.waitFor('Carte retirée'));
	});
});
