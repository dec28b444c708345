// What the service remembers between one practitioner's calls: channels a code was sent to,
// sign-ins waiting for their code, and sessions. In memory only: a restart forgets them, and the
// practitioner asks for a new code.
import {createHash, randomBytes} from 'node:crypto';

// A session of "Me connecter sans carte CPS": long enough to change one's settings.
const SESSION_TTL_MS = 15 * 60 * 1000;
// A verified channel must be used by an activation within this time.
const VERIFIED_TTL_MS = 30 * 60 * 1000;

/** A channel a code was sent to for a card; `verified` once the code came back. */
export type ChannelVerification = {nationalId: string; channel: 'sms' | 'mail'; destination: string; verified: boolean; expiresAt: number};

/** A sign-in without the card whose password was right: the code was sent to `destination`. */
export type PendingSignIn = {address: string; destination: string};

/**
 * A session: `account` from a sign-in without the card (may change the account), `directory`
 * from a card proof (may see published mobiles in the directory, nothing more).
 */
export type Session = {address: string; expiresAt: number; scope: 'account' | 'directory'};

/** Channel verifications, pending sign-ins and sessions, by the id (or token) their holder was given. */
export class AuthState {
	/** By id of the code sent. */
	private readonly verifications = new Map<string, ChannelVerification>();
	/** By id of the code sent. */
	private readonly signIns = new Map<string, PendingSignIn>();
	/** By SHA-256 of their token: the token itself is never stored. */
	private readonly sessions = new Map<string, Session>();

	constructor(private readonly now: () => number) {}

	/** Remembers that code `id` went to this channel for this card (not verified yet). */
	expectChannel(id: string, sent: Pick<ChannelVerification, 'nationalId' | 'channel' | 'destination'>): void {
		this.verifications.set(id, {...sent, verified: false, expiresAt: this.now() + VERIFIED_TTL_MS});
	}

	/** The channel verification of code `id`, verified or not. */
	channel(id: string): ChannelVerification | undefined {
		return this.verifications.get(id);
	}

	/** The channel verification of code `id`, if its code came back and it is still in time. */
	verifiedChannel(id: string): ChannelVerification | undefined {
		const verification = this.verifications.get(id);
		return verification?.verified && verification.expiresAt > this.now() ? verification : undefined;
	}

	/** Remembers the sign-in whose code `id` was sent. */
	expectSignIn(id: string, pending: PendingSignIn): void {
		this.signIns.set(id, pending);
	}

	/** The sign-in waiting for code `id`. */
	signIn(id: string): PendingSignIn | undefined {
		return this.signIns.get(id);
	}

	/** Forgets the sign-in of code `id` (its code came back: a code opens one session). */
	endSignIn(id: string): void {
		this.signIns.delete(id);
	}

	/** Opens a session for `address`; returns its token, given once. */
	openSession(address: string, scope: Session['scope']): string {
		const token = randomBytes(32).toString('base64url');
		this.sessions.set(sha256(token), {address, expiresAt: this.now() + SESSION_TTL_MS, scope});
		return token;
	}

	/** The live session of `token`; undefined when there is none, or it has ended. */
	session(token: string | undefined): Session | undefined {
		const session = token ? this.sessions.get(sha256(token)) : undefined;
		return session && session.expiresAt > this.now() ? session : undefined;
	}
}

function sha256(text: string): string {
	return createHash('sha256').update(text).digest('hex');
}
