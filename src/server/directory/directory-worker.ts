// The directory's own thread: reads the national file, builds the index and answers searches,
// so that neither the kiosk's rendering nor the service's other requests wait for it. A large
// file is read in two halves at once: the second by a helper thread running this same file.
import {open} from 'node:fs/promises';
import {Worker, parentPort, workerData} from 'node:worker_threads';
import {fileURLToPath} from 'node:url';
import type {DirectoryEntry, DirectoryQuery} from '../../contract/domain/directory.js';
import {DirectoryIndex, DirectoryIndexBuilder, type AccountEntry, type BuilderPart, type Viewer} from './directory-index.js';
import {PARALLEL_READ_BYTES, batched, combinedReport, fileLines, importExtraction, type ImportProblem, type ImportReport} from './extraction.js';
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
	/** Mailboxes searchable after an account changed. */
	| {op: 'entries'; entries: number}
	| {op: 'result'; id: number; page: {total: number; offset: number; entries: DirectoryEntry[]}}
	| {op: 'search-failed'; id: number; error: string};

/** What the helper reading a file's second half is given, and what it answers. */
type HalfRequest = {path: string; start: number; end: number; header: string};
type HalfMessage = {op: 'progress'; progress: number} | {op: 'done'; part: BuilderPart; report: ImportReport} | {op: 'failed'; error: string};


const port = parentPort;
if (!port) throw new Error('directory-worker: to be started as a worker thread');

if ((workerData as {half?: HalfRequest} | null)?.half) void readHalf((workerData as {half: HalfRequest}).half);
else serve();

/** Helper thread: imports the lines of one byte range of the file, then hands the rows over. */
async function readHalf({path, start, end, header}: HalfRequest): Promise<void> {
	try {
		const builder = new DirectoryIndexBuilder();
		const reader = await importExtraction(fileLines(path, {start, end}), (record, line) => builder.add(record, line), progress => port?.postMessage({op: 'progress', progress} satisfies HalfMessage), {header});
		const part = builder.part();
		// Both arrays are fresh copies (U32List.done): their buffers are moved, not copied.
		port?.postMessage({op: 'done', part, report: reader.report} satisfies HalfMessage, [part.fields.buffer as ArrayBuffer, part.lines.buffer as ArrayBuffer]);
	} catch (error) {
		port?.postMessage({op: 'failed', error: (error as Error).message} satisfies HalfMessage);
	}
}

/** The header line and where the second half starts (a line start near the middle), or null for a small file. */
async function splitPoint(path: string): Promise<{header: string; middle: number; size: number} | null> {
	const file = await open(path);
	try {
		const {size} = await file.stat();
		if (size < PARALLEL_READ_BYTES) return null;
		const probe = Buffer.alloc(64 * 1024);
		const head = probe.subarray(0, (await file.read(probe, 0, probe.length, 0)).bytesRead);
		const headerEnd = head.indexOf(10);
		if (headerEnd === -1) return null;
		const header = head.toString('utf8', 0, headerEnd);
		const around = probe.subarray(0, (await file.read(probe, 0, probe.length, Math.floor(size / 2))).bytesRead);
		const newline = around.indexOf(10);
		return newline === -1 ? null : {header, middle: Math.floor(size / 2) + newline + 1, size};
	} finally {
		await file.close();
	}
}

/**
 * Reads `path` into a new builder: in two halves at once when it is large (the second by a helper
 * thread), in one otherwise, or when the helper fails. Rows stay in file order.
 */
async function importFile(path: string, onProgress: (share: number) => void): Promise<{builder: DirectoryIndexBuilder; report: ImportReport}> {
	const split = await splitPoint(path);
	const oneThread = async () => {
		const builder = new DirectoryIndexBuilder();
		const {report} = await importExtraction(fileLines(path), (record, line) => builder.add(record, line), onProgress);
		return {builder, report};
	};
	if (!split) return oneThread();
	const progress = [0, 0];
	const report = (index: number, share: number) => {
		progress[index] = share;
		onProgress((progress[0] as number) * (split.middle / split.size) + (progress[1] as number) * (1 - split.middle / split.size));
	};
	const helper = new Worker(fileURLToPath(import.meta.url), {workerData: {half: {path, start: split.middle, end: split.size, header: split.header} satisfies HalfRequest}});
	const second = new Promise<{part: BuilderPart; report: ImportReport}>((resolve, reject) => {
		helper.on('message', (message: HalfMessage) => {
			if (message.op === 'progress') report(1, message.progress);
			else if (message.op === 'done') resolve(message);
			else reject(new Error(message.error));
		});
		helper.on('error', reject);
		helper.on('exit', code => reject(new Error(`lecture de la seconde moitié interrompue (${code})`)));
	});
	// Awaited only once the first half is read: until then a failure must not go unhandled.
	second.catch(() => undefined);
	try {
		const builder = new DirectoryIndexBuilder();
		const first = await importExtraction(fileLines(path, {start: 0, end: split.middle}), (record, line) => builder.add(record, line), share => report(0, share));
		let half;
		try {
			half = await second;
		} catch {
			// The helper could not read its half: the whole file again, in this thread.
			return await oneThread();
		}
		const duplicates: ImportProblem[] = [];
		builder.append(half.part, (address, line) => {
			if (!first.hasSeen(address)) return true;
			duplicates.push({line: line + first.lastLine, kind: 'duplicate-address', detail: address});
			return false;
		});
		return {builder, report: combinedReport(first.report, half.report, first.lastLine, duplicates)};
	} finally {
		void helper.terminate();
	}
}

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
			const {builder, report} = source.kind === 'file' ? await importFile(source.path, onProgress) : await importGenerated(source.rows, source.seed, onProgress);
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
