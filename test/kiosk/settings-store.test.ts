// The kiosk's settings file: defaults, bad values set aside, one writer at a time.
import {spawn, type ChildProcess} from 'node:child_process';
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import {FileInUseError} from '../../src/contract/storage/file-lock.js';
import type {JsonStore} from '../../src/contract/storage/json-store.js';
import {DEFAULT_SETTINGS, SETTINGS_FILE, openSettings, type Settings} from '../../src/services/settings.js';

let dir: string;
let settingsPath: string;
let lockPath: string;
const opened: Array<JsonStore<Settings>> = [];
let child: ChildProcess | undefined;

async function open(): Promise<JsonStore<Settings>> {
	const store = await openSettings(dir);
	opened.push(store);
	return store;
}

function readJson(file: string): unknown {
	return JSON.parse(readFileSync(file, 'utf8'));
}

function setAsideFiles(): string[] {
	return readdirSync(dir).filter(name => name.startsWith(`${SETTINGS_FILE}.corrupt-`));
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
	const start = Date.now();
	while (!condition()) {
		if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
		await new Promise(resolve => setTimeout(resolve, 20));
	}
}

beforeEach(() => {
	dir = mkdtempSync(path.join(os.tmpdir(), 'kiosk-settings-'));
	settingsPath = path.join(dir, SETTINGS_FILE);
	lockPath = `${settingsPath}.lock`;
});

afterEach(() => {
	for (const store of opened.splice(0)) store.close();
	if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
	child = undefined;
	rmSync(dir, {recursive: true, force: true});
});

describe('defaults', () => {
	test('the defaults are the documented ones', () => {
		expect(DEFAULT_SETTINGS).toEqual({
			lang: 'fr',
			reader: null,
			pkcs11Module: '/opt/santesocial/CPS/lib/libcps3_pkcs11_lux.so',
			backendUrl: null,
			directoryFile: null,
			trustAnchors: null,
			idleTimeoutSeconds: 180,
			idleWarningSeconds: 30,
			webmailUrl: 'https://webmail.mssante.fr',
			adminCodeHash: null,
		});
	});

	test('missing file → defaults used and written, no notice', async () => {
		expect(existsSync(settingsPath)).toBe(false);
		const store = await open();
		expect(store.db.data).toEqual(DEFAULT_SETTINGS);
		expect(store.notice).toBeUndefined();
		expect(readJson(settingsPath)).toEqual(DEFAULT_SETTINGS);
	});

	test('a missing data directory is created', async () => {
		const nested = path.join(dir, 'a', 'b');
		const store = await openSettings(nested);
		opened.push(store);
		expect(readJson(path.join(nested, SETTINGS_FILE))).toEqual(DEFAULT_SETTINGS);
	});
});

describe('unusable file → set aside, defaults, notice', () => {
	test.each([
		['empty', ''],
		['corrupt JSON', '{"lang": "en", '],
		['a JSON array', '["lang", "en"]'],
		['JSON null', 'null'],
		['a JSON string', '"fr"'],
	])('%s', async (_name, content) => {
		writeFileSync(settingsPath, content);
		const store = await open();

		expect(store.db.data).toEqual(DEFAULT_SETTINGS);
		const aside = setAsideFiles();
		expect(aside).toHaveLength(1);
		const savedAs = path.join(dir, aside[0] ?? '');
		expect(aside[0]).toMatch(/^settings\.json\.corrupt-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/);
		expect(store.notice).toEqual({kind: 'corrupt-set-aside', path: settingsPath, savedAs});
		// The set-aside file keeps the original bytes; the settings file now holds the defaults.
		expect(readFileSync(savedAs, 'utf8')).toBe(content);
		expect(readJson(settingsPath)).toEqual(DEFAULT_SETTINGS);
	});

	test('corrupt bytes (not UTF-8 text) are kept byte for byte', async () => {
		const bytes = Buffer.from([0x7b, 0xff, 0xfe, 0x00, 0x22, 0xc3, 0x28]);
		writeFileSync(settingsPath, bytes);
		const store = await open();
		expect(store.notice?.kind).toBe('corrupt-set-aside');
		expect(readFileSync(store.notice?.savedAs ?? '').equals(bytes)).toBe(true);
	});

	test('the next open after a set-aside is clean', async () => {
		writeFileSync(settingsPath, '{oops');
		(await open()).close();
		opened.pop();
		const again = await open();
		expect(again.notice).toBeUndefined();
		expect(setAsideFiles()).toHaveLength(1);
	});
});

