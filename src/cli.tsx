import {homedir} from 'node:os';
import path from 'node:path';
import {parseArgs} from 'node:util';
import chalk from 'chalk';
import {render} from 'ink';
import {App} from './app.js';
import {detectTheme} from './components/theme.js';
import {systemBrowser} from './hardware/browser.js';
import {DemoCard} from './hardware/demo-card.js';
import {catalogues, type Lang} from './i18n/index.js';
import {EmbeddedBackend} from './services/embedded-backend.js';
import {FileInUseError} from './services/file-lock.js';
import {CorruptStoreError} from './services/json-store.js';
import {openSettings} from './services/settings.js';
import {KeyByKeyStdin} from './terminal/key-by-key-stdin.js';

const ENTER_ALT_SCREEN = '\u001B[?1049h\u001B[H';
const LEAVE_ALT_SCREEN = '\u001B[?25h\u001B[?1049l';

/** `$MSSANTE_KIOSK_DATA`, else `$XDG_DATA_HOME/mssante-kiosk`, else `~/.local/share/mssante-kiosk`. */
export function defaultDataDir(env: NodeJS.ProcessEnv): string {
	if (env['MSSANTE_KIOSK_DATA']) return env['MSSANTE_KIOSK_DATA'];
	return path.join(env['XDG_DATA_HOME'] || path.join(homedir(), '.local', 'share'), 'mssante-kiosk');
}

function fail(message: string, code = 1): never {
	process.stderr.write(`${message}\n`);
	process.exit(code);
}

async function main(): Promise<void> {
	let args;
	try {
		args = parseArgs({
			options: {
				demo: {type: 'boolean'},
				'no-demo': {type: 'boolean'},
				kiosk: {type: 'boolean'},
				lang: {type: 'string'},
				'data-dir': {type: 'string'},
				help: {type: 'boolean', short: 'h'},
			},
			strict: true,
		}).values;
	} catch (error) {
		fail(`${(error as Error).message}\n${catalogues.fr.cli.usage}`, 2);
	}
	const langFlag = args.lang;
	if (langFlag !== undefined && langFlag !== 'fr' && langFlag !== 'en') fail(catalogues.fr.cli.usage, 2);
	if (args.help) {
		process.stdout.write(`${catalogues[(langFlag as Lang | undefined) ?? 'fr'].cli.usage}\n`);
		return;
	}
	if (!process.stdin.isTTY || !process.stdout.isTTY) fail(catalogues[(langFlag as Lang | undefined) ?? 'fr'].cli.notATerminal, 2);

	const dataDir = path.resolve(args['data-dir'] ?? defaultDataDir(process.env));
	let settingsStore;
	let backend;
	try {
		settingsStore = await openSettings(dataDir);
		backend = await EmbeddedBackend.open({dataDir});
	} catch (error) {
		settingsStore?.close();
		if (error instanceof FileInUseError || error instanceof CorruptStoreError) fail(catalogues.fr.cli.settingsInUse(error.message));
		throw error;
	}
	const settings = settingsStore.db.data;
	const lang: Lang = (langFlag as Lang | undefined) ?? settings.lang;
	const t = catalogues[lang];
	// Until the real card stack is wired (pcscd + PKCS#11), the kiosk runs on the demo card.
	const demoCard = new DemoCard({latencyMs: 300});
	const browser = systemBrowser();
	const startupNotice = settingsStore.notice ? t.notices['settings-corrupt'](settingsStore.notice.savedAs) : undefined;

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
		for (const step of [() => instance.unmount(), restoreTerminal, () => demoCard.close(), () => backend.close(), () => settingsStore.close()]) {
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
			monitor={demoCard}
			token={demoCard}
			demoCard={demoCard}
			backend={backend}
			browser={browser}
			lang={lang}
			theme={detectTheme(process.env, chalk.level)}
			settings={settings}
			kioskMode={Boolean(args.kiosk)}
			startupNotice={startupNotice}
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
}

await main();
