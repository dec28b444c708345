// What the service remembers between one practitioner's calls: channels a code was sent to,
// sign-ins waiting for their code, and sessions. In the database: any instance answers any call,
// and a restart forgets nothing.
import {createHash, randomBytes} from 'node:crypto';
import type {Kysely} from 'kysely';
import type {Tables} from '../database/tables.js';

// A session of "Me connecter sans carte CPS": long enough to change one's settings.
const SESSION_TTL_MS = 15 * 60 * 1000;
// A verified channel must be used by an activation within this time.
const VERIFIED_TTL_MS = 30 * 60 * 1000;
// A sign-in waits for its code at most as long as a code lives.
const SIGN_IN_TTL_MS = 10 * 60 * 1000;

/** A channel a code was sent to for a card; `verified` once the code came back. */
export type ChannelVerification = {nationalId: string; channel: 'sms' | 'mail'; destination: string; verified: boolean; expiresAt: number};

/** A sign-in without the card whose password was right: the code was sent to `destination`. */
type PendingSignIn = {address: string; destination: string};

/**
 * A session: `account` from a sign-in without the card (may change the account), `directory`
 * from a card proof (may see published mobiles in the directory, nothing more).
 */
type Session = {address: string; expiresAt: number; scope: 'account' | 'directory'};

/** Channel verifications, pending sign-ins and sessions, by the id (or token) their holder was given. */
export class AuthState {
	constructor(
		private readonly db: Kysely<Tables>,
		private readonly now: () => number,
	) {}

	/** Remembers that code `id` went to this channel for this card (not verified yet), in `transaction` if given. */
	async expectChannel(id: string, sent: Pick<ChannelVerification, 'nationalId' | 'channel' | 'destination'>, transaction: Kysely<Tables> = this.db): Promise<void> {
		await transaction
			.insertInto('channel_verifications')
			.values({id, national_id: sent.nationalId, channel: sent.channel, destination: sent.destination, verified: 0, expires_at: this.now() + VERIFIED_TTL_MS})
			.execute();
	}

	/** The channel verification of code `id`, verified or not. */
	async channel(id: string): Promise<ChannelVerification | undefined> {
		const row = await this.db.selectFrom('channel_verifications').selectAll().where('id', '=', id).executeTakeFirst();
		return row && {nationalId: row.national_id, channel: row.channel as 'sms' | 'mail', destination: row.destination, verified: Number(row.verified) === 1, expiresAt: Number(row.expires_at)};
	}

	/** The code of channel verification `id` came back. */
	async markVerified(id: string): Promise<void> {
		await this.db.updateTable('channel_verifications').set({verified: 1}).where('id', '=', id).execute();
	}

	/** The channel verification of code `id`, if its code came back and it is still in time. */
	async verifiedChannel(id: string): Promise<ChannelVerification | undefined> {
		const verification = await this.channel(id);
		return verification?.verified && verification.expiresAt > this.now() ? verification : undefined;
	}

	/** Remembers the sign-in whose code `id` was sent, in `transaction` if given. */
	async expectSignIn(id: string, pending: PendingSignIn, transaction: Kysely<Tables> = this.db): Promise<void> {
		await transaction
			.insertInto('sign_ins')
			.values({id, address: pending.address, destination: pending.destination, expires_at: this.now() + SIGN_IN_TTL_MS})
			.execute();
	}

	/** The sign-in waiting for code `id`. */
	async signIn(id: string): Promise<PendingSignIn | undefined> {
		const row = await this.db.selectFrom('sign_ins').selectAll().where('id', '=', id).where('expires_at', '>', this.now()).executeTakeFirst();
		return row && {address: row.address, destination: row.destination};
	}

	/** Ends the sign-in of code `id` (its code came back: a code opens one session); false when it was already ended, here or on another instance. */
	async endSignIn(id: string): Promise<boolean> {
		const ended = await this.db.deleteFrom('sign_ins').where('id', '=', id).executeTakeFirst();
		return Number(ended.numDeletedRows) > 0;
	}

	/** Opens a session for `address`; returns its token, given once. */
	async openSession(address: string, scope: Session['scope']): Promise<string> {
		const token = randomBytes(32).toString('base64url');
		await this.db
			.insertInto('sessions')
			.values({token_hash: sha256(token), address, scope, expires_at: this.now() + SESSION_TTL_MS})
			.execute();
		return token;
	}

	/** The live session of `token`; undefined when there is none, or it has ended. */
	async session(token: string | undefined): Promise<Session | undefined> {
		if (!token) return undefined;
		const row = await this.db.selectFrom('sessions').selectAll().where('token_hash', '=', sha256(token)).where('expires_at', '>', this.now()).executeTakeFirst();
		return row && {address: row.address, scope: row.scope as Session['scope'], expiresAt: Number(row.expires_at)};
	}

	/** Ends every session of `address` but the one of token `keep` (the request's own, if any). */
	async endSessions(address: string, keep?: string): Promise<void> {
		let sessions = this.db.deleteFrom('sessions').where('address', '=', address.toLowerCase());
		if (keep) sessions = sessions.where('token_hash', '!=', sha256(keep));
		await sessions.execute();
	}

	/** Forgets what has expired (challenges included): the tables hold only what may still be used. */
	async purge(): Promise<void> {
		const now = this.now();
		await this.db.deleteFrom('challenges').where('expires_at', '<=', now).execute();
		await this.db.deleteFrom('channel_verifications').where('expires_at', '<=', now).execute();
		await this.db.deleteFrom('sign_ins').where('expires_at', '<=', now).execute();
		await this.db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
	}
}

function sha256(text: string): string {
	return createHash('sha256').update(text).digest('hex');
}
