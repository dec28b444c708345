import {Worker} from 'node:worker_threads';
import {workerFile} from '../../contract/storage/worker-file.js';
import type {DirectoryPage, DirectoryQuery, DirectoryState} from '../../contract/domain/directory.js';
import {DirectoryIndexBuilder, type AccountEntry, type DirectoryIndex, type Viewer} from './directory-index.js';
import type {ImportReport} from './import-report.js';
import type {DirectorySource, WorkerMessage, WorkerRequest} from './directory-worker.js';

export type {DirectorySource} from './directory-worker.js';

/** Options of the directory service. */
export type DirectoryServiceOptions = {
	/** The national file, or the generated one; null: only the accounts activated here. */
	source: DirectorySource | null;
	/** Told once the file is read: how many lines were refused, and which. */
	onLoaded?: (report: ImportReport, buildMs: number) => void;
	onFailed?: (error: string) => void;
};

/** The national file cannot tell yet whose an address is: it is still being read, or could not be. */
export class DirectoryNotReady extends Error {
	constructor(
		readonly phase: 'loading' | 'failed',
		/** Share of the file read (loading). */
		readonly progress: number,
	) {
		super(phase === 'failed' ? 'annuaire national illisible' : 'annuaire national en cours de chargement');
		this.name = 'DirectoryNotReady';
	}
}

/**
 * The directory as the activation service uses it. The national file is read and indexed in a
 * worker thread, on the first search (or `load()`); until it is ready, searches are answered at
 * once from the accounts activated here, with the loading state, so no request ever waits for it.
 */
export class DirectoryService {
	private worker: Worker | null = null;
	private nextId = 1;
	private readonly pending = new Map<number, {resolve: (answer: never) => void; reject: (error: Error) => void}>();
	// Those waiting for the file to be read (owners): told when it is, or when it fails.
	private readonly waiting = new Set<() => void>();
	// The accounts alone, in this thread: what searches see while the file loads.
	private readonly accountsOnly: DirectoryIndex = new DirectoryIndexBuilder().build();
	private current: DirectoryState;

	constructor(private readonly options: DirectoryServiceOptions) {
		this.current = {phase: options.source ? 'idle' : 'none', progress: 0, entries: 0, professions: []};
	}

	/** Where the directory stands. */
	get state(): DirectoryState {
		return this.current.phase === 'ready' ? this.current : {...this.current, entries: this.accountsOnly.entries};
	}

	/** Starts reading the national file, if not already done. */
	load(): void {
		if (this.current.phase !== 'idle' || !this.options.source) return;
		this.current = {...this.current, phase: 'loading'};
		let worker: Worker;
		try {
			worker = new Worker(workerFile('directory-worker.js', import.meta.url));
		} catch (error) {
			this.fail((error as Error).message);
			return;
		}
		this.worker = worker;
		worker.on('message', (message: WorkerMessage) => this.receive(message));
		worker.on('error', error => this.fail(error.message));
		worker.on('exit', () => {
			if (this.worker === worker) this.fail('le processus de l’annuaire s’est arrêté');
		});
		// The directory must not keep the process alive on its own.
		worker.unref();
		this.post({op: 'load', source: this.options.source});
		for (const account of this.accountsOnly.accounts()) this.post({op: 'upsert', account});
	}

	/** Adds or replaces an account activated here: searchable at once. */
	upsert(account: AccountEntry): void {
		this.accountsOnly.upsertAccount(account);
		if (this.worker) this.post({op: 'upsert', account});
	}

	async search(query: DirectoryQuery, viewer: Viewer): Promise<DirectoryPage> {
		this.load();
		if (this.current.phase !== 'ready' || !this.worker) return {...this.accountsOnly.search(query, viewer), state: this.state};
		const id = this.nextId++;
		const page = await new Promise<Omit<DirectoryPage, 'state'>>((resolve, reject) => {
			this.pending.set(id, {resolve, reject});
			this.post({op: 'search', id, query, viewer});
		});
		return {...page, state: this.state};
	}

	/**
	 * Whose each address is in the national file (DirectoryIndex.owners): the holder's national
	 * identifier, '' for a structure's mailbox, null when the file does not have it; null for all
	 * when there is no national file. Starts reading the file if needed and waits for it at most
	 * `waitMs`: throws DirectoryNotReady when it is still loading then, or could not be read.
	 */
	async owners(addresses: string[], waitMs: number): Promise<Array<string | null> | null> {
		if (!this.options.source) return null;
		this.load();
		if (this.current.phase === 'loading') await this.readyWithin(waitMs);
		const phase = this.current.phase;
		if (phase !== 'ready' || !this.worker) throw new DirectoryNotReady(phase === 'failed' ? 'failed' : 'loading', this.current.progress);
		const id = this.nextId++;
		return new Promise<Array<string | null>>((resolve, reject) => {
			this.pending.set(id, {resolve, reject});
			this.post({op: 'owners', id, addresses});
		});
	}

	/** Resolves once the file is read or failed, or after `waitMs`. */
	private readyWithin(waitMs: number): Promise<void> {
		return new Promise(resolve => {
			const done = () => {
				clearTimeout(timer);
				this.waiting.delete(done);
				resolve();
			};
			const timer = setTimeout(done, waitMs);
			this.waiting.add(done);
		});
	}

	private wakeWaiting(): void {
		for (const done of [...this.waiting]) done();
	}

	async close(): Promise<void> {
		const worker = this.worker;
		this.worker = null;
		this.wakeWaiting();
		this.failPending(new Error('annuaire fermé'));
		await worker?.terminate();
	}

	private post(request: WorkerRequest): void {
		this.worker?.postMessage(request);
	}

	private receive(message: WorkerMessage): void {
		switch (message.op) {
			case 'progress':
				this.current = {...this.current, progress: message.progress};
				return;
			case 'ready':
				this.current = {phase: 'ready', progress: 1, entries: message.entries, professions: message.professions};
				this.options.onLoaded?.(message.report, message.buildMs);
				this.wakeWaiting();
				return;
			case 'failed':
				this.fail(message.error);
				return;
			case 'entries':
				this.current = {...this.current, entries: message.entries};
				return;
			case 'result':
				this.pending.get(message.id)?.resolve(message.page as never);
				this.pending.delete(message.id);
				return;
			case 'owners':
				this.pending.get(message.id)?.resolve(message.owners as never);
				this.pending.delete(message.id);
				return;
			case 'search-failed':
				this.pending.get(message.id)?.reject(new Error(message.error));
				this.pending.delete(message.id);
				return;
		}
	}

	private fail(error: string): void {
		const worker = this.worker;
		this.worker = null;
		// The state is answered to anyone (`/v1/directory/status`): it names the file, never where the
		// server keeps it; the operator is told the full reason (`onFailed`, the service's log).
		this.current = {phase: 'failed', progress: 0, entries: 0, professions: [], error: withoutPaths(error)};
		this.failPending(new Error(withoutPaths(error)));
		this.wakeWaiting();
		this.options.onFailed?.(error);
		void worker?.terminate();
	}

	private failPending(error: Error): void {
		for (const waiting of this.pending.values()) waiting.reject(error);
		this.pending.clear();
	}
}

/** `text` with each file path reduced to its last part: `open '/srv/annuaire/extraction.txt'` → `open 'extraction.txt'`. */
function withoutPaths(text: string): string {
	return text.replace(/(?<=^|[\s'"`(<=])(?:[A-Za-z]:|\.{1,2}|~)?[\\/](?:[^\s'"`()<>,;\\/]*[\\/])*([^\s'"`()<>,;\\/]*)/g, (_path, file: string) => file || '…');
}
