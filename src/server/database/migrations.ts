// The schema's versions, applied in order at start-up on either engine (Kysely's migrator records
// which ran, and on PostgreSQL holds a lock so that instances starting together apply each once).
import type {Kysely, Migration} from 'kysely';

/** Every version of the schema, by name (applied in the names' order: never rename one that shipped). */
export const MIGRATIONS: Record<string, Migration> = {
	'2026-11-28-01-accounts-challenges': {
		async up(db: Kysely<unknown>) {
			await db.schema
				.createTable('accounts')
				.addColumn('address', 'text', column => column.notNull())
				.addColumn('national_id', 'text', column => column.notNull().unique())
				.addColumn('identity', 'text', column => column.notNull())
				.addColumn('options', 'text', column => column.notNull())
				.addColumn('password_hash', 'text', column => column.notNull())
				.addColumn('activation_request_id', 'text', column => column.notNull().unique())
				.addColumn('created_at', 'text', column => column.notNull())
				.addColumn('updated_at', 'text', column => column.notNull())
				.addColumn('revision', 'bigint', column => column.notNull())
				// Named so that PostgreSQL's conflict reports the column, as SQLite's does (see uniqueViolation).
				.addPrimaryKeyConstraint('accounts_address_key', ['address'])
				.execute();
			await db.schema.createIndex('accounts_revision').on('accounts').column('revision').execute();
			await db.schema
				.createTable('account_revision')
				.addColumn('id', 'integer', column => column.primaryKey())
				.addColumn('last', 'bigint', column => column.notNull())
				.execute();
			await db
				.insertInto('account_revision' as never)
				.values({id: 1, last: 0} as never)
				.execute();
			await db.schema
				.createTable('challenges')
				.addColumn('id', 'text', column => column.primaryKey())
				.addColumn('bytes', 'text', column => column.notNull())
				.addColumn('expires_at', 'bigint', column => column.notNull())
				.execute();
			await db.schema.createIndex('challenges_expiry').on('challenges').column('expires_at').execute();
		},
	},
	'2026-11-28-02-auth-codes': {
		async up(db: Kysely<unknown>) {
			const table = (name: string) => db.schema.createTable(name);
			await table('channel_verifications')
				.addColumn('id', 'text', column => column.primaryKey())
				.addColumn('national_id', 'text', column => column.notNull())
				.addColumn('channel', 'text', column => column.notNull())
				.addColumn('destination', 'text', column => column.notNull())
				.addColumn('verified', 'integer', column => column.notNull())
				.addColumn('expires_at', 'bigint', column => column.notNull())
				.execute();
			await table('sign_ins')
				.addColumn('id', 'text', column => column.primaryKey())
				.addColumn('address', 'text', column => column.notNull())
				.addColumn('destination', 'text', column => column.notNull())
				.addColumn('expires_at', 'bigint', column => column.notNull())
				.execute();
			await table('sessions')
				.addColumn('token_hash', 'text', column => column.primaryKey())
				.addColumn('address', 'text', column => column.notNull())
				.addColumn('scope', 'text', column => column.notNull())
				.addColumn('expires_at', 'bigint', column => column.notNull())
				.execute();
			await table('one_time_codes')
				.addColumn('request_id', 'text', column => column.primaryKey())
				.addColumn('binding_key', 'text', column => column.notNull())
				.addColumn('mac', 'text', column => column.notNull())
				.addColumn('expires_at', 'bigint', column => column.notNull())
				.addColumn('wrong_attempts', 'integer', column => column.notNull())
				.execute();
			await db.schema.createIndex('one_time_codes_binding').on('one_time_codes').column('binding_key').execute();
			await table('code_sends')
				.addColumn('id', 'text', column => column.primaryKey())
				.addColumn('binding_key', 'text', column => column.notNull())
				.addColumn('sent_at', 'bigint', column => column.notNull())
				.execute();
			await db.schema.createIndex('code_sends_binding').on('code_sends').columns(['binding_key', 'sent_at']).execute();
			await table('code_bindings')
				.addColumn('binding_key', 'text', column => column.primaryKey())
				.addColumn('last_sent_at', 'bigint', column => column.notNull())
				.execute();
			await table('secrets')
				.addColumn('name', 'text', column => column.primaryKey())
				.addColumn('value', 'text', column => column.notNull())
				.execute();
			for (const name of ['channel_verifications', 'sign_ins', 'sessions', 'one_time_codes']) await db.schema.createIndex(`${name}_expiry`).on(name).column('expires_at').execute();
		},
	},
	'2026-11-28-03-outgoing-audit': {
		async up(db: Kysely<unknown>) {
			await db.schema
				.createTable('outgoing_messages')
				.addColumn('id', 'text', column => column.primaryKey())
				.addColumn('kind', 'text', column => column.notNull())
				.addColumn('channel', 'text', column => column.notNull())
				.addColumn('recipient', 'text', column => column.notNull())
				.addColumn('content', 'text', column => column.notNull())
				.addColumn('created_at', 'bigint', column => column.notNull())
				.addColumn('expires_at', 'bigint', column => column.notNull())
				.addColumn('attempts', 'integer', column => column.notNull())
				.addColumn('next_attempt_at', 'bigint', column => column.notNull())
				.addColumn('claimed_until', 'bigint', column => column.notNull())
				.addColumn('claim', 'text')
				.addColumn('last_error', 'text')
				.execute();
			await db.schema.createIndex('outgoing_messages_due').on('outgoing_messages').column('next_attempt_at').execute();
			await db.schema
				.createTable('invitations')
				.addColumn('id', 'text', column => column.primaryKey())
				.addColumn('from_address', 'text', column => column.notNull())
				.addColumn('recipient', 'text', column => column.notNull())
				.addColumn('created_at', 'bigint', column => column.notNull())
				.execute();
			await db.schema.createIndex('invitations_from').on('invitations').columns(['from_address', 'created_at']).execute();
			await db.schema
				.createTable('audit_events')
				.addColumn('id', 'text', column => column.primaryKey())
				.addColumn('at', 'bigint', column => column.notNull())
				.addColumn('action', 'text', column => column.notNull())
				.addColumn('outcome', 'text', column => column.notNull())
				.addColumn('address', 'text')
				.addColumn('national_id', 'text')
				.addColumn('channel', 'text')
				.addColumn('detail', 'text')
				.execute();
			await db.schema.createIndex('audit_events_at').on('audit_events').column('at').execute();
		},
	},
	'2026-11-28-04-throttles': {
		async up(db: Kysely<unknown>) {
			await db.schema
				.createTable('throttles')
				.addColumn('key', 'text', column => column.primaryKey())
				.addColumn('attempts', 'integer', column => column.notNull())
				.addColumn('window_start', 'bigint', column => column.notNull())
				.addColumn('next_allowed_at', 'bigint', column => column.notNull())
				.execute();
			await db.schema.createIndex('throttles_window').on('throttles').column('window_start').execute();
		},
	},
	'2026-11-28-06-challenge-purpose': {
		async up(db: Kysely<unknown>) {
			await db.schema.alterTable('challenges').addColumn('purpose', 'text').execute();
		},
	},
	'2026-11-28-08-verified-mobile': {
		async up(db: Kysely<unknown>) {
			await db.schema.alterTable('accounts').addColumn('verified_mobile', 'text').execute();
		},
	},
};
