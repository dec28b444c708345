// One-time codes (6 digits) sent to verify a channel or to sign in: issued bound to a purpose,
// a subject and a destination, stored as HMACs, limited in time, tries and resends — in the
// database, so that a code sent by one instance is checked by another and the tries and resends
// are counted once whichever instance is asked.
import {createHmac, randomBytes, randomUUID, timingSafeEqual} from 'node:crypto';
import type {Kysely} from 'kysely';
import type {Tables} from '../database/tables.js';

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
	/** Where the codes, their tries and their sends are kept. */
	db: Kysely<Tables>;
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
/** The secret that keys the codes' HMACs, in the `secrets` table. */
const KEY_NAME = 'one-time-code-hmac-key';

/**
 * One-time codes (SPEC §8): 6 digits from a CSPRNG, valid at most 10 minutes, single use,
 * bound to the request that caused them, invalidated after 5 wrong tries, resend rate-limited,
 * stored only as an HMAC under a random key the service's instances share (made once, kept in
 * the database's `secrets`), compared in constant time. The database enforces single use and the
 * try counter: two instances checking one code at once cannot both accept it, nor both count a
 * try as the last.
 */
export class OneTimeCodes {
	readonly ttlMs: number;
	readonly maxAttempts: number;
	readonly resendIntervalMs: number;
	readonly maxSendsPerHour: number;

	private readonly db: Kysely<Tables>;
	private readonly now: () => number;

