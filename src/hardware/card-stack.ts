import {existsSync} from 'node:fs';
import type {CpsToken} from './cps-token.js';
import {DemoCard} from './demo-card.js';
import {PcscReaderMonitor} from './pcsc-monitor.js';
import {CPS_MODULE_PATHS, ModuleLoadError, Pkcs11Token} from './pkcs11-token.js';
import type {ReaderMonitor} from './reader-monitor.js';

/** Why the demo card is used instead of the real stack. */
type DemoReason = 'forced' | 'pcscd-down' | 'module-missing';

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
	const monitor = new PcscReaderMonitor({module: {path: modulePath, loaded: false, problem: 'chargement…'}, preferredReader: options.preferredReader});
	if (options.mode === 'auto') {
		const reason = monitor.current().service === 'down' ? 'pcscd-down' : existsSync(modulePath) ? undefined : 'module-missing';
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
