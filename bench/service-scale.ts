// The activation service at national size: bench/backend-load.mjs (activations and sign-ins, 50
// concurrent kiosks) on SQLite, on PostgreSQL with one instance, and on PostgreSQL with two
// instances behind HAProxy — each with 1,000 and with 540,000 accounts already in the database
// (loaded with SQL). PostgreSQL is a private server started by the tests' harness.
//
//   npm run build && npx vite-node bench/service-scale.ts [-- --practitioners 100 --concurrency 50 --accounts 1000,540000 --storages sqlite,pg1,pg2]
//
// Figures are printed, never asserted.
import {execFile} from 'node:child_process';
import path from 'node:path';
import {parseArgs, promisify} from 'node:util';
import {startPostgres} from '../test/harness/postgres.js';

const run = promisify(execFile);
const {values} = parseArgs({
	options: {
		practitioners: {type: 'string', default: '100'},
		concurrency: {type: 'string', default: '50'},
		accounts: {type: 'string', default: '1000,540000'},
		storages: {type: 'string', default: 'sqlite,pg1,pg2'},
	},
	allowPositionals: true,
});
const storages = new Set((values.storages ?? '').split(','));
const sizes = (values.accounts ?? '').split(',').map(Number);
const script = path.join(import.meta.dirname, 'backend-load.mjs');

type Phase = {ok: number; failed: number; opsPerSecond: number; call: {p50: number; p99: number}; flow: {p50: number; p99: number}};
type Report = {storage: string; instances: number; preloaded: number; startMs: number; activations: Phase; signIns: Phase};

const postgres = await startPostgres({max_connections: '200'});
const rows: string[][] = [];
try {
	const databaseUrl = await postgres.createDatabase('bench');
	for (const accounts of sizes) {
		for (const [storage, name, extra] of [
			['sqlite', 'SQLite', []],
			['pg1', 'PostgreSQL ×1', ['--database', databaseUrl]],
			['pg2', 'PostgreSQL ×2 + HAProxy', ['--database', databaseUrl, '--instances', '2']],
		] as const) {
			if (!storages.has(storage)) continue;
			process.stderr.write(`${name}, ${accounts} accounts stored…\n`);
			// A run with failed operations still reports them (exit code 1): its figures are kept.
			const {stdout} = await run(
				process.execPath,
				[script, '--json', '--hashes', '2', '--practitioners', values.practitioners ?? '100', '--concurrency', values.concurrency ?? '50', '--preload', String(accounts), ...extra],
				{maxBuffer: 1 << 24, timeout: 30 * 60_000},
			).catch((error: {stdout?: string}) => {
				if (!error.stdout?.trim().startsWith('{')) throw error;
				return {stdout: error.stdout};
			});
			const report = JSON.parse(stdout) as Report;
			const cells = (phase: Phase) => [
				`${phase.ok}${phase.failed ? ` (+${phase.failed} failed)` : ''}`,
				phase.opsPerSecond.toFixed(1),
				phase.call.p50.toFixed(0),
				phase.call.p99.toFixed(0),
				phase.flow.p50.toFixed(0),
				phase.flow.p99.toFixed(0),
			];
			rows.push([name, String(accounts), (report.startMs / 1000).toFixed(1), ...cells(report.activations), ...cells(report.signIns)]);
			process.stderr.write(`  ${rows.at(-1)?.join('  ')}\n`);
		}
	}
} finally {
	await postgres.cleanup();
}
const header = ['storage', 'accounts', 'start s', 'act ok', 'act/s', 'act call p50', 'p99', 'act flow p50', 'p99', 'sign-in ok', 'sign-ins/s', 'sign-in call p50', 'p99', 'sign-in flow p50', 'p99'];
const widths = header.map((title, column) => Math.max(title.length, ...rows.map(row => (row[column] ?? '').length)));
for (const row of [header, widths.map(width => '-'.repeat(width)), ...rows]) console.log(row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  '));
console.log(
	`\nms; ${values.concurrency} concurrent kiosks, ${values.practitioners} practitioners activated then signed in per run. call: POST /v1/activations or /v1/sign-in alone; flow: with challenges, code by outbox and confirmation.`,
);