	constructor(options: OneTimeCodesOptions) {
		this.db = options.db;
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
	 * A new code for `binding`. Rejects with OneTimeCodeError ('rate-limited') when the previous
	 * code for the same binding is less than resendIntervalMs old or maxSendsPerHour were issued in
	 * the last hour. The previous pending code for the same binding stops working.
	 * `nextIssueAt` is when the next code for the same binding may be issued.
	 */
	async issue(binding: OneTimeCodeBinding): Promise<IssuedCode> {
		await this.prepared();
		return this.db.transaction().execute(transaction => this.issueIn(transaction, binding));
	}

	/**
	 * Resolves once the shared key is read, which `issueIn` needs: on SQLite a transaction holds
	 * the one connection, so the key cannot be read from inside it.
	 */
	async prepared(): Promise<void> {
		await codeKey(this.db);
	}

	/**
	 * `issue` within the caller's transaction (after `prepared()`), so that the code exists only
	 * if the state that needs it (and the message that carries it) is committed too.
	 */
	async issueIn(transaction: Kysely<Tables>, binding: OneTimeCodeBinding): Promise<IssuedCode> {
		const key = loadedKeys.get(this.db);
		if (!key) throw new Error('OneTimeCodes.issueIn: await prepared() before opening the transaction');
		const now = this.now();
		const bindingKey = keyOf(binding);
		const requestId = randomUUID();
		const code = digitsOf(key, requestId);
		const expiresAt = now + this.ttlMs;
		const nextIssueAt = await (async () => {
			// The binding's row, written first: concurrent issues for one binding (on any instance) wait for each other here.
			await transaction
				.insertInto('code_bindings')
				.values({binding_key: bindingKey, last_sent_at: now})
				.onConflict(conflict => conflict.doNothing())
				.execute();
			await transaction.updateTable('code_bindings').set({last_sent_at: now}).where('binding_key', '=', bindingKey).execute();
			const rows = await transaction
				.selectFrom('code_sends')
				.select('sent_at')
				.where('binding_key', '=', bindingKey)
				.where('sent_at', '>', now - HOUR_MS)
				.orderBy('sent_at')
				.execute();
			const recent = rows.map(row => Number(row.sent_at));
			const retryAfterMs = this.waitMs(recent, now);
			if (retryAfterMs > 0) throw new OneTimeCodeError(retryAfterMs);
			await transaction.deleteFrom('one_time_codes').where('binding_key', '=', bindingKey).execute();
			await transaction
				.insertInto('one_time_codes')
				.values({request_id: requestId, binding_key: bindingKey, mac: mac(key, requestId, code), expires_at: expiresAt, wrong_attempts: 0})
				.execute();
			await transaction.insertInto('code_sends').values({id: requestId, binding_key: bindingKey, sent_at: now}).execute();
			recent.push(now);
			return now + this.waitMs(recent, now);
		})();
		return {requestId, code, expiresAt, nextIssueAt};
	}

	/** Takes back code `requestId` as if never issued (its message could not be sent): it neither verifies nor counts against the resend limits. */
	async withdraw(transaction: Kysely<Tables>, requestId: string): Promise<void> {
		await transaction.deleteFrom('one_time_codes').where('request_id', '=', requestId).execute();
		await transaction.deleteFrom('code_sends').where('id', '=', requestId).execute();
	}

	/** Wrong tries left on the pending code `requestId` (0 when it is not pending). */
	async triesLeft(requestId: string): Promise<number> {
		const row = await this.db.selectFrom('one_time_codes').select('wrong_attempts').where('request_id', '=', requestId).executeTakeFirst();
		return row ? Math.max(0, this.maxAttempts - Number(row.wrong_attempts)) : 0;
	}

	/** How long, from `now`, before another code may be issued after the `recent` ones (oldest first, within the hour). */
	/**
	 * How long before a code for `binding` may be issued (0: now), read without issuing or locking:
	 * a request sure to be refused is refused before it counts against any other limit. `issueIn`
	 * checks again, under the binding's lock.
	 */
	async waitBeforeIssue(binding: OneTimeCodeBinding): Promise<number> {
		const now = this.now();
		const rows = await this.db
			.selectFrom('code_sends')
			.select('sent_at')
			.where('binding_key', '=', keyOf(binding))
			.where('sent_at', '>', now - HOUR_MS)
			.orderBy('sent_at')
			.execute();
		return this.waitMs(
			rows.map(row => Number(row.sent_at)),
			now,
		);
	}

	private waitMs(recent: number[], now: number): number {
		let wait = 0;
		const last = recent.at(-1);
		if (last !== undefined && now - last < this.resendIntervalMs) wait = last + this.resendIntervalMs - now;
		if (recent.length >= this.maxSendsPerHour) {
			const oldestThatCounts = recent[recent.length - this.maxSendsPerHour] as number;
			wait = Math.max(wait, oldestThatCounts + HOUR_MS - now);
		}
		return wait;
	}

	/**
	 * Checks `code` for `requestId`. 'ok' consumes the code (a second try gives 'unknown').
	 * A request id issued for another binding gives 'unknown' and does not count as a try.
	 * After maxAttempts wrong tries every later try gives 'exhausted', even with the right code.
	 */
	async verify(requestId: string, code: string, binding: OneTimeCodeBinding): Promise<OneTimeCodeVerification> {
		const key = await codeKey(this.db);
		const now = this.now();
		const entry = await this.db.selectFrom('one_time_codes').selectAll().where('request_id', '=', requestId).executeTakeFirst();
		if (!entry || entry.binding_key !== keyOf(binding)) return 'unknown';
		if (Number(entry.wrong_attempts) >= this.maxAttempts) return 'exhausted';
		if (now >= Number(entry.expires_at)) return 'expired';
		// Always compare two HMACs of the same length: the comparison leaks neither the code nor
		// how much of it matched, whatever was typed.
		const typed = code.replace(/\s+/g, '');
		const matches = timingSafeEqual(Buffer.from(mac(key, requestId, typed), 'hex'), Buffer.from(entry.mac, 'hex')) && /^\d{6}$/.test(typed);
		// Either way the row decides, not what was read above: a concurrent check may have used it meanwhile.
		if (matches) {
			const taken = await this.db.deleteFrom('one_time_codes').where('request_id', '=', requestId).where('wrong_attempts', '<', this.maxAttempts).executeTakeFirst();
			return Number(taken.numDeletedRows) > 0 ? 'ok' : 'exhausted';
		}
		const counted = await this.db
			.updateTable('one_time_codes')
			.set(eb => ({wrong_attempts: eb('wrong_attempts', '+', 1)}))
			.where('request_id', '=', requestId)
			.where('wrong_attempts', '<', this.maxAttempts)
			.returning('wrong_attempts')
			.executeTakeFirst();
		return !counted || Number(counted.wrong_attempts) >= this.maxAttempts ? 'exhausted' : 'wrong';
	}

	/** Forgets codes expired for an hour and sends older than an hour. */
	async purge(): Promise<void> {
		const now = this.now();
		await this.db
			.deleteFrom('one_time_codes')
			.where('expires_at', '<=', now - RETAIN_AFTER_EXPIRY_MS)
			.execute();
		await this.db
			.deleteFrom('code_sends')
			.where('sent_at', '<=', now - HOUR_MS)
			.execute();
		await this.db
			.deleteFrom('code_bindings')
			.where('last_sent_at', '<=', now - HOUR_MS)
			.execute();
	}
}

/** A code issued: its request id, its digits (to send, never stored), until when it verifies, and when the next may be issued. */
export type IssuedCode = {requestId: string; code: string; expiresAt: number; nextIssueAt: number};

// The key per database, read once: kept in module-private maps, never on an object a dump would show.
const keys = new WeakMap<Kysely<Tables>, Promise<Buffer>>();
const loadedKeys = new WeakMap<Kysely<Tables>, Buffer>();

/** The HMAC key the instances share: made by the first instance to need it, read by the others. */
function codeKey(db: Kysely<Tables>): Promise<Buffer> {
	let key = keys.get(db);
	if (!key) {
		key = (async () => {
			await db
				.insertInto('secrets')
				.values({name: KEY_NAME, value: randomBytes(32).toString('base64')})
				.onConflict(conflict => conflict.doNothing())
				.execute();
			const {value} = await db.selectFrom('secrets').select('value').where('name', '=', KEY_NAME).executeTakeFirstOrThrow();
			const loaded = Buffer.from(value, 'base64');
			loadedKeys.set(db, loaded);
			return loaded;
		})();
		keys.set(db, key);
		key.catch(() => keys.delete(db));
	}
	return key;
}

/**
 * The digits of code `requestId`, derived from the shared key rather than drawn and kept: a
 * message waiting in the outbox holds the request id, never the digits, and whichever instance
 * sends it finds them again. Unpredictable without the key, like a random draw.
 */
export async function codeDigits(db: Kysely<Tables>, requestId: string): Promise<string> {
	return digitsOf(await codeKey(db), requestId);
}

function digitsOf(key: Buffer, requestId: string): string {
	const derived = createHmac('sha256', key).update(`digits:${requestId}`).digest();
	// 64 bits reduced mod 10^6: the bias (under 10^-13) is far below anything measurable.
	return String(derived.readBigUInt64BE(0) % 1_000_000n).padStart(6, '0');
}

function mac(key: Buffer, requestId: string, code: string): string {
	return createHmac('sha256', key).update(`${requestId}:${code}`).digest('hex');
}

/** Unambiguous whatever the values contain (a `:` in a subject cannot shift fields). */
function keyOf(binding: OneTimeCodeBinding): string {
	return JSON.stringify([binding.purpose, binding.subject, binding.destination]);
}
