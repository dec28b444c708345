import {existsSync, readFileSync} from 'node:fs';
import {homedir} from 'node:os';
import path from 'node:path';
import {parseArgs} from 'node:util';
import chalk from 'chalk';
import {render} from 'ink';
import {App} from './app.js';
import {detectTheme} from './components/theme.js';
import {systemBrowser} from './hardware/browser.js';
import {openCardStack, resolveModulePath} from './hardware/card-stack.js';
import {catalogues, type Lang} from './contract/i18n/index.js';
import {loadTexts, readAsset} from './contract/storage/assets.js';
import {deferredApiClient} from './services/deferred-api-client.js';
import type {EmbeddedService} from './commands/kiosk/embedded-service.js';
import {NATIONAL_SIZE} from './contract/domain/directory.js';
import {FileInUseError} from './contract/storage/file-lock.js';
import {CorruptStoreError} from './contract/storage/json-store.js';
import {NATIONAL_DIRECTORY_FILE, openSettings, readSettings} from './services/settings.js';
import {KeyByKeyStdin} from './terminal/key-by-key-stdin.js';

const ENTER_ALT_SCREEN = '\u001B[?1049h\u001B[H';
const LEAVE_ALT_SCREEN = '\u001B[?25h\u001B[?1049l';

/** `$MSSANTE_KIOSK_DATA`, else `$XDG_DATA_HOME/mssante-kiosk`, else `~/.local/share/mssante-kiosk`. */
function defaultDataDir(env: NodeJS.ProcessEnv): string {
	if (env['MSSANTE_KIOSK_DATA']) return env['MSSANTE_KIOSK_DATA'];
	return path.join(env['XDG_DATA_HOME'] || path.join(homedir(), '.local', 'share'), 'mssante-kiosk');
}

/** The national extraction dropped in the data directory, if any. */
function nationalDirectoryFile(dataDir: string): string | undefined {
	const file = path.join(dataDir, NATIONAL_DIRECTORY_FILE);
	return existsSync(file) ? file : undefined;
}

function fail(message: string, code = 1): never {
	process.stderr.write(`${message}\n`);
	process.exit(code);
}

