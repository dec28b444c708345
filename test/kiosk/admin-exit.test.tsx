// `--kiosk`: Ctrl+Q leaves only with the administrator's code, set by `mssante-kiosk admin-code`
// (stored as a salted hash in settings.json), on the kiosk and a real service over HTTP at 80×24.
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {PassThrough} from 'node:stream';
import {afterEach, describe, expect, onTestFinished, test} from 'vitest';
import {readNewCode, setAdminCode} from '../../src/commands/admin-code.js';
import {CommandFailure} from '../../src/contract/cli/command-line.js';
import {catalogues} from '../../src/contract/i18n/index.js';
import {DEFAULT_SETTINGS, SETTINGS_FILE, readSettings, type Settings} from '../../src/services/settings.js';
import {startKiosk} from '../helpers/kiosk.js';

const CODE = 'Quitter-2026';
const fr = catalogues.fr.cli;

let kiosk: Awaited<ReturnType<typeof startKiosk>> | undefined;
afterEach(async () => {
	await kiosk?.stop();
	kiosk = undefined;
});

/** A data directory whose settings hold the administrator's code, set as the command sets it. */
async function dataDirWithCode(): Promise<string> {
	const dir = mkdtempSync(path.join(tmpdir(), 'mssante-admin-code-'));
	onTestFinished(() => rmSync(dir, {recursive: true, force: true}));
	await setAdminCode(dir, CODE);
	return dir;
}

/** The kiosk in `--kiosk` mode with `settings`; `exits` counts the times it left. */
async function kioskMode(settings: Settings) {
	const exits = {count: 0};
	kiosk = await startKiosk({props: {kioskMode: true, settings, onExit: () => exits.count++}});
	return {pilot: kiosk.pilot, exits};
}

describe('Ctrl+Q in --kiosk mode', () => {
	test('without an administrator code: says how to set one and does not exit; Esc comes back', async () => {
		const {pilot, exits} = await kioskMode(DEFAULT_SETTINGS);
		await pilot.press('ctrlQ');
		await pilot.waitFor('mssante-kiosk admin-code');
		expect(pilot.frame()).toContain('Aucun code administrateur');
		await pilot.type('anything\r');
		expect(exits.count).toBe(0);
		await pilot.press('escape');
		await pilot.waitFor('Créer / activer mon compte MSSanté');
		expect(exits.count).toBe(0);
	});

	test('a wrong code does not exit, and nothing typed reaches the screen below, whose field keeps its text', async () => {
		const {pilot, exits} = await kioskMode(readSettings(await dataDirWithCode()));
		await pilot.press('tab', 'tab', 'enter');
		await pilot.waitFor('Rechercher dans l’annuaire MSSanté');
		await pilot.type('bou');
		await pilot.press('ctrlQ');
		await pilot.waitFor('Code administrateur :');
		await pilot.type('mauvais-code');
		// Masked as it is typed (ASCII symbols: this terminal has no colour).
		expect(pilot.frame()).toContain('Code administrateur : ************_');
		expect(pilot.frame()).not.toContain('mauvais');
		await pilot.press('enter');
		await pilot.waitFor('Code incorrect');
		expect(exits.count).toBe(0);
		await pilot.press('escape');
		await pilot.waitFor('Rechercher dans l’annuaire MSSanté');
		expect(pilot.frame()).toContain('Nom, prénom ou adresse : bou_');
		expect(exits.count).toBe(0);
	});

	test('the right code exits', async () => {
		const {pilot, exits} = await kioskMode(readSettings(await dataDirWithCode()));
		await pilot.press('ctrlQ');
		await pilot.waitFor('Code administrateur :');
		await pilot.type(`${CODE}\r`);
		const deadline = Date.now() + 3000;
		while (exits.count === 0 && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 10));
		expect(exits.count).toBe(1);
	});
});

describe('mssante-kiosk admin-code', () => {
	test('settings.json holds a salted scrypt hash of the code, never the code; two settings of the same code differ', async () => {
		const dir = await dataDirWithCode();
		const first = readFileSync(path.join(dir, SETTINGS_FILE), 'utf8');
		expect(first).not.toContain(CODE);
		expect(first.toLowerCase()).not.toContain(CODE.toLowerCase());
		const hash = (JSON.parse(first) as Settings).adminCodeHash;
		expect(hash).toMatch(/^scrypt\$16384\$8\$1\$/);
		await setAdminCode(dir, CODE);
		expect(readSettings(dir).adminCodeHash).not.toBe(hash);
	});

	test('reads the first line of a pipe; refuses a code that is too short or missing', async () => {
		const read = (text: string) => {
			const input = new PassThrough();
			input.end(text);
			return readNewCode({input, output: new PassThrough()}, fr);
		};
		expect(await read(`${CODE}\nignored\n`)).toBe(CODE);
		await expect(read('court\n')).rejects.toThrow(new CommandFailure(fr.adminCodeTooShort(8), 1));
		await expect(read('')).rejects.toThrow(fr.adminCodeNone);
	});

	test('on a terminal (a fake one: the test has no keyboard), typed twice without echo; two different codes are refused', async () => {
		const terminal = (keys: string) => {
			const input = Object.assign(new PassThrough(), {isTTY: true, setRawMode: () => undefined});
			const output = new PassThrough();
			let shown = '';
			output.on('data', chunk => (shown += String(chunk)));
			setTimeout(() => input.write(keys), 10);
			return {read: readNewCode({input, output}, fr), shown: () => shown};
		};
		const typed = terminal(`${CODE}x\u007F\r${CODE}\r`);
		expect(await typed.read).toBe(CODE);
		expect(typed.shown()).not.toContain(CODE);
		await expect(terminal(`${CODE}\rautre-code-2026\r`).read).rejects.toThrow(fr.adminCodeMismatch);
	});
});
