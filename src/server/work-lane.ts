// A lane for costly work: at most so many at once, so many waiting, the rest refused at once.
// Sign-ins hash in one (libuv has 4 threads, which WebCrypto and file access share: a flood of
// them must not hold every thread an activation or a card proof needs); directory searches that
// must read every mailbox run in another (one worker thread answers every search).
import type {BackendError} from '../contract/api/errors.js';

/** At most `concurrency` jobs at once and `queue` waiting; beyond that, `refusal()` is thrown at once. */
export class WorkLane {
	private running = 0;
	private readonly waiting: Array<() => void> = [];

	constructor(
		private readonly concurrency: number,
		private readonly queue: number,
		private readonly refusal: () => BackendError,
	) {}

	async run<T>(work: () => Promise<T>): Promise<T> {
		if (this.running >= this.concurrency) {
			if (this.waiting.length >= this.queue) throw this.refusal();
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
