// The harness the service's database tests stand on, proved on the real servers from Debian: a
// private PostgreSQL (databases, SQL through psql, stop and start on the same data) and HAProxy
// balancing two real processes, one of which is killed. No pcscd needed; in the hardware project
// because it starts system programs and times them.
import {type ChildProcess, spawn} from 'node:child_process';
import {once} from 'node:events';
import {existsSync, writeFileSync} from 'node:fs';
import {createConnection} from 'node:net';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {type LoadBalancer, startHaproxy} from '../harness/haproxy.js';
import {type PostgresServer, startPostgres} from '../harness/postgres.js';

/** Vitest's own runner of TypeScript files (Node 20 runs none by itself), for a test process of our own. */
const VITE_NODE = fileURLToPath(new URL('../../node_modules/.bin/vite-node', import.meta.url));

/** True when 127.0.0.1:`port` refuses connections (nothing listens). */
function refuses(port: number): Promise<boolean> {
	return new Promise(resolve => {
		const socket = createConnection(port, '127.0.0.1');
		socket.once('connect', () => {
			socket.destroy();
			resolve(false);
		});
		socket.once('error', error => resolve((error as NodeJS.ErrnoException).code === 'ECONNREFUSED'));
	});
}

describe('private PostgreSQL server', () => {
	let pg: PostgresServer;

	beforeAll(async () => {
		const started = performance.now();
		pg = await startPostgres();
		console.log(`PostgreSQL harness started in ${Math.round(performance.now() - started)} ms (port ${pg.port}, ${pg.dir})`);
	});

	afterAll(async () => {
		await pg?.cleanup();
	});

	test("a created database takes SQL through psql at its URL, and is empty of other databases' tables", async () => {
		const url = await pg.createDatabase('harness_accounts');
		expect(url).toBe(`postgres://mssante@127.0.0.1:${pg.port}/harness_accounts`);
		await pg.psql("CREATE TABLE accounts (address text PRIMARY KEY, given_name text NOT NULL); INSERT INTO accounts VALUES ('marie-helene.dupont@mssante.test', 'Marie-Hélène')", 'harness_accounts');
		expect(await pg.psql('SELECT address, upper(given_name) FROM accounts', 'harness_accounts')).toBe('marie-helene.dupont@mssante.test\tMARIE-HÉLÈNE');

		await pg.createDatabase('harness_other');
		expect(await pg.psql("SELECT to_regclass('accounts') IS NULL", 'harness_other')).toBe('t');
		await expect(pg.psql("INSERT INTO accounts VALUES ('marie-helene.dupont@mssante.test', 'Y')", 'harness_accounts')).rejects.toThrow(
			/duplicate key value violates unique constraint "accounts_pkey"/,
		);
		await expect(pg.createDatabase('Robert"; DROP')).rejects.toThrow(/lower-case letters/);
	});

	test('stopped, the server refuses connections; started again on the same port, it has every committed row, after a crash too', async () => {
		await pg.createDatabase('harness_restart');
		await pg.psql('CREATE TABLE codes (id int PRIMARY KEY); INSERT INTO codes VALUES (1)', 'harness_restart');

		const url = pg.urlOf('harness_restart');
		await pg.stop('fast');
		expect(pg.running()).toBe(false);
		expect(await refuses(pg.port)).toBe(true);
		await expect(pg.psql('SELECT 1', 'harness_restart')).rejects.toThrow(/Connection refused/);

		const restarted = performance.now();
		await pg.start();
		console.log(`PostgreSQL restarted in ${Math.round(performance.now() - restarted)} ms`);
		expect(pg.running()).toBe(true);
		expect(pg.urlOf('harness_restart')).toBe(url);
		await pg.psql('INSERT INTO codes VALUES (2)', 'harness_restart');

		// An immediate stop is a crash: the next start replays the WAL.
		await pg.stop('immediate');
		expect(pg.running()).toBe(false);
		await pg.start();
		expect(await pg.psql('SELECT id FROM codes ORDER BY id', 'harness_restart')).toBe('1\n2');
	});

	test('a test process killed with SIGKILL takes its server with it, and the next start deletes what it left', async () => {
		// A test process of its own, run the way Vitest runs test files (vite-node), killed as Vitest kills a worker at a timeout.
		const script = path.join(pg.dir, 'killed-test-process.ts');
		writeFileSync(
			script,
			`import {startPostgres} from ${JSON.stringify(fileURLToPath(new URL('../harness/postgres.ts', import.meta.url)))};
const pg = await startPostgres();
process.stdout.write(JSON.stringify({dir: pg.dir, port: pg.port}) + '\\n');
setInterval(() => {}, 1000);
`,
		);
		const child = spawn(VITE_NODE, [script], {stdio: ['ignore', 'pipe', 'inherit']});
		const exited = new Promise(resolve => child.once('exit', resolve));
		const [line] = await once(child.stdout, 'data');
		const left = JSON.parse(String(line)) as {dir: string; port: number};
		expect(await refuses(left.port)).toBe(false);
		child.kill('SIGKILL');
		await exited;
		await expect.poll(() => refuses(left.port), {timeout: 5_000}).toBe(true);
		expect(existsSync(left.dir)).toBe(true);

		const second = await startPostgres();
		try {
			expect(existsSync(left.dir)).toBe(false);
			expect(second.port).not.toBe(pg.port);
			expect(await second.psql('SELECT 1')).toBe('1');
			expect(await pg.psql('SELECT 1')).toBe('1');
		} finally {
			await second.cleanup();
		}
	});

	test('cleanup stops the server and deletes its directory', async () => {
		await pg.cleanup();
		expect(pg.running()).toBe(false);
		expect(await refuses(pg.port)).toBe(true);
		expect(existsSync(pg.dir)).toBe(false);
	});
});

