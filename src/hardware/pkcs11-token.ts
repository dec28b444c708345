import {existsSync} from 'node:fs';
import {Worker} from 'node:worker_threads';
import {workerFile} from '../contract/storage/worker-file.js';
import type {CpsToken, LoginResult, PinStatus} from './cps-token.js';
import type {SessionLoginResult} from './pkcs11-session.js';
import type {WorkerRequest, WorkerResponse} from './pkcs11-worker.js';

/** Default locations of the Cryptolib CPS module on Linux (SPEC §6). */
export const CPS_MODULE_PATHS = ['/opt/santesocial/CPS/lib/libcps3_pkcs11_lux.so', '/usr/lib64/libcps3_pkcs11_lux.so'];

/** The module could not be loaded: the message says why, for step 1 and `doctor`. */
export class ModuleLoadError extends Error {
	constructor(
		readonly modulePath: string,
		/** Why, without the path: "fichier introuvable", the module's own error… */
		readonly reason: string,
	) {
		super(`Module PKCS#11 ${modulePath} : ${reason}`);
		this.name = 'ModuleLoadError';
	}
}

type RequestBody = WorkerRequest extends infer R ? (R extends {id: number} ? Omit<R, 'id'> : never) : never;

/** Options of the PKCS#11 token. */
export type Pkcs11TokenOptions = {
	/** Path of the PKCS#11 module (the Cryptolib CPS, or SoftHSM in tests). */
	modulePath: string;
	/**
	 * Label of the token to use; the first initialised token when absent. (The module reads
	 * its own configuration, e.g. SOFTHSM2_CONF, from the process environment: a worker's `env`
	 * option would not reach it.)
	 */
	tokenLabel?: string;
};

/**
 * The CPS token through pkcs11js, every call in a worker thread: the UI keeps rendering (badge,
 * spinner, countdown) while the module blocks.
 */
export class Pkcs11Token implements CpsToken {
	private nextId = 1;
	private authenticationCertificate: Uint8Array | null = null;
	private readonly pending = new Map<number, {resolve: (value: unknown) => void; reject: (error: Error) => void}>();

	private constructor(private readonly worker: Worker) {
		worker.on('message', (response: WorkerResponse) => {
			const waiting = this.pending.get(response.id);
			this.pending.delete(response.id);
			if (!waiting) return;
			if (response.ok) waiting.resolve(response.result);
			else waiting.reject(Object.assign(new Error(response.message), {code: response.code}));
		});
		worker.on('error', error => this.failAll(error));
		worker.on('exit', () => this.failAll(new Error('Le processus de lecture de la carte s’est arrêté')));
		// The worker must not keep the kiosk alive on its own.
		worker.unref();
	}

	/** Starts the worker and loads the module; rejects with ModuleLoadError when it cannot. */
	static async open(options: Pkcs11TokenOptions): Promise<Pkcs11Token> {
		if (!existsSync(options.modulePath)) throw new ModuleLoadError(options.modulePath, 'fichier introuvable');
		const token = new Pkcs11Token(new Worker(workerFile('pkcs11-worker.js', import.meta.url)));
		try {
			await token.call({op: 'open', modulePath: options.modulePath, tokenLabel: options.tokenLabel});
		} catch (error) {
			await token.close();
			throw new ModuleLoadError(options.modulePath, (error as Error).message);
		}
		return token;
	}

	async pinStatus(): Promise<PinStatus> {
		return ((await this.call({op: 'pinStatus'})) as PinStatus | null) ?? {state: 'ok'};
	}

	async login(pin: string): Promise<LoginResult> {
		const result = (await this.call({op: 'login', pin})) as SessionLoginResult;
		if (result.kind !== 'ok') return result;
		this.authenticationCertificate = result.certificate;
		try {
			// The X.509 library is loaded on the first login, off the start-up path.
			const {identityFromCertificate} = await import('../contract/certificate/cps-certificate.js');
			return {kind: 'ok', identity: identityFromCertificate(result.certificate)};
		} catch (error) {
			return {kind: 'error', message: `certificat de la carte illisible (${(error as Error).message})`};
		}
	}

	async sign(challenge: Uint8Array): Promise<Uint8Array> {
		return (await this.call({op: 'sign', challenge})) as Uint8Array;
	}

	async certificate(): Promise<Uint8Array> {
		if (!this.authenticationCertificate) throw new Error('Carte non authentifiée');
		return this.authenticationCertificate;
	}

	async logout(): Promise<void> {
		this.authenticationCertificate = null;
		await this.call({op: 'logout'});
	}

	/** Finalises the module and stops the worker. */
	async close(): Promise<void> {
		await this.call({op: 'finalize'}).catch(() => undefined);
		await this.worker.terminate();
	}

	private call(request: RequestBody): Promise<unknown> {
		const id = this.nextId++;
		return new Promise((resolve, reject) => {
			this.pending.set(id, {resolve, reject});
			this.worker.postMessage({...request, id});
		});
	}

	private failAll(error: Error): void {
		for (const waiting of this.pending.values()) waiting.reject(error);
		this.pending.clear();
	}
}
