import {existsSync} from 'node:fs';
import {createRequire} from 'node:module';
import {AutoCardStack} from './auto-card-stack.js';
import type {CpsToken} from './cps-token.js';
import {DemoCard} from './demo-card.js';
import {openModuleToken} from './module-token.js';
import {PcscReaderMonitor} from './pcsc-monitor.js';
import {CPS_MODULE_PATHS} from './pkcs11-token.js';
import type {ReaderMonitor} from './reader-monitor.js';

/** Why the demo card is used instead of the real stack. */
export type DemoReason = 'forced' | 'pcscd-down' | 'module-missing' | NativeAddon;

/**
 * The native addons of the real stack. Optional dependencies: building pcsclite needs the PC/SC
 * headers (Debian libpcsclite-dev), which a laptop or a helpdesk desk may lack, and the kiosk must
 * still install and run there on the demo card.
 */
export type NativeAddon = 'pcsclite' | 'pkcs11js';

/** The real stack was asked for (`--no-demo`) and one of its native addons is not installed. */
export class NativeAddonMissing extends Error {
	constructor(
		readonly addon: NativeAddon,
		cause: unknown,
	) {
		super(`${addon} : ${(cause as Error).message}`);
		this.name = 'NativeAddonMissing';
	}
}

/** Whether pkcs11js is installed (it is loaded in the token's worker; resolving it here is enough: an optional dependency whose build failed is removed). */
function pkcs11jsInstalled(): boolean {
	try {
		createRequire(import.meta.url).resolve('pkcs11js');
		return true;
	} catch {
		return false;
	}
}

/** The reader monitor and token the kiosk runs on. */
export type CardStack = {
	monitor: ReaderMonitor;
	token: CpsToken;
	/** Set on the demo card (F2 inserts/removes it). */
	demoCard?: DemoCard;
	/** Set when the demo card replaced an unusable real stack, or was asked for. */
	demoReason?: DemoReason;
	/** The PKCS#11 module path in use (real stack). */
	modulePath: string;
	/** Default mode started on the demo card: calls `listener` once the real stack replaces it. */
	onRealStack?(listener: () => void): () => void;
	close(): Promise<void>;
};

/** Options of the card stack. */
export type CardStackOptions = {
	/** `auto`: real when pcscd answers and the module file exists, else the demo card until they do (see AutoCardStack). */
	mode: 'auto' | 'demo' | 'real';
	/** `--pkcs11-module`, then the settings' path, then the Cryptolib CPS default locations. */
	modulePath?: string;
	settingsModulePath: string;
	/** Token label to use (SoftHSM in tests); the first initialised token otherwise. */
	tokenLabel?: string;
	/** Reader read first when several hold a card (remembered in the settings). */
	preferredReader?: string | null;
	/** Delay of each demo-card call, so spinners are seen as with a real card. */
	demoLatencyMs?: number;
};

/** The module to load: the one asked for, else the first that exists among the known places. */
export function resolveModulePath(flag: string | undefined, fromSettings: string): string {
	if (flag) return flag;
	return [fromSettings, ...CPS_MODULE_PATHS].find(candidate => existsSync(candidate)) ?? fromSettings;
}

function demoStack(reason: DemoReason, modulePath: string, latencyMs?: number): CardStack {
	const card = new DemoCard({latencyMs});
	return {monitor: card, token: card, demoCard: card, demoReason: reason, modulePath, close: () => card.close()};
}

/** Chooses and opens the card stack (SPEC §6, issue 3 §4). */
export async function openCardStack(options: CardStackOptions): Promise<CardStack> {
	const modulePath = resolveModulePath(options.modulePath, options.settingsModulePath);
	if (options.mode === 'demo') return demoStack('forced', modulePath, options.demoLatencyMs);
	let monitor: PcscReaderMonitor;
	try {
		monitor = new PcscReaderMonitor({module: {path: modulePath, loaded: false, problem: {kind: 'loading'}}, preferredReader: options.preferredReader});
	} catch (error) {
		if (options.mode === 'real') throw new NativeAddonMissing('pcsclite', error);
		return demoStack('pcsclite', modulePath, options.demoLatencyMs);
	}
	if (options.mode === 'real' && !pkcs11jsInstalled()) {
		await monitor.close();
		throw new NativeAddonMissing('pkcs11js', new Error('introuvable'));
	}
	if (options.mode === 'auto') {
		// pkcs11js cannot appear while the kiosk runs; pcscd and the module can.
		if (!pkcs11jsInstalled()) {
			await monitor.close();
			return demoStack('pkcs11js', modulePath, options.demoLatencyMs);
		}
		const reason = monitor.current().service === 'down' ? 'pcscd-down' : !existsSync(modulePath) ? 'module-missing' : undefined;
		if (reason) return new AutoCardStack({real: monitor, demo: new DemoCard({latencyMs: options.demoLatencyMs}), demoReason: reason, modulePath, tokenLabel: options.tokenLabel});
	}
	const moduleToken = await openModuleToken(monitor, modulePath, options.tokenLabel);
	return {
		monitor,
		token: moduleToken.token,
		modulePath,
		close: async () => {
			await monitor.close();
			await moduleToken.close();
		},
	};
}