describe('merging', () => {
	test('a file with only {"lang":"en"} gains every other default key', async () => {
		writeFileSync(settingsPath, '{"lang":"en"}');
		const store = await open();
		expect(store.notice).toBeUndefined();
		expect(store.db.data).toEqual({...DEFAULT_SETTINGS, lang: 'en'});
		expect(setAsideFiles()).toEqual([]);
	});

	test('an invalid value falls back to its default, valid ones are kept', async () => {
		writeFileSync(settingsPath, JSON.stringify({lang: 'de', idleTimeoutSeconds: 'x', idleWarningSeconds: 45, backendUrl: 'http://127.0.0.1:8080', reader: 42}));
		const store = await open();
		expect(store.notice).toBeUndefined();
		expect(store.db.data).toEqual({
			...DEFAULT_SETTINGS,
			idleWarningSeconds: 45,
			backendUrl: 'http://127.0.0.1:8080',
		});
	});

	test('out-of-range timeouts fall back to their defaults', async () => {
		writeFileSync(settingsPath, JSON.stringify({idleTimeoutSeconds: 1, idleWarningSeconds: 100_000}));
		const store = await open();
		expect(store.db.data.idleTimeoutSeconds).toBe(180);
		expect(store.db.data.idleWarningSeconds).toBe(30);
	});

	test('unknown keys are dropped', async () => {
		writeFileSync(settingsPath, JSON.stringify({lang: 'en', password: 'secret'}));
		const store = await open();
		expect(store.db.data).toEqual({...DEFAULT_SETTINGS, lang: 'en'});
		expect(store.db.data).not.toHaveProperty('password');
	});
});

describe('writing', () => {
	test('a write is read back after re-opening', async () => {
		const store = await open();
		store.db.data.lang = 'en';
		store.db.data.idleTimeoutSeconds = 300;
		store.db.data.reader = 'Lecteur 00 00';
		await store.db.write();
		store.close();
		opened.pop();

		expect(readJson(settingsPath)).toEqual({...DEFAULT_SETTINGS, lang: 'en', idleTimeoutSeconds: 300, reader: 'Lecteur 00 00'});
		const again = await open();
		expect(again.db.data).toEqual({...DEFAULT_SETTINGS, lang: 'en', idleTimeoutSeconds: 300, reader: 'Lecteur 00 00'});
	});
});

describe('one writer at a time', () => {
	test('the lock file holds this process id while open, and close() releases it', async () => {
		const store = await open();
		expect(readFileSync(lockPath, 'utf8')).toBe(String(process.pid));
		store.close();
		opened.pop();
		expect(existsSync(lockPath)).toBe(false);
		// Released: it can be opened again.
		const again = await open();
		expect(again.db.data).toEqual(DEFAULT_SETTINGS);
	});

	/** Opens the settings expecting a refusal: the error, or null (and the store kept for closing). */
	const refusedOpen = () =>
		openSettings(dir).then(
			store => {
				opened.push(store);
				return null;
			},
			(e: unknown) => e,
		);

	test('a second open in the same process while the first is open is refused with FileInUseError', async () => {
		const first = await open();
		const error = await refusedOpen();
		expect(error).toBeInstanceOf(FileInUseError);
		expect((error as FileInUseError).pid).toBe(process.pid);
		expect((error as FileInUseError).path).toBe(settingsPath);
		// The refused attempt did not take the first one's lock away.
		expect(readFileSync(lockPath, 'utf8')).toBe(String(process.pid));
		first.db.data.lang = 'en';
		await first.db.write();
		expect(readJson(settingsPath)).toMatchObject({lang: 'en'});
	});

	test('another live process holding the lock → FileInUseError naming its pid; once it is dead its stale lock is taken over', async () => {
		const script = `require('fs').writeFileSync(${JSON.stringify(lockPath)}, String(process.pid)); setTimeout(() => {}, 30000);`;
		child = spawn(process.execPath, ['-e', script], {stdio: 'ignore'});
		const childPid = child.pid;
		expect(childPid).toBeTypeOf('number');
		await waitFor(() => existsSync(lockPath) && readFileSync(lockPath, 'utf8') === String(childPid), 'the child to take the lock');

		const error = await refusedOpen();
		expect(error).toBeInstanceOf(FileInUseError);
		expect((error as FileInUseError).pid).toBe(childPid);
		expect((error as Error).message).toContain(String(childPid));
		expect((error as Error).message).toContain(settingsPath);
		// Refusing did not touch the other process's lock, nor create the settings file.
		expect(readFileSync(lockPath, 'utf8')).toBe(String(childPid));
		expect(existsSync(settingsPath)).toBe(false);

		const exited = new Promise(resolve => child?.once('exit', resolve));
		child.kill('SIGKILL');
		await exited;
		// The dead process's lock is still there…
		expect(readFileSync(lockPath, 'utf8')).toBe(String(childPid));

		// …and is taken over.
		const store = await open();
		expect(store.db.data).toEqual(DEFAULT_SETTINGS);
		expect(readFileSync(lockPath, 'utf8')).toBe(String(process.pid));
	});

	test('a lock file with garbage in it is treated as stale', async () => {
		writeFileSync(lockPath, 'not a pid');
		const store = await open();
		expect(store.db.data).toEqual(DEFAULT_SETTINGS);
		expect(readFileSync(lockPath, 'utf8')).toBe(String(process.pid));
	});
});
