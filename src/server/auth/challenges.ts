// The single-use challenges a card signs to prove it is in the reader, kept in the database: any
// instance can check a challenge another issued, and the database, not a process, makes it single use.
import {randomBytes, randomUUID} from 'node:crypto';
import type {Kysely} from 'kysely';
import type {ProofPurpose} from '../../contract/domain/account.js';
import type {Tables} from '../database/tables.js';

/** How long a challenge may be answered. */
const CHALLENGE_TTL_MS = 2 * 60 * 1000;

/**
 * Single-use challenges: taken once, expired after CHALLENGE_TTL_MS. One made `for(purpose)` takes
 * only the challenges issued for that purpose (and those issued for none, by clients that predate purposes).
 */
export class ChallengeStore {
	constructor(
		private readonly db: Kysely<Tables>,
		private readonly now: () => number = Date.now,
		private readonly purpose?: ProofPurpose,
	) {}

	/** The same challenges, taken only for `purpose`. */
	for(purpose: ProofPurpose): ChallengeStore {
		return new ChallengeStore(this.db, this.now, purpose);
	}

	async issue(purpose?: ProofPurpose): Promise<{challengeId: string; challenge: string; expiresAt: string}> {
		const challengeId = randomUUID();
		const bytes = randomBytes(32);
		const expiresAt = this.now() + CHALLENGE_TTL_MS;
		await this.db
			.insertInto('challenges')
			.values({id: challengeId, bytes: bytes.toString('base64'), expires_at: expiresAt, purpose: purpose ?? null})
			.execute();
		return {challengeId, challenge: bytes.toString('base64'), expiresAt: new Date(expiresAt).toISOString()};
	}

	/**
	 * The challenge's bytes, once: the row is deleted as it is read, so a second take (here or on
	 * another instance) gives null, as does an expired one, or one issued for another purpose.
	 */
	async take(challengeId: string): Promise<Buffer | null> {
		const row = await this.db.deleteFrom('challenges').where('id', '=', challengeId).returning(['bytes', 'expires_at', 'purpose']).executeTakeFirst();
		if (!row || Number(row.expires_at) <= this.now()) return null;
		return this.purpose === undefined || row.purpose === null || row.purpose === this.purpose ? Buffer.from(row.bytes, 'base64') : null;
	}
}
