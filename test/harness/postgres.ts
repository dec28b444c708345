import {createHash} from 'node:crypto';
import {constants, existsSync, readdirSync, readFileSync} from 'node:fs';
import {access, chown, mkdtemp, readdir, readFile, rename, rm, statfs} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {execa} from 'execa';
import {type Daemon, onFreePort, spawnDaemon, waitUntilReady} from './daemon.js';

/** Where Debian puts each installed major version's server programs (`<version>/bin/initdb`, `postgres`, `psql`). */
const DEBIAN_POSTGRESQL = '/usr/lib/postgresql';

/** The superuser of every test cluster; connections are trusted, so no password exists to leak. */
const POSTGRES_USER = 'mssante';

/**
 * initdb's arguments, part of the template's cache key. C.UTF-8 (always present in glibc) rather
 * than the machine's locale: the same sort order and upper/lower on accented names everywhere.
 */
const INITDB_ARGS = ['--username', POSTGRES_USER, '--auth', 'trust', '--encoding', 'UTF8', '--locale', 'C.UTF-8', '--no-sync', '--no-instructions'];

/**
 * Durability traded for speed: a test cluster is thrown away, never recovered after a machine
 * crash, so nothing is flushed to the disk. Commits still reach the kernel before they are
 * acknowledged (synchronous_commit stays on): a crash of the server alone (an immediate stop)
 * loses nothing committed, which the restart tests count on.
 */
const FAST_SETTINGS = {fsync: 'off', full_page_writes: 'off'};

/** Each server's (and template build's) directory: this prefix, then the pid of the test process that made it, so a later run can tell it was left behind. */
const SERVER_PREFIX = 'mssante-pg-server-';

/** statfs's type of a tmpfs (linux/magic.h). */
const TMPFS_MAGIC = 0x01021994;

/** How the postmaster is asked to stop: smart waits for clients to leave, fast ends their sessions, immediate is a crash (recovery at the next start). */
type StopMode = 'smart' | 'fast' | 'immediate';

const STOP_SIGNALS: Record<StopMode, NodeJS.Signals> = {smart: 'SIGTERM', fast: 'SIGINT', immediate: 'SIGQUIT'};

/** A private PostgreSQL server of one test file, on a loopback port and a Unix socket of its own. */
export type PostgresServer = {
	/** Loopback TCP port, the same across `stop()`/`start()`. */
	port: number;
	/** The directory holding the data (`data/`), the log (`postgres.log`) and the server's Unix socket, which it must have somewhere and tests do not use. */
	dir: string;
	/** The connection URL of `database` over TCP, as `serve --database` takes it. */
	urlOf(database: string): string;
	/** Creates an empty database and returns its URL. `name`: lower-case letters, digits and `_`. */
	createDatabase(name: string): Promise<string>;
	/** Runs `sql` (any number of statements, stopping at the first error) with psql and returns what it printed, rows as tab-separated lines. */
	psql(sql: string, database?: string): Promise<string>;
	/** True while the server runs. */
	running(): boolean;
	/** Stops the server, keeping its data. */
	stop(mode?: StopMode): Promise<void>;
	/** Starts the stopped server again on the same data and port; resolves once it accepts connections. */
	start(): Promise<void>;
	/** Stops the server and deletes its directory. */
	cleanup(): Promise<void>;
};

/** Who runs initdb and the server, which refuse root: ourselves, or Debian's `postgres` user when we are root (`setpriv` options to become it). */
type ServerUser = {uid: number; gid: number; privileges: string[]};

/** The highest major version installed under /usr/lib/postgresql, never PATH's (a fresh machine has none there). */
function serverBin(): string {
	const versions = existsSync(DEBIAN_POSTGRESQL)
		? readdirSync(DEBIAN_POSTGRESQL)
				.filter(version => /^\d+$/.test(version) && existsSync(path.join(DEBIAN_POSTGRESQL, version, 'bin', 'initdb')))
				.sort((a, b) => Number(b) - Number(a))
		: [];
	const version = versions[0];
	if (version === undefined) throw new Error(`no PostgreSQL server under ${DEBIAN_POSTGRESQL}/<version>/bin: run scripts/setup.sh as root (it installs Debian's postgresql)`);
	return path.join(DEBIAN_POSTGRESQL, version, 'bin');
}

