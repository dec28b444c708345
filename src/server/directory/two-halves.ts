// A large extraction read in two halves at once: this thread reads the first half while a helper
// thread reads the second (from the middle's next line start) into a builder of its own, whose
// content it then sends back. The two are joined in file order: the second half's addresses
// already in the first are refused as duplicates, its line numbers shifted, the reports summed.
import {open} from 'node:fs/promises';
import {Worker, type MessagePort} from 'node:worker_threads';
import {DirectoryIndexBuilder, type BuilderPart} from './directory-index.js';
import {importExtraction} from './extraction-reader.js';
import {combinedReport, type ImportProblem, type ImportReport} from './import-report.js';
import {fileLines} from './line-batches.js';

/** A file larger than this is read in two halves at once (below it, one thread is done before two start). */
export const PARALLEL_READ_BYTES = 8 << 20;

/** What the helper reading a file's second half is given (as `workerData.half`). */
export type HalfRequest = {path: string; start: number; end: number; header: string};

/** What the helper answers. */
type HalfMessage = {op: 'progress'; progress: number} | {op: 'done'; part: BuilderPart; report: ImportReport} | {op: 'failed'; error: string};

/** The helper thread's work: imports the lines of one byte range of the file, then hands the rows over on `port`. */
export async function readHalf({path, start, end, header}: HalfRequest, port: MessagePort): Promise<void> {
	try {
		const builder = new DirectoryIndexBuilder();
		const reader = await importExtraction(
			fileLines(path, {start, end}),
			(record, line) => builder.add(record, line),
			progress => port.postMessage({op: 'progress', progress} satisfies HalfMessage),
			{header},
		);
		const part = builder.part();
		// Both arrays are fresh copies (U32List.done): their buffers are moved, not copied.
		port.postMessage({op: 'done', part, report: reader.report} satisfies HalfMessage, [part.fields.buffer as ArrayBuffer, part.lines.buffer as ArrayBuffer]);
	} catch (error) {
		port.postMessage({op: 'failed', error: (error as Error).message} satisfies HalfMessage);
	}
}

/**
 * Reads `path` into a new builder: in two halves at once when it is large (the second by a helper
 * thread running `helperScript`, which calls readHalf with its `workerData.half`), in one
 * otherwise, or when the helper fails. Rows stay in file order.
 */
export async function importFile(path: string, onProgress: (share: number) => void, helperScript: string): Promise<{builder: DirectoryIndexBuilder; report: ImportReport}> {
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
	const helper = new Worker(helperScript, {workerData: {half: {path, start: split.middle, end: split.size, header: split.header} satisfies HalfRequest}});
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
		const first = await importExtraction(
			fileLines(path, {start: 0, end: split.middle}),
			(record, line) => builder.add(record, line),
			share => report(0, share),
		);
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
