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
};
