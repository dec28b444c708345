import {openCardStack, type CardStack} from '../../hardware/card-stack.js';
import type {JsonStore} from '../../contract/storage/json-store.js';
import type {Settings} from '../../services/settings.js';
import type {KioskArguments} from './kiosk-options.js';

/**
 * The card stack the kiosk runs on, as its command line and settings ask. A PKCS#11 module given
 * on the command line that works is remembered for the next start (SPEC §10: a kiosk setting).
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
	if (args.pkcs11Module && !stack.demoCard && stack.modulePath !== settings.pkcs11Module) {
		settings.pkcs11Module = stack.modulePath;
		await settingsStore.db.write();
	}
	return stack;
}
