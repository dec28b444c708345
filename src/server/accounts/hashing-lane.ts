// A lane for slow work on libuv's thread pool (scrypt, also used by WebCrypto and file access):
// sign-ins go through it, so that a flood of them never holds every thread an activation or a
// card proof needs.
import {BackendError} from '../../contract/api/errors.js';

/** At most `concurrency` jobs at once and `queue` waiting; beyond that, refused at once (`unavailable`). */
export class HashingLane {
	private running = 0;
	private readonly waiting: Array<() => void> = [];

	constructor(
		private readonly concurrency: number,
		private readonly queue: number,
	) {}

	async run<T>(work: () => Promise<T>): Promise<T> {
		if (this.running >= this.concurrency) {
			if (this.waiting.length >= this.queue) throw new BackendError('unavailable', 'Service très sollicité : réessayez dans un instant', undefined, {retryAfterSeconds: 1});
			await new Promise<void>(resolve => this.waiting.push(resolve));
		} else this.running++;
		try {
			return await work();
		} finally {
			// The slot passes to the next job waiting, or is freed.
			const next = this.waiting.shift();
			if (next) next();
			else this.running--;
		}
	}
}
