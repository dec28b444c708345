// The service's tables as Kysely sees them: the one description both engines (SQLite, PostgreSQL) share.
/** An activated account. JSON columns hold what is read and written whole. */
export type AccountRow = {
	/** Lower case; unique: two activations cannot get one address. */
	address: string;
	/** Unique: one account per card. */
	national_id: string;
	/** CardIdentity, as JSON. */
	identity: string;
	/** AccountOptions, as JSON. */
	options: string;
	password_hash: string;
	/** Unique: replaying an activation returns its account instead of making another. */
	activation_request_id: string;
	created_at: string;
	updated_at: string;
	/** Raised by each change: other instances read the accounts changed since the last they saw. */
	revision: number;
	/** The mobile (E.164) a code was last received on, with the card: the only one that may be published. */
	verified_mobile: string | null;
};

/** The last revision given to an account (one row): what `revision` is taken from. */
type RevisionRow = {id: number; last: number};

/** A challenge a card signs once, for one operation (`purpose`; null: issued before purposes existed). */
type ChallengeRow = {id: string; bytes: string; expires_at: number; purpose: string | null};

/** A channel a code was sent to for a card; `verified` (0/1) once the code came back. */
type ChannelVerificationRow = {id: string; national_id: string; channel: string; destination: string; verified: number; expires_at: number};

/** A sign-in without the card whose password was right, waiting for its code. */
type SignInRow = {id: string; address: string; destination: string; expires_at: number};

/** A session, by the SHA-256 of its token (the token itself is never stored). */
type SessionRow = {token_hash: string; address: string; scope: string; expires_at: number};

/** A one-time code pending, as the HMAC of its request id and digits (never the digits). */
type OneTimeCodeRow = {request_id: string; binding_key: string; mac: string; expires_at: number; wrong_attempts: number};

/** One code sent for a binding: what the resend limits count. */
type CodeSendRow = {id: string; binding_key: string; sent_at: number};

/** One row per binding that got codes: locked while a code for it is issued, so instances issue one at a time. */
type CodeBindingRow = {binding_key: string; last_sent_at: number};

/** Secrets the instances of a service share (the one-time codes' HMAC key). */
type SecretRow = {name: string; value: string};

/**
 * A message waiting to leave the service (the transactional outbox): written in the transaction
 * of the state that needs it, sent after the commit, tried again until `expires_at`. `content` is
 * what to send, as JSON — never a code's digits, which are derived again when it is sent.
 */
type OutgoingMessageRow = {
	id: string;
	kind: string;
	channel: string;
	recipient: string;
	content: string;
	created_at: number;
	expires_at: number;
	attempts: number;
	next_attempt_at: number;
	/** Until when an instance is sending it (0: nobody): others leave it alone meanwhile. */
	claimed_until: number;
	/** Who holds it (random, per attempt): an instance whose hold lapsed changes nothing it no longer holds. */
	claim: string | null;
	last_error: string | null;
};

/** An invitation a practitioner sent a colleague. */
type InvitationRow = {id: string; from_address: string; recipient: string; created_at: number};

/** One event of the audit trail; `id` sorts by time. */
type AuditEventRow = {id: string; at: number; action: string; outcome: string; address: string | null; national_id: string | null; channel: string | null; detail: string | null};

/** Attempts at something guessable (a password) by one key (an address, a client), within a window: what the delays follow. */
type ThrottleRow = {key: string; attempts: number; window_start: number; next_allowed_at: number};

/** The service's tables. */
export type Tables = {
	accounts: AccountRow;
	account_revision: RevisionRow;
	challenges: ChallengeRow;
	channel_verifications: ChannelVerificationRow;
	sign_ins: SignInRow;
	sessions: SessionRow;
	one_time_codes: OneTimeCodeRow;
	code_sends: CodeSendRow;
	code_bindings: CodeBindingRow;
	secrets: SecretRow;
	outgoing_messages: OutgoingMessageRow;
	invitations: InvitationRow;
	audit_events: AuditEventRow;
	throttles: ThrottleRow;
};