/** The user to run the server as (see ServerUser); the postgres user comes with Debian's package. */
function serverUser(): ServerUser {
	const uid = process.getuid?.() ?? 0;
	if (uid !== 0) return {uid, gid: process.getgid?.() ?? 0, privileges: []};
	const entry = readFileSync('/etc/passwd', 'utf8')
		.split('\n')
		.map(line => line.split(':'))
		.find(fields => fields[0] === 'postgres');
	if (!entry) throw new Error('running as root, the test PostgreSQL server needs the "postgres" user (initdb refuses root): run scripts/setup.sh, which installs Debian\'s postgresql');
	return {uid: Number(entry[2]), gid: Number(entry[3]), privileges: ['--reuid', 'postgres', '--regid', 'postgres', '--clear-groups']};
}

/**
 * Where clusters live: /dev/shm when it is a memory file system with room, else the temporary
 * directory. Here, copying the template to the disk takes 0.6 to 2.3 s while other tests load
 * it, to memory 0.5 s; a test cluster never needs to outlive the machine's uptime.
 */
async function clusterRoot(): Promise<string> {
	try {
		const stats = await statfs('/dev/shm');
		await access('/dev/shm', constants.W_OK);
		if (stats.type === TMPFS_MAGIC && stats.bavail * stats.bsize >= 2 ** 30) return '/dev/shm';
	} catch {
		// No /dev/shm, or not ours to write: the temporary directory will do.
	}
	return tmpdir();
}

/**
 * A freshly initialised data directory to copy, built once per machine, server version, initdb
 * arguments and owner: initdb takes seconds (most of a cold start here), a copy a fraction of one.
 * Built aside and renamed into place, so a file that finds it finds it whole; two files building
 * it at once both succeed and one copy is kept.
 */
async function template(root: string, bin: string, user: ServerUser): Promise<string> {
	const {stdout: version} = await execa(path.join(bin, 'postgres'), ['--version']);
	const key = createHash('sha256')
		.update(JSON.stringify([version, INITDB_ARGS, user.uid]))
		.digest('hex')
		.slice(0, 16);
	const target = path.join(root, `mssante-pg-template-${key}`);
	if (existsSync(path.join(target, 'PG_VERSION'))) return target;

	// Named as a server's directory, so that an initdb cut short by a killed test process is swept the same way.
	const staging = await mkdtemp(path.join(root, `${SERVER_PREFIX}${process.pid}-initdb-`));
	try {
		await chown(staging, user.uid, user.gid);
		const data = path.join(staging, 'data');
		await execa('setpriv', [...user.privileges, '--', path.join(bin, 'initdb'), '--pgdata', data, ...INITDB_ARGS]);
		await rename(data, target).catch((error: NodeJS.ErrnoException) => {
			// Another test file put its template there first: the same bytes, keep theirs.
			if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
		});
	} finally {
		await rm(staging, {recursive: true, force: true});
	}
	return target;
}

/**
 * Deletes the directories of servers whose test process died without cleaning up (killed at a
 * timeout before its afterAll): under /dev/shm they would hold memory until the machine restarts.
 * Their postmasters died with that process (spawnDaemon's parent-death signal).
 */
async function sweep(root: string): Promise<void> {
	for (const name of await readdir(root)) {
		if (!name.startsWith(SERVER_PREFIX)) continue;
		const owner = Number(name.slice(SERVER_PREFIX.length).split('-')[0]);
		// /proc/<pid> exists while the process does (a zombie included): then the directory is still in use.
		if (!(owner > 0) || existsSync(`/proc/${owner}`)) continue;
		await rm(path.join(root, name), {recursive: true, force: true}).catch(() => {
			// Another user's directory: theirs to sweep.
		});
	}
}

