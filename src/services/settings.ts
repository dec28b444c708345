import {readFileSync} from 'node:fs';
import path from 'node:path';
// zod/mini: the same schemas, tree-shaken — full zod would add ~450 kB to start-up.
import * as z from 'zod/mini';
import {openJsonStore, type JsonStore} from '../contract/storage/json-store.js';
import {ADMIN_CODE_HASH} from './admin-code.js';

/**
 * Kiosk settings: never anything secret (SPEC §10; the administrator's code is there as a salted hash only). Each key has a default, so a file written by
 * an older version gains new keys, and a key with an invalid value falls back to its default.
 */
const settingsSchema = z.object({
	/** Interface language. */
	lang: z.catch(z.enum(['fr', 'en']), 'fr'),
	/** Preferred reader name when several are connected. */
	reader: z.catch(z.nullable(z.string()), null),
	/** Path of the CPS PKCS#11 module. */
	pkcs11Module: z.catch(z.string(), '/opt/santesocial/CPS/lib/libcps3_pkcs11_lux.so'),
	/** Activation backend; null = the embedded one. */
	backendUrl: z.catch(z.nullable(z.string()), null),
	/** PEM file of the authorities the embedded backend trusts for real cards (IGC-Santé CA). */
	trustAnchors: z.catch(z.nullable(z.string()), null),
	/** Inactivity before the session is wiped, countdown included. */
	idleTimeoutSeconds: z.catch(z.number().check(z.int(), z.minimum(10), z.maximum(3600)), 180),
	/** Length of the visible countdown before the wipe. */
	idleWarningSeconds: z.catch(z.number().check(z.int(), z.minimum(5), z.maximum(300)), 30),
	/** The national directory's extraction file for the embedded service; null: `<data dir>/Extraction_Correspondance_MSSante.txt` when present. */
	directoryFile: z.catch(z.nullable(z.string()), null),
	/** Webmail shown (and as a QR code) on the summary. */
	webmailUrl: z.catch(z.string(), 'https://webmail.mssante.fr'),
	/** The administrator's code that leaves `--kiosk` (Ctrl+Q), as a salted scrypt hash only (`mssante-kiosk admin-code` sets it); null: none yet. */
	adminCodeHash: z.catch(z.nullable(z.string().check(z.regex(ADMIN_CODE_HASH))), null),
});

export type Settings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Settings = settingsSchema.parse({});

/** File name of the settings inside the data directory. */
export const SETTINGS_FILE = 'settings.json';

/** Parses a settings file: must be a JSON object; unknown keys dropped, missing or bad ones defaulted. */
function parseSettings(raw: unknown): Settings {
	if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('not a JSON object');
	return settingsSchema.parse(raw);
}

/** Opens `<dataDir>/settings.json` for this process (see openJsonStore for the rules). */
export function openSettings(dataDir: string): Promise<JsonStore<Settings>> {
	return openJsonStore({
		path: path.join(dataDir, SETTINGS_FILE),
		defaults: DEFAULT_SETTINGS,
		parse: parseSettings,
		onCorrupt: 'set-aside',
	});
}

/** The settings as they are, without taking the file (for `doctor`): defaults when unreadable. */
export function readSettings(dataDir: string): Settings {
	try {
		return parseSettings(JSON.parse(readFileSync(path.join(dataDir, SETTINGS_FILE), 'utf8')) as unknown);
	} catch {
		return DEFAULT_SETTINGS;
	}
}
