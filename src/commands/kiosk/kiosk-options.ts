/** The kiosk's command line (`mssante-kiosk [options]`) and how it combines with the settings. */
import path from 'node:path';
import {parseArgs} from 'node:util';
import {catalogues, type Lang} from '../../contract/i18n/index.js';
import type {CardStackOptions} from '../../hardware/card-stack.js';
import type {Settings} from '../../services/settings.js';
import type {CommandLine} from '../../contract/cli/command-line.js';

/** The kiosk's options. */
export const KIOSK_OPTIONS = {
	/** The demo card, whatever the workstation has. */
	demo: {type: 'boolean'},
	/** The real card stack, even when it is unusable (step 1 then shows what is missing). */
	'no-demo': {type: 'boolean'},
	/** Ctrl+C does not quit; Ctrl+Q does, with the administrator's code (`mssante-kiosk admin-code`). */
	kiosk: {type: 'boolean'},
	'data-dir': {type: 'string'},
	/** The CPS PKCS#11 module, remembered in the settings. */
	'pkcs11-module': {type: 'string'},
	/** A token other than the first one (SoftHSM in tests). */
	'pkcs11-token-label': {type: 'string'},
	/** A remote activation service instead of the embedded one. */
	backend: {type: 'string'},
	/** PEM file of the authorities the embedded service trusts for real cards. */
	'trust-anchors': {type: 'string'},
	/** The national directory's extraction for the embedded service. */
	directory: {type: 'string'},
} as const;

/** What the kiosk was asked for on its command line. */
export type KioskArguments = {
	/** `--lang`; the settings' language otherwise. */
	lang?: Lang;
	dataDir: string;
	cardMode: CardStackOptions['mode'];
	kioskMode: boolean;
	pkcs11Module?: string;
	tokenLabel?: string;
	backendUrl?: string;
	trustAnchorsFile?: string;
	directoryFile?: string;
};

/** Reads the kiosk's arguments; throws a clear message when they are wrong. */
export function parseKioskArguments(args: string[], cli: CommandLine): KioskArguments {
	const t = catalogues[cli.lang ?? 'fr'].cli;
	const {values, positionals} = parseArgs({args, options: KIOSK_OPTIONS, strict: true, allowPositionals: true});
	// A word that is not a command (`doctor`, `serve`, `directory` come first: see the usage).
	if (positionals.length > 0) throw new Error(t.unknownCommand(positionals.join(' ')));
	if (values.demo && values['no-demo']) throw new Error(t.demoExclusive);
	if (values.backend !== undefined && !/^https?:\/\/[^\s]+$/.test(values.backend)) throw new Error(t.urlExpected('--backend', values.backend));
	return {
		lang: cli.lang,
		dataDir: path.resolve(values['data-dir'] ?? cli.defaultDataDir),
		cardMode: values.demo ? 'demo' : values['no-demo'] ? 'real' : 'auto',
		kioskMode: values.kiosk ?? false,
		pkcs11Module: values['pkcs11-module'],
		tokenLabel: values['pkcs11-token-label'],
		backendUrl: values.backend,
		trustAnchorsFile: values['trust-anchors'],
		directoryFile: values.directory,
	};
}

/** The kiosk's choices for this run: the command line's, else the settings'. */
export type KioskChoices = {
	lang: Lang;
	/** A remote activation service; none: the embedded one. */
	backendUrl?: string;
	/** Authorities the embedded service trusts for real cards. */
	trustAnchorsFile?: string;
	/** The national directory for the embedded service, looked for when it starts. */
	directoryFile: () => string | undefined;
};

/** Combines the command line with the settings, the command line first. */
export function kioskChoices(args: KioskArguments, settings: Settings, cli: CommandLine): KioskChoices {
	return {
		lang: args.lang ?? settings.lang,
		backendUrl: args.backendUrl ?? settings.backendUrl ?? undefined,
		trustAnchorsFile: args.trustAnchorsFile ?? settings.trustAnchors ?? undefined,
		// Else the file dropped in the data directory (see the embedded service for the demo card).
		directoryFile: () => args.directoryFile ?? settings.directoryFile ?? cli.droppedDirectoryFile(args.dataDir),
	};
}
