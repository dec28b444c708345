// The built kiosk installed WITHOUT its native card addons, as npm leaves it on a machine that lacks
// the PC/SC headers: pcsclite and pkcs11js are optional dependencies, skipped when they cannot be
// built. Each test runs a copy of the built program whose node_modules holds every package but the
// missing ones, so the addon is really absent (no fake). The test never builds: `npm run build` first.
import {spawnSync} from 'node:child_process';
import {cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, describe, expect, test} from 'vitest';
import {ADDON_FIX} from '../../src/contract/i18n/commands.js';
import {PtyKiosk, ROOT, assertBuilt, kioskEnv} from '../helpers/pty.js';

const installs: string[] = [];
const kiosks: PtyKiosk[] = [];

/** The built program with every installed package but `missing`; returns its bin/mssante-kiosk.js. */
function installedWithout(missing: string[]): string {
	assertBuilt();
	const dir = mkdtempSync(path.join(tmpdir(), 'mssante-no-addon-'));
	installs.push(dir);
	// Copied, not linked: Node resolves a linked program to its real place, whose node_modules has everything.
	for (const part of ['bin', 'dist', 'package.json']) cpSync(path.join(ROOT, part), path.join(dir, part), {recursive: true});
	symlinkSync(path.join(ROOT, 'data'), path.join(dir, 'data'));
	mkdirSync(path.join(dir, 'node_modules'));
	for (const name of readdirSync(path.join(ROOT, 'node_modules'))) {
		if (!missing.includes(name) && name !== '.bin') symlinkSync(path.join(ROOT, 'node_modules', name), path.join(dir, 'node_modules', name));
	}
	return path.join(dir, 'bin', 'mssante-kiosk.js');
}

function dataDir(): string {
	const dir = mkdtempSync(path.join(tmpdir(), 'mssante-no-addon-data-'));
	installs.push(dir);
	return dir;
}

afterEach(async () => {
	for (const kiosk of kiosks.splice(0)) await kiosk.dispose();
});
afterAll(() => {
	for (const dir of installs) rmSync(dir, {recursive: true, force: true});
});

describe('installed without pcsclite (no PC/SC headers at npm ci)', () => {
	test('the kiosk starts on the demo card and says what is missing and the command that fixes it', async () => {
		const kiosk = new PtyKiosk({bin: installedWithout(['pcsclite']), args: ['--data-dir', dataDir()]});
		kiosks.push(kiosk);
		const screen = await kiosk.waitFor('Rechercher dans l’annuaire', 15_000);
		expect(screen).toContain('DÉMO');
		expect(screen).toContain(`Démo (pcsclite absent) : ${ADDON_FIX.pcsclite}`);
	});

	test('--no-demo: one clear line, the fix, exit code 1 (no stack trace)', async () => {
		const kiosk = new PtyKiosk({bin: installedWithout(['pcsclite']), args: ['--no-demo', '--data-dir', dataDir()]});
		kiosks.push(kiosk);
		expect((await kiosk.waitExit()).exitCode).toBe(1);
		expect(kiosk.raw).toContain('pcsclite n’est pas installé');
		expect(kiosk.raw).toContain(ADDON_FIX.pcsclite);
		expect(kiosk.raw).not.toMatch(/\n\s+at /);
	});

	test('doctor names pcsclite and the command that installs it', () => {
		const doctor = spawnSync(process.execPath, [installedWithout(['pcsclite']), 'doctor', '--data-dir', dataDir()], {env: kioskEnv(), encoding: 'utf8'});
		expect(doctor.status).toBe(1);
		expect(doctor.stdout).toContain('pcsclite');
		expect(doctor.stdout).toContain(ADDON_FIX.pcsclite);
	});
});

describe('installed without pkcs11js', () => {
	test('--no-demo: one clear line, the fix, exit code 1', async () => {
		const kiosk = new PtyKiosk({bin: installedWithout(['pkcs11js']), args: ['--no-demo', '--data-dir', dataDir()]});
		kiosks.push(kiosk);
		expect((await kiosk.waitExit()).exitCode).toBe(1);
		expect(kiosk.raw).toContain('pkcs11js n’est pas installé');
		expect(kiosk.raw).toContain(ADDON_FIX.pkcs11js);
	});
});
