/**
 * `mssante-kiosk [options]`: the kiosk itself, full screen. Its settings are opened (one kiosk per
 * data directory), its card stack chosen, the first frame drawn, and only then the activation
 * service reached or started.
 */
import {catalogues} from '../../contract/i18n/index.js';
import {openSettings} from '../../services/settings.js';
import {enterTerminal} from '../../terminal/terminal-session.js';
import {CommandFailure, failureMessage, type CommandLine} from '../../contract/cli/command-line.js';
import {deferredBackend} from './kiosk-backend.js';
import {NativeAddonMissing} from '../../hardware/card-stack.js';
import {openKioskCardStack} from './kiosk-card-stack.js';
import {KIOSK_OPTIONS, kioskChoices, parseKioskArguments, type KioskArguments} from './kiosk-options.js';
import {renderKiosk} from './render-kiosk.js';

/** `mssante-kiosk` without a command, for the program's entry. */
export const kioskCommand = {
	options: KIOSK_OPTIONS,
	parse: parseKioskArguments,
	/** Starts the kiosk; resolves once it is on screen (it leaves the process itself, see terminal-session.ts). */
	async run(args: KioskArguments, cli: CommandLine): Promise<undefined> {
		if (!process.stdin.isTTY || !process.stdout.isTTY) throw new CommandFailure(catalogues[args.lang ?? 'fr'].cli.notATerminal, 2);
		const settingsStore = await openSettings(args.dataDir);
		const choices = kioskChoices(args, settingsStore.db.data, cli);
		const t = catalogues[choices.lang].cli;
		const stack = await openKioskCardStack(args, settingsStore).catch(async (error: unknown) => {
			if (!(error instanceof NativeAddonMissing)) throw error;
			await settingsStore.close();
			throw new CommandFailure(t.addonMissing(error.addon, error.message), 1);
		});
		const backend = deferredBackend({...choices, dataDir: args.dataDir, demoCard: Boolean(stack.demoCard)});
		const terminal = enterTerminal({close: [() => stack.close(), () => backend.close(), () => settingsStore.close()], internalError: t.internalError});
		const screen = renderKiosk({
			stack,
			backend: backend.client,
			lang: choices.lang,
			settingsStore,
			kioskMode: args.kioskMode,
			realCardsUntrusted: !choices.backendUrl && !choices.trustAnchorsFile,
			onExit: () => void terminal.shutdown(0),
		});
		terminal.guard(() => screen.unmount());
		stack.onRealStack?.(() => backend.useRealCards());
		// Now that the first frame is out, the activation service. If the embedded one cannot open
		// its store (another process holds it, or it is unreadable), the kiosk cannot work: say why.
		backend.start().catch((error: unknown) => terminal.failWith(failureMessage(error, t), 1));
		return undefined;
	},
};
