// The transactional outbox: codes and invitations are queued in the database in the transaction
// of the state that needs them, sent once that transaction has committed, and tried again —
// by any instance — when a send fails or the instance sending it died.
import {randomUUID} from 'node:crypto';
import type {Kysely} from 'kysely';
import type {Lang} from '../../contract/i18n/index.js';
import type {AuditEntry, AuditLog} from '../audit-log.js';
import {invitationMail} from '../accounts/invitation-mail.js';
import {codeDigits, type OneTimeCodePurpose} from '../auth/one-time-codes.js';
import type {Tables} from '../database/tables.js';
import {codeMessage, type MailSender, type SmsSender} from './delivery.js';

/** Who a message concerns, as the audit trail records it. */
type Holder = {address?: string; nationalId?: string};

/** A message to send: a one-time code (its digits are derived again when it is sent, never stored), or an invitation. */
export type QueuedMessage =
	| {kind: 'code'; channel: 'mail' | 'sms'; to: string; requestId: string; purpose: OneTimeCodePurpose; ttlMs: number; lang: Lang; holder: Holder}
	| {kind: 'invitation'; channel: 'mail'; to: string; from: string};

/** What a failed first attempt does: wait for the next try, or be dropped with the state that needed it. */
type OnFailure = 'retry' | ((transaction: Kysely<Tables>) => Promise<void>);

/** Options of the queue. */
export type MessageQueueOptions = {
	db: Kysely<Tables>;
	/** How e-mails leave the service. */
	mail: MailSender;
	/** How SMS leave the service. */
	sms: SmsSender;
	/** Where each message sent, or given up, is recorded. */
	audit: AuditLog;
	/** The clock the codes expire by. */
	now: () => number;
	/**
	 * How long an instance holds a message it is sending before another may take it over (default
	 * 2 minutes: longer than the SMTP and SMS timeouts, so a slow send is never doubled).
	 */
	claimMs?: number;
	/** How often each instance looks for messages due (default 5 s). */
	dispatchMs?: number;
};

// A failed send is tried again after 30 s, then twice as long each time, at most every 30 minutes.
const FIRST_RETRY_MS = 30_000;
const LONGEST_RETRY_MS = 30 * 60_000;
// Messages due, taken per look.
const BATCH = 20;

/** Codes and invitations waiting to leave the service, in the database every instance shares. */
export class MessageQueue {
	private readonly claimMs: number;
	private readonly dispatchMs: number;
	private dispatcher: NodeJS.Timeout | undefined;
	// Sends in progress: a graceful stop lets them finish.
	private readonly sending = new Set<Promise<unknown>>();
	// The look in progress, and any asked for meanwhile (chained: never two at once in one instance).
	private looking: Promise<void> | undefined;
	// The claim this instance holds on each message it is about to send (see the column `claim`).
	private readonly claims = new Map<string, string>();

	constructor(private readonly options: MessageQueueOptions) {
		this.claimMs = options.claimMs ?? 2 * 60_000;
		this.dispatchMs = options.dispatchMs ?? 5_000;
	}

	/**
	 * Queues `message` in `transaction` (it leaves only if that commits), held by this instance for
	 * its first attempt, given up at `expiresAt`; returns its id for `deliver`.
	 */
	async enqueue(transaction: Kysely<Tables>, message: QueuedMessage, expiresAt: number): Promise<string> {
		const id = randomUUID();
		const claim = randomUUID();
		const now = this.options.now();
		const {kind, channel, to, ...content} = message;
		await transaction
			.insertInto('outgoing_messages')
			.values({
				id,
				kind,
				channel,
				recipient: to,
				content: JSON.stringify(content),
				created_at: now,
				expires_at: expiresAt,
				attempts: 0,
				next_attempt_at: now,
				claimed_until: now + this.claimMs,
				claim,
				last_error: null,
			})
			.execute();
		this.claims.set(id, claim);
		return id;
	}

	/**
	 * The first attempt at a message this instance queued, once its transaction has committed:
	 * true when it left. On failure, `retry` leaves it for the next attempt; a function drops it
	 * together with what it does, in one transaction (a code the practitioner is told was not sent
	 * must not arrive later).
	 */
	deliver(id: string, onFailure: OnFailure): Promise<boolean> {
		return this.track(this.attempt(id, onFailure));
	}

	/** Looks for messages due every `dispatchMs` (failed ones, and those of an instance that died). */
	start(): void {
		this.dispatcher ??= setInterval(() => void (this.looking ?? this.dispatch()), this.dispatchMs);
		this.dispatcher.unref();
	}

