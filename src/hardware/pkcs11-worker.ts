// The PKCS#11 worker: the module's calls block (a CPS login takes hundreds of milliseconds), so
// they run on this thread and the render thread only awaits messages.
import {createRequire} from 'node:module';
import {parentPort} from 'node:worker_threads';
import {CpsPkcs11Session, returnCode, type Pkcs11Api} from './pkcs11-session.js';

/** A request from the main thread. */
export type WorkerRequest =
	| {id: number; op: 'open'; modulePath: string; tokenLabel?: string}
	| {id: number; op: 'pinStatus'}
	| {id: number; op: 'login'; pin: string}
	| {id: number; op: 'sign'; challenge: Uint8Array}
	| {id: number; op: 'logout'}
	| {id: number; op: 'finalize'};

/** The answer to request `id`. */
export type WorkerResponse = {id: number; ok: true; result: unknown} | {id: number; ok: false; message: string; code?: number};

type Pkcs11Module = {PKCS11: new () => Pkcs11Api & {load(path: string): void}};

let session: CpsPkcs11Session | null = null;

// Benchmarks only: makes every call block this thread as a slow card would (a CPS login takes
// hundreds of milliseconds; SoftHSM answers at once), to show the UI keeps rendering meanwhile.
const simulatedDelayMs = Number(process.env['MSSANTE_PKCS11_DELAY_MS'] ?? 0);
const blocker = new Int32Array(new SharedArrayBuffer(4));

function handle(request: WorkerRequest): unknown {
	if (simulatedDelayMs > 0) Atomics.wait(blocker, 0, 0, simulatedDelayMs);
	if (request.op === 'open') {
		const {PKCS11} = createRequire(import.meta.url)('pkcs11js') as Pkcs11Module;
		const module = new PKCS11();
		module.load(request.modulePath);
		session = new CpsPkcs11Session(module, request.tokenLabel);
		return null;
	}
	if (!session) throw new Error('Module PKCS#11 non chargé');
	switch (request.op) {
		case 'pinStatus':
			return session.pinStatus();
		case 'login':
			return session.login(request.pin);
		case 'sign':
			return session.sign(request.challenge);
		case 'logout':
			return session.close();
		case 'finalize':
			session.finalize();
			session = null;
			return null;
	}
}

parentPort?.on('message', (request: WorkerRequest) => {
	let response: WorkerResponse;
	try {
		response = {id: request.id, ok: true, result: handle(request)};
	} catch (error) {
		response = {id: request.id, ok: false, message: (error as Error).message, code: returnCode(error)};
	}
	parentPort?.postMessage(response);
});