async function main(): Promise<void> {
	let args;
	let command: string | undefined;
	let positionals: string[] = [];
	try {
		const parsed = parseArgs({
			options: {
				demo: {type: 'boolean'},
				'no-demo': {type: 'boolean'},
				kiosk: {type: 'boolean'},
				lang: {type: 'string'},
				'data-dir': {type: 'string'},
				'pkcs11-module': {type: 'string'},
				'pkcs11-token-label': {type: 'string'},
				json: {type: 'boolean'},
				backend: {type: 'string'},
				'trust-anchors': {type: 'string'},
				'smtp-host': {type: 'string'},
				'smtp-port': {type: 'string'},
				'mail-from': {type: 'string'},
				'sms-gateway': {type: 'string'},
				port: {type: 'string'},
				host: {type: 'string'},
				directory: {type: 'string'},
				rows: {type: 'string'},
				seed: {type: 'string'},
				out: {type: 'string'},
				help: {type: 'boolean', short: 'h'},
			},
			strict: true,
			allowPositionals: true,
		});
		args = parsed.values;
		command = parsed.positionals[0];
		const known = command === undefined || (['doctor', 'serve'].includes(command) && parsed.positionals.length === 1) || (command === 'directory' && (parsed.positionals[1] === 'generate' ? parsed.positionals.length === 2 : parsed.positionals[1] === 'check' && parsed.positionals.length === 3));
		if (!known) throw new Error(`commande inconnue : ${parsed.positionals.join(' ')}`);
		positionals = parsed.positionals;
		for (const name of ['rows', 'seed'] as const) if (args[name] !== undefined && !/^\d{1,9}$/.test(args[name])) throw new Error(`--${name} : nombre entier attendu, pas « ${args[name]} »`);
		if (command === 'directory' && positionals[1] === 'generate' && !args.out) throw new Error('directory generate : --out FICHIER attendu');
		if (args.backend !== undefined && !/^https?:\/\/[^\s]+$/.test(args.backend)) throw new Error(`--backend : URL http(s) attendue, pas « ${args.backend} »`);
		if (args.port !== undefined && !(/^\d+$/.test(args.port) && Number(args.port) < 65_536)) throw new Error(`--port : numéro de port attendu, pas « ${args.port} »`);
		if (args.demo && args['no-demo']) throw new Error('--demo et --no-demo s’excluent');
	} catch (error) {
		fail(`${(error as Error).message}\n${catalogues.fr.cli.usage}`, 2);
	}
	const langFlag = args.lang;
	if (langFlag !== undefined && langFlag !== 'fr' && langFlag !== 'en') fail(catalogues.fr.cli.usage, 2);
	if (args.help) {
		process.stdout.write(`${catalogues[(langFlag as Lang | undefined) ?? 'fr'].cli.usage}\n`);
		return;
	}
	const dataDir = path.resolve(args['data-dir'] ?? defaultDataDir(process.env));
	if (command === 'doctor') {
		// Read-only: a helpdesk runs it over SSH while the kiosk holds the settings.
		const settings = readSettings(dataDir);
		const {doctor} = await import('./commands/doctor.js');
		process.exitCode = await doctor({
			modulePath: resolveModulePath(args['pkcs11-module'], settings.pkcs11Module),
			json: Boolean(args.json),
			lang: (langFlag as Lang | undefined) ?? settings.lang,
			stdout: process.stdout,
		});
		return;
	}
	if (command === 'directory') {
		const {directoryCommand} = await import('./server/commands/directory.js');
		const log = (line: string) => process.stdout.write(`${line}\n`);
		process.exitCode = await directoryCommand(
			positionals[1] === 'generate'
				? {action: 'generate', out: args.out ?? '', rows: args.rows === undefined ? undefined : Number(args.rows), seed: args.seed === undefined ? undefined : Number(args.seed), log}
				: {action: 'check', file: positionals[2] ?? '', json: Boolean(args.json), log},
		);
		return;
	}
	if (command === 'serve') {
		const {serve} = await import('./server/commands/serve.js');
		try {
			await serve({
				dataDir,
				port: Number(args.port ?? 8080),
				host: args.host ?? '127.0.0.1',
				trustAnchorsPem: args['trust-anchors'] ? readFileSync(args['trust-anchors'], 'utf8') : '',
				directoryFile: args.directory ?? nationalDirectoryFile(dataDir),
				// Secrets from the environment, never from the command line (visible in `ps`).
				smtp: args['smtp-host']
					? {host: args['smtp-host'], port: Number(args['smtp-port'] ?? 587), from: args['mail-from'] ?? 'ne-pas-repondre@mssante.fr', user: process.env['MSSANTE_SMTP_USER'], password: process.env['MSSANTE_SMTP_PASSWORD']}
					: undefined,
				smsGateway: args['sms-gateway'] ? {url: args['sms-gateway'], token: process.env['MSSANTE_SMS_TOKEN']} : undefined,
				log: line => process.stdout.write(`${line}\n`),
			});
		} catch (error) {
			const t = catalogues[(langFlag as Lang | undefined) ?? 'fr'].cli;
			if (error instanceof FileInUseError) fail(t.inUse(error.path, error.pid));
			if (error instanceof CorruptStoreError) fail(t.corrupt(error.path));
			throw error;
		}
		return;
	}
	if (!process.stdin.isTTY || !process.stdout.isTTY) fail(catalogues[(langFlag as Lang | undefined) ?? 'fr'].cli.notATerminal, 2);

	let settingsStore;
	try {
		settingsStore = await openSettings(dataDir);
	} catch (error) {
		const t = catalogues[(langFlag as Lang | undefined) ?? 'fr'].cli;
		if (error instanceof FileInUseError) fail(t.inUse(error.path, error.pid));
		throw error;
	}
	const settings = settingsStore.db.data;
	const lang: Lang = (langFlag as Lang | undefined) ?? settings.lang;
	const t = catalogues[lang];
	const stack = await openCardStack({
		mode: args.demo ? 'demo' : args['no-demo'] ? 'real' : 'auto',
		modulePath: args['pkcs11-module'],
		settingsModulePath: settings.pkcs11Module,
		tokenLabel: args['pkcs11-token-label'],
		preferredReader: settings.reader,
		demoLatencyMs: 300,
	});
	// The activation service is reached (or started, when embedded) after the first frame: its
	// HTTP server, schemas and store are not needed before the practitioner has typed a PIN.
	let embedded: EmbeddedService | undefined;
	const backendUrl = args.backend ?? settings.backendUrl;
	const anchorsFile = args['trust-anchors'] ?? settings.trustAnchors;
	const startBackend = async () => {
		const {createApiClient} = await import('./services/api-client.js');
		if (backendUrl) return createApiClient(backendUrl);
		const {startEmbeddedService} = await import('./commands/kiosk/embedded-service.js');
		// The same HTTP service, in this process, on loopback with an ephemeral port. It trusts the
		// demo CA only on the demo card; real cards need the configured authorities.
		const trustAnchorsPem = stack.demoCard ? readAsset('demo-pki/ca.pem') : anchorsFile ? readFileSync(anchorsFile, 'utf8') : '';
		// The national directory: the configured file, else the one dropped in the data directory,
		// else (demo card only) a generated national-size one, made in the directory's own thread.
		const directoryFile = args.directory ?? settings.directoryFile ?? nationalDirectoryFile(dataDir);
		const directory = directoryFile ? {kind: 'file' as const, path: directoryFile} : stack.demoCard ? {kind: 'generated' as const, rows: NATIONAL_SIZE} : null;
		embedded = await startEmbeddedService({dataDir, trustAnchorsPem, directory});
		return createApiClient(embedded.url);
	};
	let afterFirstFrame!: () => void;
	const backendReady = new Promise<void>(resolve => (afterFirstFrame = resolve)).then(startBackend);
	const backend = deferredApiClient(backendReady);
	if (args['pkcs11-module'] && !stack.demoCard && stack.modulePath !== settings.pkcs11Module) {
		// Remembered for the next start (SPEC §10: the module path is a kiosk setting).
		settings.pkcs11Module = stack.modulePath;
		await settingsStore.db.write();
	}
	const browser = systemBrowser();
	const startupNotice =
		[settingsStore.notice ? t.notices['settings-corrupt'](settingsStore.notice.savedAs) : undefined, stack.demoReason ? t.notices.demo(stack.demoReason, stack.modulePath) : undefined]
			.filter(Boolean)
			.join(' · ') || undefined;

	// Raw mode before the first frame: a key pressed meanwhile is neither echoed nor line-buffered.
	process.stdin.setRawMode(true);
	process.stdout.write(ENTER_ALT_SCREEN);
	let restored = false;
	const restoreTerminal = () => {
		if (restored) return;
		restored = true;
		process.stdin.setRawMode(false);
		process.stdout.write(LEAVE_ALT_SCREEN);
	};
	// Each step runs even if an earlier one fails (a vanished terminal makes every write throw).
	const release = async () => {
		for (const step of [() => instance.unmount(), restoreTerminal, () => stack.close(), () => embedded?.close(), () => settingsStore.close()]) {
			try {
				await step();
			} catch {
				// Keep releasing: the data files' locks matter more than the screen.
			}
		}
	};
	const shutdown = async (code: number) => {
		await release();
		process.exit(code);
	};
	// On a signal, clean up then die of that same signal, as Unix programs do. Exiting normally
	// after SIGHUP would make Node restore a terminal that is gone, and abort.
	const dieOf = async (signal: NodeJS.Signals) => {
		await release();
		process.removeAllListeners(signal);
		process.kill(process.pid, signal);
	};

	const instance = render(
		<App
			monitor={stack.monitor}
			token={stack.token}
			demoCard={stack.demoCard}
			backend={backend}
			browser={browser}
			lang={lang}
			theme={detectTheme(process.env, chalk.level)}
			settings={settings}
			texts={loadTexts(lang)}
			kioskMode={Boolean(args.kiosk)}
			startupNotice={startupNotice}
			rememberReader={name => {
				settings.reader = name;
				void settingsStore.db.write().catch(() => undefined);
			}}
			onExit={() => void shutdown(0)}
		/>,
		{stdin: new KeyByKeyStdin(process.stdin) as unknown as NodeJS.ReadStream, exitOnCtrlC: false, patchConsole: true},
	);
	for (const signal of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) process.once(signal, () => void dieOf(signal));
	// The terminal went away (SSH link cut, window closed): reading it fails with EIO, or input
	// ends and nothing is left to run. Leave as on a hang-up: a normal exit would make Node 20
	// restore the vanished terminal's settings and abort (node::ResetStdio assertion).
	process.stdin.on('error', () => void dieOf('SIGHUP'));
	process.once('beforeExit', () => void dieOf('SIGHUP'));
	process.on('uncaughtException', error => {
		if (['EIO', 'EPIPE'].includes((error as NodeJS.ErrnoException).code ?? '')) {
			void dieOf('SIGHUP');
			return;
		}
		void release().then(() => {
			process.stderr.write(`mssante-kiosk : erreur interne (${error.message})\n`);
			process.exit(70);
		});
	});
	process.on('exit', restoreTerminal);

	// Now that the first frame is out, the activation service. If the embedded one cannot open
	// its store (another process holds it, or it is unreadable), the kiosk cannot work: say why.
	afterFirstFrame();
	backendReady.catch(async (error: unknown) => {
		await release();
		const texts = catalogues[lang].cli;
		const message =
			error instanceof FileInUseError ? texts.inUse(error.path, error.pid) : error instanceof CorruptStoreError ? texts.corrupt(error.path) : `mssante-kiosk : ${(error as Error).message}`;
		process.stderr.write(`${message}\n`);
		process.exit(1);
	});
}

// Files created by the kiosk (settings, accounts, outbox) are for its own user only.
process.umask(0o077);
try {
	await main();
} catch (error) {
	// Never a stack trace on a practitioner's screen: one line, and a code for scripts.
	fail(`mssante-kiosk : ${(error as Error).message}`, 70);
}
