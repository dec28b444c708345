// The service's database: an embedded SQLite file in the data directory by default (a kiosk, a
// single `serve`: nothing to install), or a PostgreSQL server shared by several `serve`
// instances. Both behind Kysely, one query builder and one set of migrations.
import path from 'node:path';
import {Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type MigrationProvider, type SqliteDatabase} from 'kysely';
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
	/** Tells every instance listening on `channel` (PostgreSQL NOTIFY; nothing on SQLite, which has one process). */
	notify(channel: string): Promise<void>;
	/**
	 * Calls `heard` on each notification on `channel` from any instance, and when listening
	 * (re)starts after a lost connection, since notifications sent meanwhile are lost. Nothing on
	 * SQLite. Stopped by `close`.
	 */
	listen(channel: string, heard: () => void): void;
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
	const listeners: Array<{stop(): Promise<void>}> = [];
	const {url} = options;
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
		async notify(channel) {
			if (url) await sql`select pg_notify(${channel}, '')`.execute(db);
		},
		listen(channel, heard) {
			if (url) listeners.push(listenTo(url, channel, heard));
		},
		async close() {
			await Promise.all(listeners.map(listener => listener.stop()));
			await db.destroy();
		},
	};
}

// A listener whose connection was lost tries again this often.
const RELISTEN_MS = 1_000;

/**
 * LISTEN on a connection of its own (a pooled one would be handed to other queries), opened again
 * whenever it is lost (a PostgreSQL restart): `heard` is called then too, for what was missed.
 */
function listenTo(url: string, channel: string, heard: () => void): {stop(): Promise<void>} {
	let stopped = false;
	let client: import('pg').Client | undefined;
	let retry: NodeJS.Timeout | undefined;
	const again = () => {
		client = undefined;
		if (!stopped) retry = setTimeout(() => void start(), RELISTEN_MS);
	};
	const start = async () => {
		const {default: pg} = await import('pg');
		const connection = new pg.Client({connectionString: url});
		client = connection;
		// Unheard, a lost connection's error would end the process.
		connection.on('error', () => undefined);
		// Called by the end of the connection and by a failed start, whichever comes first: retried once.
		const lost = () => {
			if (client === connection) again();
		};
		connection.on('end', lost);
		connection.on('notification', notification => {
			if (notification.channel === channel) heard();
		});
		try {
			await connection.connect();
			await connection.query(`LISTEN "${channel.replace(/"/g, '""')}"`);
			if (stopped) await connection.end();
			else heard();
		} catch {
			await connection.end().catch(() => undefined);
			lost();
		}
	};
	void start();
	return {
		async stop() {
			stopped = true;
			clearTimeout(retry);
			const connection = client;
			client = undefined;
			await connection?.end().catch(() => undefined);
		},
	};
}

// The drivers are loaded only for the engine in use: `pg` is not needed by a kiosk, nor SQLite by `serve --database`.
async function sqliteDialect(file: string): Promise<SqliteDialect> {
	const database = await openSqliteFile(file);
	// WAL: readers do not wait for the writer; a crash loses no committed transaction.
	database.exec('PRAGMA journal_mode = WAL');
	database.exec('PRAGMA synchronous = NORMAL');
	database.exec('PRAGMA busy_timeout = 5000');
	return new SqliteDialect({database});
}

/** What Kysely and the pragmas above need of a SQLite connection. */
type SqliteFile = SqliteDatabase & {exec(sql: string): unknown};

/** Node's own SQLite (`node:sqlite`), as far as it is used here: not in @types/node 20. */
type NodeSqlite = {
	DatabaseSync: new (
		file: string,
	) => {
		exec(sql: string): void;
		close(): void;
		prepare(sql: string): {
			columns(): unknown[];
			all(...parameters: unknown[]): unknown[];
			run(...parameters: unknown[]): {changes: number | bigint; lastInsertRowid: number | bigint};
			iterate(...parameters: unknown[]): IterableIterator<unknown>;
		};
	};
};

/**
 * The SQLite file, through Node's own SQLite from Node 24 on (no native addon to build or load),
 * through better-sqlite3 before: 12 is the version that runs on Node 20, and on Node 24 it aborts
 * the process at exit (a statement finalised after Node's environment is gone). Node 22 has
 * `node:sqlite` too, but prints an experimental warning over the kiosk's screen.
 */
async function openSqliteFile(file: string): Promise<SqliteFile> {
	if (Number(process.versions.node.split('.')[0]) >= 24) {
		const nodeSqlite = 'node:sqlite';
		const {DatabaseSync} = (await import(nodeSqlite)) as NodeSqlite;
		const database = new DatabaseSync(file);
		return {
			exec: sql => database.exec(sql),
			close: () => database.close(),
			prepare(sql) {
				const statement = database.prepare(sql);
				// Kysely passes the parameters as one array, node:sqlite takes them as arguments.
				return {
					reader: statement.columns().length > 0,
					all: parameters => statement.all(...parameters),
					run: parameters => statement.run(...parameters),
					iterate: parameters => statement.iterate(...parameters),
				};
			},
		};
	}
	const {default: SQLite} = await import('better-sqlite3');
	return new SQLite(file);
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
	// SQLite: "UNIQUE constraint failed: accounts.national_id" (better-sqlite3: SQLITE_CONSTRAINT_…; node:sqlite: ERR_SQLITE_ERROR).
	const unique = /UNIQUE constraint failed: \w+\.(\w+)/.exec(message ?? '');
	if (typeof code === 'string' && (code.startsWith('SQLITE_CONSTRAINT') || code === 'ERR_SQLITE_ERROR') && unique) return unique[1] ?? 'unknown';
	return null;
}
