// The directory's own thread: reads the national file, builds the index and answers searches,
// so that neither the kiosk's rendering nor the service's other requests wait for it. A large
// file is read in two halves at once (two-halves.ts): the second by a helper thread running this
// same file.
import {parentPort, workerData} from 'node:worker_threads';
import {fileURLToPath} from 'node:url';
import type {DirectoryEntry, DirectoryQuery} from '../../contract/domain/directory.js';
import {DirectoryIndexBuilder, type AccountEntry, type DirectoryIndex, type Viewer} from './directory-index.js';
import {importExtraction} from './extraction-reader.js';
import {generateExtraction} from './generator.js';
import type {ImportReport} from './import-report.js';
import {batched} from './line-batches.js';
import {importFile, readHalf, type HalfRequest} from './two-halves.js';

/** Where the national directory comes from. */
export type DirectorySource = {kind: 'file'; path: string} | {kind: 'generated'; rows: number; seed?: number};

/** What the service asks of this thread. */
export type WorkerRequest =
	| {op: 'load'; source: DirectorySource}
	| {op: 'search'; id: number; query: DirectoryQuery; viewer: Viewer}
	| {op: 'upsert'; account: AccountEntry}
	/** Whose these addresses are in the national file (DirectoryIndex.owners). */
	| {op: 'owners'; id: number; addresses: string[]};

/** What this thread tells the service. */
export type WorkerMessage =
	| {op: 'progress'; progress: number}
	| {op: 'ready'; entries: number; professions: DirectoryIndex['professions']; report: ImportReport; buildMs: number}
	| {op: 'failed'; error: string}
	/** Mailboxes searchable after an account changed. */
	| {op: 'entries'; entries: number}
	| {op: 'result'; id: number; page: {total: number; offset: number; entries: DirectoryEntry[]}}
	| {op: 'owners'; id: number; owners: Array<string | null>}
	| {op: 'search-failed'; id: number; error: string};

const port = parentPort;
if (!port) throw new Error('directory-worker: to be started as a worker thread');

const half = (workerData as {half?: HalfRequest} | null)?.half;
if (half) void readHalf(half, port);
else serve();

/** The generated directory (demo), made and read in this thread. */
async function importGenerated(rows: number, seed: number | undefined, onProgress: (share: number) => void): Promise<{builder: DirectoryIndexBuilder; report: ImportReport}> {
	const builder = new DirectoryIndexBuilder();
	const {report} = await importExtraction(batched(generateExtraction({rows, seed}), rows + 1), (record, line) => builder.add(record, line), onProgress);
	return {builder, report};
}

/** The directory's thread: loads, then answers searches and account changes. */
function serve(): void {
	let index: DirectoryIndex | null = null;
	// Accounts arriving while the file loads are applied once the index exists.
	const accounts = new Map<string, AccountEntry>();

	async function load(source: DirectorySource): Promise<void> {
		const started = performance.now();
		let lastProgress = 0;
		const onProgress = (progress: number) => {
			if (progress - lastProgress < 0.02) return;
			lastProgress = progress;
			port?.postMessage({op: 'progress', progress} satisfies WorkerMessage);
		};
		try {
			const {builder, report} = source.kind === 'file' ? await importFile(source.path, onProgress, fileURLToPath(import.meta.url)) : await importGenerated(source.rows, source.seed, onProgress);
			index = builder.build();
			for (const account of accounts.values()) index.upsertAccount(account);
			port?.postMessage({op: 'ready', entries: index.entries, professions: index.professions, report, buildMs: performance.now() - started} satisfies WorkerMessage);
		} catch (error) {
			port?.postMessage({op: 'failed', error: (error as Error).message} satisfies WorkerMessage);
		}
	}

	port?.on('message', (request: WorkerRequest) => {
		switch (request.op) {
			case 'load':
				void load(request.source);
				return;
			case 'upsert':
				accounts.set(request.account.address, request.account);
				if (index) {
					index.upsertAccount(request.account);
					port.postMessage({op: 'entries', entries: index.entries} satisfies WorkerMessage);
				}
				return;
			case 'owners':
				try {
					if (!index) throw new Error('annuaire pas encore chargé');
					port.postMessage({op: 'owners', id: request.id, owners: index.owners(request.addresses)} satisfies WorkerMessage);
				} catch (error) {
					port.postMessage({op: 'search-failed', id: request.id, error: (error as Error).message} satisfies WorkerMessage);
				}
				return;
			case 'search':
				try {
					if (!index) throw new Error('annuaire pas encore chargé');
					port.postMessage({op: 'result', id: request.id, page: index.search(request.query, request.viewer)} satisfies WorkerMessage);
				} catch (error) {
					port.postMessage({op: 'search-failed', id: request.id, error: (error as Error).message} satisfies WorkerMessage);
				}
				return;
		}
	});
}
