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
};

/** The last revision given to an account (one row): what `revision` is taken from. */
type RevisionRow = {id: number; last: number};

/** A challenge a card signs once. */
type ChallengeRow = {id: string; bytes: string; expires_at: number};

/** The service's tables. */
export type Tables = {
	accounts: AccountRow;
	account_revision: RevisionRow;
	challenges: ChallengeRow;
};
