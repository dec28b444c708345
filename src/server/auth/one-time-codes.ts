// One-time codes (6 digits) sent to verify a channel or to sign in: issued bound to a purpose,
// a subject and a destination, stored as HMACs, limited in time, tries and resends.
import {createHmac, randomBytes, randomInt, randomUUID, timingSafeEqual} from 'node:crypto';

/** What a code is for; a code issued for one purpose never verifies for another. */
export type OneTimeCodePurpose = 'verify-channel' | 'sign-in';

/**
 * The request a code belongs to. `subject` is who asks (an account address, a national
 * identifier); `destination` is where the code was sent (an e-mail address or an E.164 mobile).
 * Values are compared exactly: normalise them (lower-case e-mail, E.164) before calling.
 */
export type OneTimeCodeBinding = {purpose: OneTimeCodePurpose; subject: string; destination: string};

/** What a code typed back is: right, wrong, too late, burnt by wrong tries, or not a pending code. */
export type OneTimeCodeVerification = 'ok' | 'wrong' | 'expired' | 'exhausted' | 'unknown';

/** Limits of the codes (defaults: SPEC §8). */
export type OneTimeCodesOptions = {
	/** How long a code is valid; default and maximum 10 minutes (SPEC §8). */
	ttlMs?: number;
	/** Wrong tries after which a code is invalidated; default 5. */
	maxAttempts?: number;
	/** Minimum time between two codes for the same binding; default 60 s. */
	resendIntervalMs?: number;
	/** Codes for the same binding within any hour; default 5. */
	maxSendsPerHour?: number;
	/** Clock, for tests. */
	now?: () => number;
};

/** Refusal to issue a code: too soon after the previous one, or too many within the hour. */
export class OneTimeCodeError extends Error {
	override readonly name = 'OneTimeCodeError';
	readonly code = 'rate-limited' as const;

	constructor(readonly retryAfterMs: number) {
		super(`Trop de codes demandés : réessayez dans ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s.`);
	}
}

/** Longest validity of a code (SPEC §8). */
export const ONE_TIME_CODE_MAX_TTL_MS = 10 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;
/** How long an expired or exhausted code is remembered, so a late try says why it fails. */
const RETAIN_AFTER_EXPIRY_MS = HOUR_MS;

type PendingCode = {
	readonly binding: OneTimeCodeBinding;
	readonly bindingKey: string;
	/** HMAC-SHA256(process key, `${requestId}:${code}`); the code itself is never kept. */
	readonly mac: Buffer;
	readonly expiresAt: number;
	wrongAttempts: number;
};

/**
 * One-time codes (SPEC §8): 6 digits from a CSPRNG, valid at most 10 minutes, single use,
 * bound to the request that caused them, invalidated after 5 wrong tries, resend rate-limited,
 * stored only as an HMAC under a per-process random key and compared in constant time.
 * State is in memory: a restart invalidates every pending code, which only means asking again.
 */
export class OneTimeCodes {
	readonly ttlMs: number;
	readonly maxAttempts: number;
	readonly resendIntervalMs: number;
	readonly maxSendsPerHour: number;

	// An ES private field: not shown by util.inspect, never serialised.
	readonly #key = randomBytes(32);
	private readonly now: () => number;
	private readonly pending = new Map<string, PendingCode>();
	/** Binding key → the request id of its current code (a new code replaces the previous one). */
	private readonly current = new Map<string, string>();
	/** Binding key → times codes were issued within the last hour, oldest first. */
	private readonly sends = new Map<string, number[]>();

	constructor(options: OneTimeCodesOptions = {}) {
		this.ttlMs = options.ttlMs ?? ONE_TIME_CODE_MAX_TTL_MS;
		this.maxAttempts = options.maxAttempts ?? 5;
		this.resendIntervalMs = options.resendIntervalMs ?? 60_000;
		this.maxSendsPerHour = options.maxSendsPerHour ?? 5;
		this.now = options.now ?? Date.now;
		if (!(this.ttlMs > 0 && this.ttlMs <= ONE_TIME_CODE_MAX_TTL_MS)) {
			throw new RangeError(`ttlMs must be in (0, ${ONE_TIME_CODE_MAX_TTL_MS}]`);
		}
		if (!(Number.isInteger(this.maxAttempts) && this.maxAttempts >= 1)) throw new RangeError('maxAttempts must be an integer ≥ 1');
		if (!(this.resendIntervalMs >= 0)) throw new RangeError('resendIntervalMs must be ≥ 0');
		if (!(this.maxSendsPerHour >= 1)) throw new RangeError('maxSendsPerHour must be ≥ 1');
	}

