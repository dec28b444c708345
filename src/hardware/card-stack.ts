import {existsSync} from 'node:fs';
import {createRequire} from 'node:module';
import type {CpsToken} from './cps-token.js';
import {DemoCard} from './demo-card.js';
import {PcscReaderMonitor} from './pcsc-monitor.js';
import {CPS_MODULE_PATHS, ModuleLoadError, Pkcs11Token} from './pkcs11-token.js';
import type {ReaderMonitor} from './reader-monitor.js';

/** Why the demo card is used instead of the real stack. */
type DemoReason = 'forced' | 'pcscd-down' | 'module-missing' | NativeAddon;

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
	close(): Promise<void>;
};

/** Options of the card stack. */
export type CardStackOptions = {
	/** `auto`: real when pcscd answers and the module file exists, demo otherwise. */
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

/** A token whose module did not load: every login says why (step 1 shows the same reason). */
function unavailableToken(problem: string): CpsToken {
	return {
		pinStatus: async () => ({state: 'ok'}),
		login: async () => ({kind: 'error', message: problem}),
		sign: async () => {
			throw new Error(problem);
		},
		certificate: async () => {
			throw new Error(problem);
		},
		logout: async () => undefined,
	};
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
		monitor = new PcscReaderMonitor({module: {path: modulePath, loaded: false, problem: 'chargement…'}, preferredReader: options.preferredReader});
	} catch (error) {
		if (options.mode === 'real') throw new NativeAddonMissing('pcsclite', error);
		return demoStack('pcsclite', modulePath, options.demoLatencyMs);
	}
	if (options.mode === 'real' && !pkcs11jsInstalled()) {
		await monitor.close();
		throw new NativeAddonMissing('pkcs11js', new Error('introuvable'));
	}
	if (options.mode === 'auto') {
		const reason = monitor.current().service === 'down' ? 'pcscd-down' : !existsSync(modulePath) ? 'module-missing' : pkcs11jsInstalled() ? undefined : 'pkcs11js';
		if (reason) {
			await monitor.close();
			return demoStack(reason, modulePath, options.demoLatencyMs);
		}
	}
	let token: CpsToken;
	let close = () => monitor.close();
	try {
		const pkcs11 = await Pkcs11Token.open({modulePath, tokenLabel: options.tokenLabel});
		token = pkcs11;
		monitor.setModule({path: modulePath, loaded: true});
		close = async () => {
			await monitor.close();
			await pkcs11.close();
		};
	} catch (error) {
		const reason = error instanceof ModuleLoadError ? error.reason : (error as Error).message;
		monitor.setModule({path: modulePath, loaded: false, problem: reason});
		token = unavailableToken(`Module PKCS#11 ${modulePath} : ${reason}`);
	}
	return {monitor, token, modulePath, close};
}
