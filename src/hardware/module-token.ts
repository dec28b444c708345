// The real stack's token: the PKCS#11 module loaded in its worker, its state reported to step 1's
// fourth check, or a token that says why it could not be loaded.
import {existsSync} from 'node:fs';
import type {CpsToken} from './cps-token.js';
import type {PcscReaderMonitor} from './pcsc-monitor.js';
import {ModuleLoadError, Pkcs11Token} from './pkcs11-token.js';

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

/** The module's token, and how to release it. */
export type ModuleToken = {token: CpsToken; close(): Promise<void>};

/** Loads the module at `modulePath` and tells `monitor` whether it loaded, and if not why. */
export async function openModuleToken(monitor: PcscReaderMonitor, modulePath: string, tokenLabel?: string): Promise<ModuleToken> {
	try {
		const pkcs11 = await Pkcs11Token.open({modulePath, tokenLabel});
		monitor.setModule({path: modulePath, loaded: true});
		return {token: pkcs11, close: () => pkcs11.close()};
	} catch (error) {
		const reason = error instanceof ModuleLoadError ? error.reason : (error as Error).message;
		monitor.setModule({path: modulePath, loaded: false, problem: existsSync(modulePath) ? {kind: 'error', message: reason} : {kind: 'missing'}});
		return {token: unavailableToken(`Module PKCS#11 ${modulePath} : ${reason}`), close: async () => undefined};
	}
}
