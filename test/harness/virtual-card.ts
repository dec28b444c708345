import {Socket} from 'node:net';

/** TCP port of vpcd's first reader, "Virtual PCD 00 00" (the second, "… 00 01", is 35964). */
const VPCD_PORT = 35963;

/** vpcd's one-byte control payloads. */
const CONTROL = {powerOff: 0x00, powerOn: 0x01, reset: 0x02, getAtr: 0x04} as const;

/** Parses a hex string such as "3B AC 00 40" (spaces, colons allowed) into bytes. */
function hexBytes(hex: string): Buffer {
	const compact = hex.replace(/[\s:]/g, '');
	if (!/^(?:[0-9a-f]{2})+$/i.test(compact)) throw new Error(`not a hex byte string: "${hex}"`);
	return Buffer.from(compact, 'hex');
}

/** Options of a virtual card. `respond` answers APDUs; the default answers `90 00` to all. */
export type VirtualCardOptions = {
	atr: string;
	port?: number;
	host?: string;
	respond?: (apdu: Uint8Array) => Uint8Array;
};

/**
 * A smart card for vsmartcard's vpcd reader driver inside pcscd: the card is "in" the reader
 * while this object holds a TCP connection to the reader's port, and "out" once it closes.
 * Frames both ways are a 2-byte big-endian length then the payload; a 1-byte payload from
 * vpcd is a control (power off/on, reset, get ATR — only get ATR is answered), anything longer
 * is an APDU. TCP may split or merge frames, so input is buffered until a frame is whole.
 */
export class VirtualCard {
	readonly atr: Buffer;
	readonly port: number;
	readonly host: string;
	/** APDUs received since the card was constructed, oldest first. */
	readonly apdus: Buffer[] = [];
	/** The last socket error after connection (vpcd reset the link, pcscd stopped…), if any. */
	lastError: Error | undefined;

	readonly #respond: (apdu: Uint8Array) => Uint8Array;
	#socket: Socket | undefined;
	#closed: Promise<void> = Promise.resolve();
	#pending: Buffer = Buffer.alloc(0);

	constructor(options: VirtualCardOptions) {
		this.atr = hexBytes(options.atr);
		this.port = options.port ?? VPCD_PORT;
		this.host = options.host ?? '127.0.0.1';
		this.#respond = options.respond ?? (() => Uint8Array.of(0x90, 0x00));
	}

	/** True while the connection to vpcd is open, i.e. while pcscd sees a card in the reader. */
	get inserted(): boolean {
		return this.#socket !== undefined;
	}

	/**
	 * Inserts the card: connects to vpcd and resolves once connected. Rejects when nothing
	 * listens on the port (pcscd down, or no vpcd reader configured for it).
	 */
	insert(): Promise<void> {
		if (this.#socket) return Promise.resolve();
		const socket = new Socket();
		this.#socket = socket;
		this.#pending = Buffer.alloc(0);
		this.lastError = undefined;
		socket.setNoDelay(true);
		this.#closed = new Promise(resolve => {
			socket.once('close', () => {
				// A later insert() may already own a new socket; only forget our own.
				if (this.#socket === socket) this.#socket = undefined;
				resolve();
			});
		});
		return new Promise((resolve, reject) => {
			const onConnectError = (error: Error): void => {
				this.#socket = undefined;
				socket.destroy();
				reject(new Error(`virtual card: cannot connect to vpcd at ${this.host}:${this.port}: ${error.message}`));
			};
			socket.once('error', onConnectError);
			socket.once('connect', () => {
				socket.off('error', onConnectError);
				// Errors after connection (ECONNRESET when pcscd stops) just mean "removed";
				// a listener must stay attached or Node would throw them.
				socket.on('error', error => {
					this.lastError = error;
				});
				resolve();
			});
			socket.on('data', (chunk: Buffer) => this.#receive(socket, chunk));
			socket.connect(this.port, this.host);
		});
	}

	/** Removes the card: closes the connection and resolves once it is closed. */
	async remove(): Promise<void> {
		const socket = this.#socket;
		if (!socket) return this.#closed;
		// destroy() rather than end(): vpcd sees the card leave at once, without waiting for
		// its side of a graceful close.
		socket.destroy();
		await this.#closed;
	}

	/** Buffers incoming bytes and handles every complete frame. */
	#receive(socket: Socket, chunk: Buffer): void {
		this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
		while (this.#pending.length >= 2) {
			const length = this.#pending.readUInt16BE(0);
			if (this.#pending.length < 2 + length) break;
			const payload = this.#pending.subarray(2, 2 + length);
			this.#pending = this.#pending.subarray(2 + length);
			this.#handle(socket, payload);
		}
	}

	/** Answers one frame: ATR for "get ATR", nothing for power controls, `respond` for APDUs. */
	#handle(socket: Socket, payload: Buffer): void {
		if (payload.length === 1) {
			if (payload[0] === CONTROL.getAtr) this.#send(socket, this.atr);
			// Power off/on and reset need no answer; the card has no state to reset.
			return;
		}
		if (payload.length === 0) return;
		this.apdus.push(Buffer.from(payload));
		this.#send(socket, this.#respond(payload));
	}

	/** Writes one frame, unless the socket is closing (never write after end). */
	#send(socket: Socket, payload: Uint8Array): void {
		if (socket.destroyed || socket.writableEnded || !socket.writable) return;
		const frame = Buffer.alloc(2 + payload.length);
		frame.writeUInt16BE(payload.length, 0);
		frame.set(payload, 2);
		socket.write(frame);
	}
}
