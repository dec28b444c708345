// The service's database: an embedded SQLite file in the data directory by default (a kiosk, a
// single `serve`: nothing to install), or a PostgreSQL server shared by several `serve`
// instances. Both behind Kysely, one query builder and one set of migrations.
import path from 'node:path';
import {Kysely, Migrator, PostgresDialect, SqliteDialect, type MigrationProvider} from 'kysely';
import {MIGRATIONS} from './migrations.js';
import type {Tables} from './tables.js';

/** Options of the service's database. */
export type DatabaseOptions = {
	/** `postgres://…` (or `postgresql://…`); absent: the SQLite file `service.sqlite` in `dataDir`. */
	url?: string;
	/** Folder of the SQLite file. */
	dataDir: string;
	/** Connections kept to PostgreSQL (default 10). */
	poolSize?: number;
};

/** The database, migrated. */
export type Database = {
	/** Which engine: SQLite allows one service process, PostgreSQL several. */
	engine: 'sqlite' | 'postgres';
	db: Kysely<Tables>;
	/** Whether the database answers now (readiness). */
	reachable(): Promise<boolean>;
	close(): Promise<void>;
};

const migrations: MigrationProvider = {getMigrations: async () => MIGRATIONS};

/** Opens the database and applies the migrations not applied yet. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
	const engine = options.url ? 'postgres' : 'sqlite';
	const db = new Kysely<Tables>({dialect: options.url ? await postgresDialect(options.url, options.poolSize ?? 10) : await sqliteDialect(path.join(options.dataDir, 'service.sqlite'))});
	try {
		const {error} = await new Migrator({db, provider: migrations}).migrateToLatest();
		if (error) throw error;
	} catch (error) {
		await db.destroy();
		throw error;
	}
	return {
		engine,
		db,
		reachable: () =>
			db
				.selectFrom('account_revision')
				.select('last')
				.executeTakeFirst()
				.then(
					() => true,
					() => false,
				),
		close: () => db.destroy(),
	};
}

// The drivers are loaded only for the engine in use: `pg` is not needed by a kiosk, nor SQLite by `serve --database`.
async function sqliteDialect(file: string): Promise<SqliteDialect> {
	const {default: SQLite} = await import('better-sqlite3');
	const database = new SQLite(file);
	// WAL: readers do not wait for the writer; a crash loses no committed transaction.
	database.pragma('journal_mode = WAL');
	database.pragma('synchronous = NORMAL');
	database.pragma('busy_timeout = 5000');
	return new SqliteDialect({database});
}

async function postgresDialect(url: string, max: number): Promise<PostgresDialect> {
	const {default: pg} = await import('pg');
	// int8 (bigint) as a number: revisions and times in milliseconds stay far below 2^53.
	const types = {getTypeParser: (oid: number, format?: 'text' | 'binary') => (oid === 20 ? Number : pg.types.getTypeParser(oid, format))};
	const pool = new pg.Pool({connectionString: url, max, types});
	// An idle connection the server ends (a restart, a failover) is reported here; unheard, the
	// event would end the process. The pool drops that connection and opens another when needed.
	pool.on('error', () => undefined);
	return new PostgresDialect({pool});
}

/** Which unique column a failed insert or update collided on (`address`, `national_id`…), if that was the failure. */
export function uniqueViolation(error: unknown): string | null {
	const {code, constraint, message} = error as {code?: string; constraint?: string; message?: string};
	// PostgreSQL: 23505 with the constraint's name, `<table>_<column>_key` (primary keys are named so too).
	if (code === '23505') return constraint?.replace(/^[a-z]+_/, '').replace(/_key$/, '') ?? 'unknown';
	// SQLite: "UNIQUE constraint failed: accounts.national_id".
	if (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT')) return /failed: \w+\.(\w+)/.exec(message ?? '')?.[1] ?? 'unknown';
	return null;
}
