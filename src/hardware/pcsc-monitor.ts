import {createRequire} from 'node:module';
import type {EventEmitter} from 'node:events';
import {cpsKindOf, normaliseAtr} from './atr.js';
import type {ReaderMonitor, ReaderSnapshot} from './reader-monitor.js';

// Lower 16 bits of a reader state; the upper 16 count events (never compare whole values).
const SCARD_STATE_PRESENT = 0x20;
const SCARD_STATE_MUTE = 0x200;
// A reader's status call failing with these (RPC transport error, no service, service stopped)
// means pcscd went away: seen by a reader before the instance reports it.
const SERVICE_GONE = /\(0x8010001[3de]\)/i;

// The parts of pcsclite's objects used here (its typings do not export them).
type CardReader = EventEmitter & {
	name: string;
	on(event: 'status', listener: (status: {state: number; atr?: Buffer}) => void): CardReader;
	on(event: 'end', listener: () => void): CardReader;
	on(event: 'error', listener: (error: Error) => void): CardReader;
};
type PCSCLite = EventEmitter & {on(event: 'reader', listener: (reader: CardReader) => void): PCSCLite; on(event: 'error', listener: () => void): PCSCLite; close(): void};
type PcscFactory = () => PCSCLite;

/** Options of the pcscd monitor. */
export type PcscMonitorOptions = {
	/** The PKCS#11 module's state, shown by step 1's fourth check. */
	module: ReaderSnapshot['module'];
	/** Delay between attempts to reach pcscd while it is down (default 500 ms). */
	retryMs?: number;
	/** Reader whose card is read first when several hold one (from the settings). */
	preferredReader?: string | null;
};

/**
 * Readers and cards through pcscd (`pcsclite`), event-driven while pcscd is up. pcsclite throws
 * at once when pcscd is down, and an instance never recovers from a pcscd restart: on any error
 * the instance is closed, the service reported down, and a new one is tried every `retryMs`
 * until pcscd answers again. That retry is the only timer, and only while pcscd is down.
 */
export class PcscReaderMonitor implements ReaderMonitor {
	private snapshot: ReaderSnapshot;
	private readonly listeners = new Set<(snapshot: ReaderSnapshot) => void>();
	private pcsc: PCSCLite | null = null;
	private readonly cards = new Map<string, ReaderSnapshot['card']>();
	private retry: NodeJS.Timeout | undefined;
	private closed = false;
	private readonly retryMs: number;
	private readonly factory: PcscFactory;
	private preferred: string | null;

	constructor(options: PcscMonitorOptions) {
		this.retryMs = options.retryMs ?? 500;
		this.preferred = options.preferredReader ?? null;
		// A native addon: loaded at run time, never bundled.
		this.factory = createRequire(import.meta.url)('pcsclite') as PcscFactory;
		this.snapshot = {service: 'down', readers: [], card: null, module: options.module};
		this.connect();
	}

	current(): ReaderSnapshot {
		return this.snapshot;
	}

	subscribe(listener: (snapshot: ReaderSnapshot) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	preferReader(name: string | null): void {
		this.preferred = name;
		if (this.pcsc) this.refresh();
	}

	/** Reports a change of the PKCS#11 module's state (loaded, or why not). */
	setModule(module: ReaderSnapshot['module']): void {
		this.publish({...this.snapshot, module});
	}

	async close(): Promise<void> {
		this.closed = true;
		clearTimeout(this.retry);
		this.dropInstance();
		this.listeners.clear();
	}

	private connect(): void {
		if (this.closed) return;
		let pcsc: PCSCLite;
		try {
			pcsc = this.factory();
		} catch {
			this.serviceDown();
			return;
		}
		this.pcsc = pcsc;
		pcsc.on('error', () => {
			// "Command cancelled" when closed on purpose; otherwise pcscd stopped or restarted.
			if (this.pcsc !== pcsc) return;
			this.serviceDown();
		});
		pcsc.on('reader', reader => this.watch(pcsc, reader));
		this.publish({...this.snapshot, service: 'up'});
	}

	private watch(pcsc: PCSCLite, reader: CardReader): void {
		const name = reader.name;
		this.cards.set(name, null);
		this.refresh();
		reader.on('error', error => {
			if (this.pcsc !== pcsc) return;
			// pcscd stopping is not a reader unplugged: the session's end must say which.
			if (SERVICE_GONE.test(error?.message ?? '')) this.serviceDown();
			// Otherwise the reader is unusable, as if unplugged.
			else this.forget(name);
		});
		reader.on('end', () => {
			if (this.pcsc === pcsc) this.forget(name);
		});
		reader.on('status', status => {
			if (this.pcsc !== pcsc) return;
			const state = status.state & 0xffff;
			const present = (state & SCARD_STATE_PRESENT) !== 0 && (state & SCARD_STATE_MUTE) === 0 && status.atr !== undefined && status.atr.length > 0;
			const atr = present ? normaliseAtr((status.atr as Buffer).toString('hex')) : '';
			this.cards.set(name, present ? {reader: name, atr, cpsKind: cpsKindOf(atr)} : null);
			this.refresh();
		});
	}

	private forget(name: string): void {
		this.cards.delete(name);
		this.refresh();
	}

	/** The card shown: the preferred reader's, else a CPS, else any card, in pcscd's reader order. */
	private refresh(): void {
		const cards = [...this.cards.values()].filter(card => card !== null);
		const card = cards.find(candidate => candidate?.reader === this.preferred) ?? cards.find(candidate => candidate?.cpsKind) ?? cards[0] ?? null;
		this.publish({...this.snapshot, service: 'up', readers: [...this.cards.keys()], card});
	}

	private serviceDown(): void {
		this.dropInstance();
		this.publish({...this.snapshot, service: 'down', readers: [], card: null});
		clearTimeout(this.retry);
		if (!this.closed) this.retry = setTimeout(() => this.connect(), this.retryMs);
	}

	private dropInstance(): void {
		const pcsc = this.pcsc;
		this.pcsc = null;
		this.cards.clear();
		if (!pcsc) return;
		try {
			pcsc.close();
		} catch {
			// Already torn down by pcscd going away.
		}
	}

	private publish(snapshot: ReaderSnapshot): void {
		// Retries while pcscd is down repeat the same state: only changes reach the screen.
		if (JSON.stringify(snapshot) === JSON.stringify(this.snapshot)) return;
		this.snapshot = snapshot;
		for (const listener of this.listeners) listener(snapshot);
	}
}
