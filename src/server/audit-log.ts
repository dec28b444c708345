// The service's audit trail: who did what and how it ended, one row each in the database, never a secret.
import {randomBytes} from 'node:crypto';
import type {Kysely} from 'kysely';
import type {Tables} from './database/tables.js';

/** One event of the audit trail: who did what, when, and how it ended — never a secret. */
export type AuditEntry = {
	action: 'activate' | 'update' | 'invite' | 'sign-in' | 'code-sent' | 'code-checked' | 'invitation-sent';
	outcome: 'ok' | 'refused';
	address?: string;
	nationalId?: string;
	/** Channel of a one-time code. */
	channel?: 'sms' | 'mail';
	/** Why it was refused (an error code), or how many were sent. */
	detail?: string;
};

/** An event as read back, with when it happened (ISO 8601). */
export type AuditEvent = AuditEntry & {at: string};

/**
 * The audit trail (table `audit_events`), for the people who run the service: activations,
 * changes, invitations, sign-ins, codes sent and checked — every instance's, in one place.
 * Passwords, codes, PINs and signatures never reach it: events are built from the fields above only.
 */
export class AuditLog {
	// Events being written: a graceful stop waits for them.
	private readonly pending = new Set<Promise<void>>();
	// Orders the events of one instance recorded within the same millisecond.
	private sequence = 0;
	// Tells this instance's ids from another's recorded in the same millisecond.
	private readonly instance = randomBytes(4).toString('hex');

	constructor(
		private readonly db: Kysely<Tables>,
		private readonly now: () => number = Date.now,
	) {}

	/** Writes the event; a database that fails loses it rather than failing the operation it describes. */
	record(entry: AuditEntry): Promise<void> {
		const at = this.now();
		this.sequence = (this.sequence + 1) % 1_000_000;
		const id = `${String(at).padStart(15, '0')}-${String(this.sequence).padStart(6, '0')}-${this.instance}`;
		const written = this.db
			.insertInto('audit_events')
			.values({
				id,
				at,
				action: entry.action,
				outcome: entry.outcome,
				address: escaped(entry.address),
				national_id: escaped(entry.nationalId),
				channel: escaped(entry.channel),
				detail: escaped(entry.detail),
			})
			.execute()
			.then(
				() => undefined,
				() => undefined,
			);
		this.pending.add(written);
		void written.finally(() => this.pending.delete(written));
		return written;
	}

	/** The events recorded since `since` (ms), oldest first. */
	async since(since = 0): Promise<AuditEvent[]> {
		const rows = await this.db.selectFrom('audit_events').selectAll().where('at', '>=', since).orderBy('id').execute();
		return rows.map(row => ({
			at: new Date(Number(row.at)).toISOString(),
			action: row.action as AuditEntry['action'],
			outcome: row.outcome as AuditEntry['outcome'],
			...(row.address === null ? {} : {address: row.address}),
			...(row.national_id === null ? {} : {nationalId: row.national_id}),
			...(row.channel === null ? {} : {channel: row.channel as 'sms' | 'mail'}),
			...(row.detail === null ? {} : {detail: row.detail}),
		}));
	}

	/** Resolves once every event recorded so far is written, so that a graceful stop loses none. */
	async flushed(): Promise<void> {
		await Promise.all(this.pending);
	}
}

// C0, DEL, C1 (CSI U+009B included), bidirectional marks and overrides, and lone surrogates.
const UNSAFE = /[\u0000-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * `text` as the trail keeps it: every control character, bidi override and lone surrogate written
 * `\uXXXX`, so that no event (an address typed by anyone) can repaint the terminal of whoever reads
 * the trail, nor hide what it was.
 */
function escaped(text: string | undefined): string | null {
	if (text === undefined) return null;
	return text.replace(UNSAFE, character => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
