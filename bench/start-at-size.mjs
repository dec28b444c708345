#!/usr/bin/env node
// How `serve` starts with a national-size database: N accounts written into a fresh SQLite data
// directory with SQL (not through the API), then `serve` started on it. Prints when it listens,
// /v1/health's latency while the stored accounts are read into the directory, when the last of
// them is searchable, and the process's resident memory. Run `npm run build` first.
//
//   node bench/start-at-size.mjs [--accounts 540000]
//
// Figures are printed, never asserted.
import {spawn} from 'node:child_process';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {setTimeout as sleep} from 'node:timers/promises';
import {integerOption, log, makeTempDir, parseCommandLine, removeDir, root} from './lib.mjs';

const args = parseCommandLine(
	{accounts: {type: 'string', default: '540000'}, help: {type: 'boolean', short: 'h', default: false}},
	'Usage: node bench/start-at-size.mjs [--accounts N]   (after `npm run build`)',
);
const accounts = integerOption(args.accounts, '--accounts', 1);
const HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
const dataDir = makeTempDir('mssante-start-at-size-');

/** Starts serve on the data directory; resolves with the child and its URL once it listens. */
async function serve() {
	const child = spawn(process.execPath, [path.join(root, 'bin/mssante-kiosk.js'), 'serve', '--port', '0', '--data-dir', dataDir], {
		stdio: ['ignore', 'pipe', 'inherit'],
		env: {...process.env, MSSANTE_DATABASE_URL: ''},
	});
	let output = '';
	child.stdout.on('data', chunk => (output += String(chunk)));
	while (!/sur (http:\/\/\S+)\/v1/.test(output)) {
		if (child.exitCode !== null) throw new Error(`serve exited: ${output}`);
		await sleep(20);
	}
	return {child, url: /sur (http:\/\/\S+)\/v1/.exec(output)?.[1]};
}

const stopped = child => new Promise(resolve => (child.exitCode === null ? child.once('exit', resolve) : resolve()));
const rssKb = pid => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

try {
	// A first start creates the schema.
	const first = await serve();
	first.child.kill('SIGTERM');
	await stopped(first.child);
	const {default: SQLite} = await import('better-sqlite3');
	const database = new SQLite(path.join(dataDir, 'service.sqlite'));
	const loading = performance.now();
	database.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${accounts})
		INSERT INTO accounts (address, national_id, identity, options, password_hash, activation_request_id, created_at, updated_at, revision)
		SELECT 'pre' || i || '.charge@medecin.mssante.fr', '' || (20000000000 + i),
			'{"givenName":"Jean","surname":"CHARGE' || i || '","profession":"Médecin","professionCode":"10","nationalId":"' || (20000000000 + i) || '","idType":"RPPS"}',
			'{"email":"pre' || i || '@exemple.fr","otpChannel":"mail","notify":false,"publishMobile":false,"listeRouge":false,"paperless":false}',
			'${HASH}', 'preload-' || i, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', i FROM n`);
	database.exec(`UPDATE account_revision SET last = ${accounts}`);
	database.close();
	log(`${accounts} accounts written with SQL in ${((performance.now() - loading) / 1000).toFixed(1)} s`);

	const started = performance.now();
	const {child, url} = await serve();
	console.log(`listening after ${(performance.now() - started).toFixed(0)} ms`);
	const health = [];
	for (;;) {
		const asked = performance.now();
		await fetch(`${url}/v1/health`);
		health.push(performance.now() - asked);
		const {total} = await (await fetch(`${url}/v1/directory?q=charge${accounts}`)).json();
		if (total === 1) break;
		await sleep(500);
	}
	console.log(
		`every account searchable after ${((performance.now() - started) / 1000).toFixed(1)} s; /v1/health meanwhile ${Math.min(...health).toFixed(0)}–${Math.max(...health).toFixed(0)} ms (${health.length} asks); RSS ${(rssKb(child.pid) / 1024).toFixed(0)} MB`,
	);
	child.kill('SIGTERM');
	await stopped(child);
} finally {
	removeDir(dataDir);
}