	/** Stops looking and waits for the sends in progress. */
	async stop(): Promise<void> {
		clearInterval(this.dispatcher);
		this.dispatcher = undefined;
		await Promise.allSettled(this.sending);
	}

	/** One look, after any in progress: gives up the expired messages, then sends those due that no live instance holds. */
	dispatch(): Promise<void> {
		const look = (this.looking ?? Promise.resolve()).then(() => this.look());
		this.looking = look;
		void look.finally(() => {
			if (this.looking === look) this.looking = undefined;
		});
		return look;
	}

	private async look(): Promise<void> {
		try {
			const {db, now} = this.options;
			const expired = await db.deleteFrom('outgoing_messages').where('expires_at', '<=', now()).where('claimed_until', '<=', now()).returning(['kind', 'channel', 'content']).execute();
			for (const row of expired) void this.options.audit.record({...auditOf(row.kind, row.channel, row.content), outcome: 'refused', detail: 'expired'});
			const due = await db.selectFrom('outgoing_messages').select('id').where('next_attempt_at', '<=', now()).where('claimed_until', '<=', now()).orderBy('next_attempt_at').limit(BATCH).execute();
			for (const {id} of due) {
				// Taken only if nobody took it since the look: of two instances, one sends it.
				const at = now();
				const claim = randomUUID();
				const claimed = await db
					.updateTable('outgoing_messages')
					.set({claimed_until: at + this.claimMs, claim})
					.where('id', '=', id)
					.where('claimed_until', '<=', at)
					.executeTakeFirst();
				if (Number(claimed.numUpdatedRows) !== 1) continue;
				this.claims.set(id, claim);
				await this.track(this.attempt(id, 'retry'));
			}
		} catch {
			// The database is unreachable: the next look tries again.
		}
	}

	private async attempt(id: string, onFailure: OnFailure): Promise<boolean> {
		const claim = this.claims.get(id) ?? '';
		this.claims.delete(id);
		const {db, audit, now} = this.options;
		const row = await db.selectFrom('outgoing_messages').selectAll().where('id', '=', id).where('claim', '=', claim).executeTakeFirst();
		// Another instance took it over (this one's hold lapsed): it sends it.
		if (!row) return true;
		const audited = auditOf(row.kind, row.channel, row.content);
		try {
			await this.send(row.kind, row.channel, row.recipient, row.content);
		} catch (error) {
			if (onFailure === 'retry') {
				const attempts = Number(row.attempts) + 1;
				await db
					.updateTable('outgoing_messages')
					.set({
						attempts,
						next_attempt_at: now() + Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** (attempts - 1)),
						claimed_until: 0,
						claim: null,
						last_error: error instanceof Error ? error.message : String(error),
					})
					.where('id', '=', id)
					.where('claim', '=', claim)
					.execute();
			} else {
				const dropped = await db.transaction().execute(async transaction => {
					const deleted = await transaction.deleteFrom('outgoing_messages').where('id', '=', id).where('claim', '=', claim).executeTakeFirst();
					if (Number(deleted.numDeletedRows) !== 1) return false;
					await onFailure(transaction);
					return true;
				});
				// Taken over meanwhile by an instance that may well succeed: the state stays.
				if (!dropped) return true;
			}
			await audit.record({...audited, outcome: 'refused', detail: 'delivery'});
			return false;
		}
		await db.deleteFrom('outgoing_messages').where('id', '=', id).execute();
		await audit.record({...audited, outcome: 'ok'});
		return true;
	}

	private async send(kind: string, channel: string, to: string, content: string): Promise<void> {
		if (kind === 'invitation') {
			const {from} = JSON.parse(content) as {from: string};
			return this.options.mail.send(invitationMail(from, to));
		}
		const code = JSON.parse(content) as Extract<QueuedMessage, {kind: 'code'}>;
		const message = codeMessage(await codeDigits(this.options.db, code.requestId), code.purpose, code.ttlMs, code.lang);
		if (channel === 'sms') return this.options.sms.send({to, text: message.sms});
		return this.options.mail.send({to, subject: message.subject, text: message.text});
	}

	private track<T>(work: Promise<T>): Promise<T> {
		this.sending.add(work);
		void work.finally(() => this.sending.delete(work)).catch(() => undefined);
		return work;
	}
}

/** How the audit trail names the sending of a queued message. */
function auditOf(kind: string, channel: string, content: string): Omit<AuditEntry, 'outcome'> {
	if (kind === 'invitation') return {action: 'invitation-sent', address: (JSON.parse(content) as {from: string}).from};
	const {holder} = JSON.parse(content) as {holder: Holder};
	return {action: 'code-sent', channel: channel === 'sms' ? 'sms' : 'mail', ...holder};
}