	/**
	 * A new code for `binding`. Throws OneTimeCodeError ('rate-limited') when the previous code
	 * for the same binding is less than resendIntervalMs old or maxSendsPerHour were issued in
	 * the last hour. The previous pending code for the same binding stops working.
	 * `nextIssueAt` is when the next code for the same binding may be issued.
	 */
	issue(binding: OneTimeCodeBinding): {requestId: string; code: string; expiresAt: number; nextIssueAt: number} {
		const now = this.now();
		this.sweep(now);
		const bindingKey = keyOf(binding);
		const recent = (this.sends.get(bindingKey) ?? []).filter(time => time > now - HOUR_MS);
		const retryAfterMs = this.waitMs(recent, now);
		if (retryAfterMs > 0) throw new OneTimeCodeError(retryAfterMs);

		const previous = this.current.get(bindingKey);
		if (previous !== undefined) this.pending.delete(previous);

		const requestId = randomUUID();
		const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
		const expiresAt = now + this.ttlMs;
		this.pending.set(requestId, {
			binding: {purpose: binding.purpose, subject: binding.subject, destination: binding.destination},
			bindingKey,
			mac: this.mac(requestId, code),
			expiresAt,
			wrongAttempts: 0,
		});
		this.current.set(bindingKey, requestId);
		recent.push(now);
		this.sends.set(bindingKey, recent);
		return {requestId, code, expiresAt, nextIssueAt: now + this.waitMs(recent, now)};
	}

	/** Wrong tries left on the pending code `requestId` (0 when it is not pending). */
	triesLeft(requestId: string): number {
		const entry = this.pending.get(requestId);
		return entry ? Math.max(0, this.maxAttempts - entry.wrongAttempts) : 0;
	}

	/** How long, from `now`, before another code may be issued after the `recent` ones (oldest first, within the hour). */
	private waitMs(recent: number[], now: number): number {
		let wait = 0;
		const last = recent.at(-1);
		if (last !== undefined && now - last < this.resendIntervalMs) wait = last + this.resendIntervalMs - now;
		if (recent.length >= this.maxSendsPerHour) {
			const oldestThatCounts = recent[recent.length - this.maxSendsPerHour]!;
			wait = Math.max(wait, oldestThatCounts + HOUR_MS - now);
		}
		return wait;
	}

	/**
	 * Checks `code` for `requestId`. 'ok' consumes the code (a second try gives 'unknown').
	 * A request id issued for another binding gives 'unknown' and does not count as a try.
	 * After maxAttempts wrong tries every later try gives 'exhausted', even with the right code.
	 */
	verify(requestId: string, code: string, binding: OneTimeCodeBinding): OneTimeCodeVerification {
		const now = this.now();
		const entry = this.pending.get(requestId);
		if (!entry || entry.bindingKey !== keyOf(binding)) return 'unknown';
		if (entry.wrongAttempts >= this.maxAttempts) return 'exhausted';
		if (now >= entry.expiresAt) return 'expired';
		// Always compare two HMACs of the same length: the comparison leaks neither the code nor
		// how much of it matched, whatever was typed.
		const typed = code.replace(/\s+/g, '');
		const matches = timingSafeEqual(this.mac(requestId, typed), entry.mac) && /^\d{6}$/.test(typed);
		if (matches) {
			this.forget(requestId, entry);
			return 'ok';
		}
		entry.wrongAttempts++;
		return entry.wrongAttempts >= this.maxAttempts ? 'exhausted' : 'wrong';
	}

	private mac(requestId: string, code: string): Buffer {
		return createHmac('sha256', this.#key).update(`${requestId}:${code}`).digest();
	}

	private forget(requestId: string, entry: PendingCode): void {
		this.pending.delete(requestId);
		if (this.current.get(entry.bindingKey) === requestId) this.current.delete(entry.bindingKey);
	}

	private sweep(now: number): void {
		for (const [requestId, entry] of this.pending) {
			if (entry.expiresAt + RETAIN_AFTER_EXPIRY_MS <= now) this.forget(requestId, entry);
		}
		for (const [bindingKey, times] of this.sends) {
			if ((times.at(-1) ?? 0) <= now - HOUR_MS) this.sends.delete(bindingKey);
		}
	}
}

/** Unambiguous whatever the values contain (a `:` in a subject cannot shift fields). */
function keyOf(binding: OneTimeCodeBinding): string {
	return JSON.stringify([binding.purpose, binding.subject, binding.destination]);
}
