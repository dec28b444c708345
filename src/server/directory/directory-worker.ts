// The directory's own thread: reads the national file, builds the index and answers searches,
// so that neither the kiosk's rendering nor the service's other requests wait for it.
import {parentPort} from 'node:worker_threads';
import type {DirectoryEntry, DirectoryQuery} from '../../services/directory-query.js';
import {DirectoryIndex, DirectoryIndexBuilder, type AccountEntry, type Viewer} from './directory-index.js';
import {batched, fileLines, importExtraction, type ImportReport} from './extraction.js';
import {generateExtraction} from './generator.js';

/** Where the national directory comes from. */
export type DirectorySource = {kind: 'file'; path: string} | {kind: 'generated'; rows: number; seed?: number};

export type WorkerRequest =
	| {op: 'load'; source: DirectorySource}
	| {op: 'search'; id: number; query: DirectoryQuery; viewer: Viewer}
	| {op: 'upsert'; account: AccountEntry};

export type WorkerMessage =
	| {op: 'progress'; progress: number}
	| {op: 'ready'; entries: number; professions: DirectoryIndex['professions']; report: ImportReport; buildMs: number}
	| {op: 'failed'; error: string}
	| {op: 'result'; id: number; page: {total: number; offset: number; entries: DirectoryEntry[]}}
	| {op: 'search-failed'; id: number; error: string};

const port = parentPort;
if (!port) throw new Error('directory-worker: to be started as a worker thread');

let index: DirectoryIndex | null = null;
// Accounts arriving while the file loads are applied once the index exists.
const accounts = new Map<string, AccountEntry>();

async function load(source: DirectorySource): Promise<void> {
	const started = performance.now();
	const builder = new DirectoryIndexBuilder();
	try {
		const lines = source.kind === 'file' ? fileLines(source.path) : batched(generateExtraction({rows: source.rows, seed: source.seed}), source.rows + 1);
		let lastProgress = 0;
		const report = await importExtraction(
			lines,
			record => builder.add(record),
			progress => {
				if (progress - lastProgress < 0.02) return;
				lastProgress = progress;
				port?.postMessage({op: 'progress', progress} satisfies WorkerMessage);
			},
		);
		index = builder.build();
		for (const account of accounts.values()) index.upsertAccount(account);
		port?.postMessage({op: 'ready', entries: index.entries, professions: index.professions, report, buildMs: performance.now() - started} satisfies WorkerMessage);
	} catch (error) {
		port?.postMessage({op: 'failed', error: (error as Error).message} satisfies WorkerMessage);
	}
}

port.on('message', (request: WorkerRequest) => {
	switch (request.op) {
		case 'load':
			void load(request.source);
			return;
		case 'upsert':
			accounts.set(request.account.address, request.account);
			index?.upsertAccount(request.account);
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
