// The single-use challenges a card signs to prove it is in the reader.
import {randomBytes, randomUUID} from 'node:crypto';

/** How long a challenge may be answered. */
const CHALLENGE_TTL_MS = 2 * 60 * 1000;

/** Single-use challenges: taken once, expired after CHALLENGE_TTL_MS. */
export class ChallengeStore {
	private readonly pending = new Map<string, {bytes: Buffer; expiresAt: number}>();

	constructor(private readonly now: () => number = Date.now) {}

	issue(): {challengeId: string; challenge: string; expiresAt: string} {
		this.sweep();
		const challengeId = randomUUID();
		const bytes = randomBytes(32);
		const expiresAt = this.now() + CHALLENGE_TTL_MS;
		this.pending.set(challengeId, {bytes, expiresAt});
		return {challengeId, challenge: bytes.toString('base64'), expiresAt: new Date(expiresAt).toISOString()};
	}

	/** The challenge's bytes, once: a second call, or a call after expiry, gives null. */
	take(challengeId: string): Buffer | null {
		const entry = this.pending.get(challengeId);
		this.pending.delete(challengeId);
		return entry && entry.expiresAt > this.now() ? entry.bytes : null;
	}

	private sweep(): void {
		const now = this.now();
		for (const [id, entry] of this.pending) if (entry.expiresAt <= now) this.pending.delete(id);
	}
}
