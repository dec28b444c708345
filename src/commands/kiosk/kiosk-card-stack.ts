import {openCardStack, type CardStack} from '../../hardware/card-stack.js';
import type {JsonStore} from '../../contract/storage/json-store.js';
import type {ReaderSnapshot} from '../../hardware/reader-monitor.js';
import type {Settings} from '../../services/settings.js';
import type {KioskArguments} from './kiosk-options.js';

/**
 * The card stack the kiosk runs on, as its command line and settings ask. A PKCS#11 module given
 * on the command line is remembered for the next start (SPEC §10: a kiosk setting) once it has
 * loaded — at start, or later when the default mode leaves the demo card — never a path that fails.
 */
export async function openKioskCardStack(args: KioskArguments, settingsStore: JsonStore<Settings>): Promise<CardStack> {
	const settings = settingsStore.db.data;
	const stack = await openCardStack({
		mode: args.cardMode,
		modulePath: args.pkcs11Module,
		settingsModulePath: settings.pkcs11Module,
		tokenLabel: args.tokenLabel,
		preferredReader: settings.reader,
		demoLatencyMs: 300,
	});
	if (!args.pkcs11Module) return stack;
	const remember = async ({module}: ReaderSnapshot) => {
		if (!module.loaded || module.path !== stack.modulePath || module.path === settings.pkcs11Module) return;
		settings.pkcs11Module = module.path;
		await settingsStore.db.write();
	};
	await remember(stack.monitor.current());
	stack.monitor.subscribe(snapshot => void remember(snapshot).catch(() => undefined));
	return stack;
}