/** A tiny HTTP server in its own process that answers every request with its name, and prints its port. */
const INSTANCE = `
const name = process.argv[1];
require('node:http')
	.createServer((request, response) => response.end(name))
	.listen(0, '127.0.0.1', function () { process.stdout.write(this.address().port + '\\n'); });
`;

type Instance = {name: string; url: string; process: ChildProcess};

/** Starts one INSTANCE process and resolves once it listens. */
function startInstance(name: string): Promise<Instance> {
	const child = spawn(process.execPath, ['-e', INSTANCE, name], {stdio: ['ignore', 'pipe', 'inherit']});
	return new Promise((resolve, reject) => {
		child.once('error', reject);
		child.once('exit', code => reject(new Error(`instance ${name} exited with code ${code}`)));
		child.stdout.once('data', (chunk: Buffer) => resolve({name, url: `http://127.0.0.1:${chunk.toString().trim()}`, process: child}));
	});
}

/** Who answered each of `count` requests sent one after another through the load balancer. */
async function answers(lb: LoadBalancer, count: number): Promise<string[]> {
	const names: string[] = [];
	for (let index = 0; index < count; index++) {
		const response = await fetch(`${lb.url}/v1/accounts/${index}`);
		expect(response.status).toBe(200);
		names.push(await response.text());
	}
	return names;
}

describe('HAProxy in front of two instances', () => {
	const instances: Instance[] = [];
	let lb: LoadBalancer;

	beforeAll(async () => {
		instances.push(await startInstance('alpha'), await startInstance('beta'));
		const started = performance.now();
		lb = await startHaproxy(
			instances.map(instance => instance.url),
			{path: '/v1/health'},
		);
		console.log(`HAProxy harness started in ${Math.round(performance.now() - started)} ms (${lb.url})`);
	});

	afterAll(async () => {
		await lb?.stop();
		for (const instance of instances) instance.process.kill('SIGKILL');
	});

	test('requests alternate between the two instances', async () => {
		const names = await answers(lb, 6);
		expect(new Set(names)).toEqual(new Set(['alpha', 'beta']));
		for (let index = 1; index < names.length; index++) expect(names[index], `request ${index} of ${names.join(', ')}`).not.toBe(names[index - 1]);
	});

	test('one instance killed, every request is still answered, by the other', async () => {
		const [alpha] = instances;
		if (!alpha) throw new Error('no instance');
		const exited = new Promise(resolve => alpha.process.once('exit', resolve));
		alpha.process.kill('SIGKILL');
		await exited;
		// At once, before any health check has seen it: a refused connection goes to the next instance.
		expect(await answers(lb, 10)).toEqual(Array(10).fill('beta'));
	});

	test('stopped, it refuses connections', async () => {
		const port = Number(new URL(lb.url).port);
		await lb.stop();
		expect(await refuses(port)).toBe(true);
	});
});
