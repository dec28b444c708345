// Progressive delays on guessable operations (a password), counted in the database so that every
// instance applies the same limits: each attempt beyond a free allowance waits twice as long as
// the one before, up to a ceiling — a delay, never a lock-out someone else could inflict.
import type {Kysely} from 'kysely';
import {BackendError} from '../../contract/api/errors.js';
import type {Tables} from '../database/tables.js';

/** The limits of one kind of key. */
export type ThrottleRule = {
	/** Attempts within the window without any delay. */
	free: number;
	/** The first delay, doubled at each attempt after it. */
	firstDelayMs: number;
	/** The longest delay. */
	maxDelayMs: number;
	/** The count starts again this long after its first attempt. */
	windowMs: number;
};

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * The limits of "Me connecter sans carte CPS": one client guessing one address waits after 3
 * tries (2 s, 4 s, … up to 15 min); one client trying many addresses after 30; one address tried
 * from many clients after 10, at most a minute — so its holder is slowed, never shut out (and the
 * card always works).
 */
export const SIGN_IN_LIMITS = {
	pair: {free: 3, firstDelayMs: 2_000, maxDelayMs: 15 * MINUTE, windowMs: HOUR},
	client: {free: 30, firstDelayMs: 1_000, maxDelayMs: 15 * MINUTE, windowMs: HOUR},
	address: {free: 10, firstDelayMs: 1_000, maxDelayMs: MINUTE, windowMs: HOUR},
} satisfies Record<string, ThrottleRule>;

/** A number of requests per minute and client, then nothing until the minute is over. */
const perMinute = (free: number): ThrottleRule => ({free, firstDelayMs: MINUTE, maxDelayMs: MINUTE, windowMs: MINUTE});

/** What one client may ask per minute without proving anything, from its challenges a minute (60 by default). */
export type RequestLimits = {challenge: ThrottleRule; availability: ThrottleRule; directory: ThrottleRule};

/**
 * Requests anyone may make without proving anything, per client: challenges (a kiosk's activation
 * signs three), availability checks twice as many, directory searches (one per key typed) ten times
 * as many. Kiosks behind one address (a clinic's NAT) share them: `serve --client-rate` raises them.
 */
export function requestLimits(challengesPerMinute = 60): RequestLimits {
	return {challenge: perMinute(challengesPerMinute), availability: perMinute(2 * challengesPerMinute), directory: perMinute(10 * challengesPerMinute)};
}

/** The longest window of the rules: counts older than this are deleted. */
export const LONGEST_THROTTLE_WINDOW_MS = Math.max(MINUTE, ...Object.values(SIGN_IN_LIMITS).map(rule => rule.windowMs));

/**
 * Attempts by key (`sign-in:address:…`, `sign-in:client:…`), each with its rule. An attempt is
 * counted before it is evaluated, in one transaction per key: forty at once are counted forty
 * times, not let through together.
 */
export class Throttle {
	// Keys the database said must wait, and until when: a flood of refused requests is answered
	// from here, without a transaction each (the database stays the judge of every allowed one).
	private readonly waiting = new Map<string, number>();

	constructor(
		private readonly db: Kysely<Tables>,
		private readonly now: () => number,
	) {}

	/**
	 * Counts an attempt for each key, or refuses (`rate-limited`, with the seconds to wait, and
	 * without counting) when one of them must still wait. Checked in order: a refusal by the first
	 * key counts nothing for the next.
	 */
	async attempt(keys: Array<[key: string, rule: ThrottleRule]>): Promise<void> {
		for (const [key, rule] of keys) {
			const known = (this.waiting.get(key) ?? 0) - this.now();
			if (known > 0) throw tooSoon(known);
			const waitMs = await this.db.transaction().execute(async transaction => {
				// The key's row, written first: concurrent attempts (on any instance) wait for each other here.
				await transaction
					.insertInto('throttles')
					.values({key, attempts: 0, window_start: this.now(), next_allowed_at: 0})
					.onConflict(conflict => conflict.doNothing())
					.execute();
				await transaction
					.updateTable('throttles')
					.set(eb => ({attempts: eb.ref('attempts')}))
					.where('key', '=', key)
					.execute();
				// Read after the wait for the row: an attempt that waited must not be judged by a time before another's.
				const now = this.now();
				const row = await transaction.selectFrom('throttles').selectAll().where('key', '=', key).executeTakeFirstOrThrow();
				const fresh = Number(row.window_start) <= now - rule.windowMs;
				const allowedAt = fresh ? 0 : Number(row.next_allowed_at);
				if (allowedAt > now) return allowedAt - now;
				const attempts = (fresh ? 0 : Number(row.attempts)) + 1;
				const delay = delayMs(attempts, rule);
				await transaction
					.updateTable('throttles')
					.set({attempts, window_start: fresh ? now : Number(row.window_start), next_allowed_at: delay > 0 ? now + delay : 0})
					.where('key', '=', key)
					.execute();
				return 0;
			});
			if (waitMs > 0) {
				this.remember(key, this.now() + waitMs);
				throw tooSoon(waitMs);
			}
		}
	}

	private remember(key: string, until: number): void {
		// Bounded: past many keys (a flood from many clients), those whose wait is over go.
		if (this.waiting.size >= 10_000) for (const [other, end] of this.waiting) if (end <= this.now()) this.waiting.delete(other);
		if (this.waiting.size < 20_000) this.waiting.set(key, until);
	}

	/** Forgets the attempts of these keys (the right password came: its holder starts afresh). */
	async clear(keys: string[]): Promise<void> {
		for (const key of keys) this.waiting.delete(key);
		if (keys.length > 0) await this.db.deleteFrom('throttles').where('key', 'in', keys).execute();
	}

	/** Forgets the keys whose window has passed under every rule (older than `longestWindowMs`). */
	async purge(longestWindowMs: number): Promise<void> {
		await this.db
			.deleteFrom('throttles')
			.where('window_start', '<=', this.now() - longestWindowMs)
			.execute();
	}
}

function tooSoon(waitMs: number): BackendError {
	const retryAfterSeconds = Math.ceil(waitMs / 1000);
	return new BackendError('rate-limited', `Trop d’essais : réessayez dans ${retryAfterSeconds} s`, undefined, {retryAfterSeconds});
}

/** The delay after the `attempts`-th attempt: none within the allowance, then doubling up to the ceiling. */
function delayMs(attempts: number, rule: ThrottleRule): number {
	if (attempts <= rule.free) return 0;
	return Math.min(rule.maxDelayMs, rule.firstDelayMs * 2 ** Math.min(30, attempts - rule.free - 1));
}
