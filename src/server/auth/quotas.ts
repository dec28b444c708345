// Quotas on what makes the service send mail or SMS — codes and invitations — so that a valid
// card (any practitioner's, even without an account) cannot turn the service into a spammer.
// Codes are counted by the database-backed Throttle (shared by the instances); invitations by the
// invitations table itself.
import {INVITATIONS_PER_REQUEST} from '../../contract/domain/account.js';
import type {ThrottleRule} from './throttle.js';

const DAY = 24 * 60 * 60_000;

/** At most `count` within a day from the first: then nothing until that day is over. */
const perDay = (count: number): ThrottleRule => ({free: count - 1, firstDelayMs: DAY, maxDelayMs: DAY, windowMs: DAY});

/**
 * Verification codes a day, beyond the resend limits of each code (one a minute, five an hour for
 * one card and one destination): those a card asks for, whatever the destinations; those one
 * e-mail or mobile receives, whatever the cards. Sign-in codes have no daily quota of their own:
 * they go only to the account's verified destination, after the right password (throttled), and
 * a quota refusing the right password would tell it from a wrong one; verification codes sent to
 * an address never count against its holder's sign-ins.
 */
export const CODE_QUOTAS = {
	card: perDay(10),
	destination: perDay(5),
} satisfies Record<string, ThrottleRule>;

/** Invitations: recipients per request, per sender a day, and how long a colleague invited is not mailed again by the same sender. */
export const INVITATION_QUOTAS = {perRequest: INVITATIONS_PER_REQUEST, perDay: 50, repeatAfterMs: 30 * DAY, dayMs: DAY};

/** The longest window of the quotas counted by the Throttle: its purge must keep them this long. */
export const LONGEST_QUOTA_WINDOW_MS = Math.max(...Object.values(CODE_QUOTAS).map(rule => rule.windowMs));

/**
 * The destination as the limits count it: an e-mail lower-cased whole (`Victime@Exemple.FR` and
 * `victime@exemple.fr` are one mailbox for every provider that matters), a mobile already in E.164.
 */
export function destinationKey(destination: string): string {
	// E.164 has no letters: lower-casing leaves a mobile as it is.
	return destination.trim().toLowerCase();
}
