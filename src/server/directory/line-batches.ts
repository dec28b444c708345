// Where an import's lines come from: a file (or a byte range of it) read as a stream, or lines
// made in memory by the generator; in batches, each with the share of the source read so far.
import {createReadStream} from 'node:fs';
import {stat} from 'node:fs/promises';

/** Lines read together, and the share of the source read so far. */
export type LineBatch = {lines: string[]; progress: number};

/**
 * The lines of a file in batches (one per megabyte read), each line decoded on its own: a bad
 * byte spoils its own line only, as U+FFFD. With a byte range, only the lines starting in it
 * (the range starts at a line's start).
 */
export async function* fileLines(file: string, range?: {start: number; end: number}): AsyncGenerator<LineBatch> {
	const start = range?.start ?? 0;
	const size = (range?.end ?? (await stat(file)).size) - start || 1;
	let read = 0;
	let rest: Buffer = Buffer.alloc(0);
	const stream = createReadStream(file, {highWaterMark: 1 << 20, start, end: range ? range.end - 1 : undefined});
	for await (const chunk of stream) {
		const buffer: Buffer = rest.length > 0 ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
		read += (chunk as Buffer).length;
		const lines: string[] = [];
		let from = 0;
		for (let end = buffer.indexOf(10, from); end !== -1; end = buffer.indexOf(10, from)) {
			lines.push(buffer.toString('utf8', from, end));
			from = end + 1;
		}
		rest = buffer.subarray(from);
		yield {lines, progress: read / size};
	}
	if (rest.length > 0) yield {lines: [rest.toString('utf8')], progress: 1};
}

/** Lines made one by one (the generator), grouped in batches. */
export function* batched(lines: Iterable<string>, total: number, size = 4096): Generator<LineBatch> {
	let batch: string[] = [];
	let done = 0;
	for (const line of lines) {
		batch.push(line);
		if (batch.length === size) {
			done += batch.length;
			yield {lines: batch, progress: done / total};
			batch = [];
		}
	}
	yield {lines: batch, progress: 1};
}