/** True once the postmaster `pid` has written "ready" in its lock file (line 8 since PostgreSQL 10). */
async function ready(data: string, pid: number): Promise<boolean> {
	try {
		const lines = (await readFile(path.join(data, 'postmaster.pid'), 'utf8')).split('\n');
		// A lock file left by a crashed postmaster names another pid.
		return Number(lines[0]) === pid && lines[7]?.trim() === 'ready';
	} catch {
		return false;
	}
}

/**
 * Starts a private PostgreSQL server: a copy of an initdb template in a fresh directory (under
 * /dev/shm when it can), listening on a free loopback port (and a Unix socket in that directory),
 * fsync off. As root it runs as Debian's `postgres` user. Directories left by dead test processes
 * are swept first.
 *
 * One server per test file, not one shared by the files of a run: the restart tests stop it, which
 * would break every other file on it, and no file would know it is the last one to stop it. With
 * the template a server starts in about half a second here (0.4 to 0.9 s measured on the two loaded
 * cores; 2 s when the template is built first); createDatabase gives a file several databases.
 *
 * @param settings extra server settings (`-c name=value`), e.g. `{max_connections: '200'}`.
 */
export async function startPostgres(settings: Record<string, string> = {}): Promise<PostgresServer> {
	const bin = serverBin();
	const user = serverUser();
	const root = await clusterRoot();
	await sweep(root);
	const source = await template(root, bin, user);
	const dir = await mkdtemp(path.join(root, `${SERVER_PREFIX}${process.pid}-`));
	const data = path.join(dir, 'data');
	const log = path.join(dir, 'postgres.log');
	const options = Object.entries({...FAST_SETTINGS, listen_addresses: '127.0.0.1', ...settings}).flatMap(([name, value]) => ['-c', `${name}=${value}`]);

	let port = 0;
	const urlOf = (database: string): string => `postgres://${POSTGRES_USER}@127.0.0.1:${port}/${database}`;
	let daemon: Daemon | undefined;
	const launch = async (candidate: number): Promise<number> => {
		const started = spawnDaemon('PostgreSQL', path.join(bin, 'postgres'), ['-D', data, '-p', String(candidate), '-k', dir, ...options], {log, deathSignal: 'SIGQUIT', privileges: user.privileges});
		daemon = started;
		await waitUntilReady(started, () => ready(data, started.pid), 30_000);
		return candidate;
	};
	const running = (): boolean => daemon?.running() ?? false;
	const stop = async (mode: StopMode = 'fast'): Promise<void> => {
		await daemon?.stop(STOP_SIGNALS[mode]);
	};
	const psql = async (sql: string, database = 'postgres'): Promise<string> => {
		// Through the URL a service gets, so what works here works there.
		const result = await execa(
			path.join(bin, 'psql'),
			['--no-psqlrc', '--quiet', '--no-align', '--tuples-only', '--field-separator=\t', '-v', 'ON_ERROR_STOP=1', '--dbname', urlOf(database), '-f', '-'],
			{input: sql, reject: false},
		);
		if (result.exitCode !== 0) throw new Error(`psql on database ${database} failed: ${result.stderr.trim()}`);
		return result.stdout;
	};

	try {
		await chown(dir, user.uid, user.gid);
		// cp -a keeps the owner, which fs.cp does not: as root the copy must stay the postgres user's.
		await execa('cp', ['-a', source, data]);
		port = await onFreePort(launch);
	} catch (error) {
		await stop('immediate');
		await rm(dir, {recursive: true, force: true});
		throw error;
	}

	return {
		port,
		dir,
		urlOf,
		async createDatabase(name) {
			if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`database name "${name}": lower-case letters, digits and _ only, 63 at most, not starting with a digit`);
			await psql(`CREATE DATABASE ${name}`);
			return urlOf(name);
		},
		psql,
		running,
		stop,
		async start() {
			if (running()) return;
			// The same port: whatever holds the URL (a service under test) must find the server there again.
			await launch(port);
		},
		async cleanup() {
			await stop('fast');
			await rm(dir, {recursive: true, force: true});
		},
	};
}
