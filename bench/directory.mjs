#!/usr/bin/env node
// Directory benchmark (issue 5): on the generated national-size extraction (600,000 mailboxes),
//   - time until the service's directory is ready (`serve` log: the file read in two threads, then
//     indexed), and the same import + build in one thread in-process; the index's memory;
//   - latency of realistic queries in-process, p50/p99 over N queries (1–4 letter prefixes of real
//     names, half of them with filters: profession, postal code or département, city);
//   - the same queries through HTTP, against `mssante-kiosk serve --directory FILE` (sequential,
//     keep-alive, from this process);
//   - the same queries by a plain linear scan (test/helpers/directory-scan.ts, the oracle the tests
//     check the index against), in the same run: every --scan-every-th query (default 10th), and
//     the index's times on that same subset for the ratio.
//
//   node bench/directory.mjs [--rows 600000] [--queries 10000] [--scan-every 10] [--service-runs 7] [--file F] [--json]
//
// Memory: heap used + array buffers after a full GC, minus the same before the import (`node
// --expose-gc`, in a child process of its own); the peak RSS of that child is printed too.
// Figures are printed, never asserted.
import {spawn} from 'node:child_process';
import {existsSync, readFileSync, statSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {bundle} from '../scripts/build.mjs';
import {integerOption, log, makeTempDir, median, onInterrupt, parseCommandLine, percentile, removeDir, root, tableLines} from './lib.mjs';

const USAGE = 'node bench/directory.mjs [--rows 600000] [--queries 10000] [--scan-every 10] [--service-runs 7] [--file EXTRACTION] [--json]';
const here = fileURLToPath(import.meta.url);

// ---------------------------------------------------------------- child: in-process measures
if (process.argv[2] === '--child') {
	const [file, queriesFile] = process.argv.slice(3);
	const core = await import(path.join(root, 'bench/out/directory-core.js'));
	const queries = JSON.parse(readFileSync(queriesFile, 'utf8'));
	const scanEvery = Number(process.argv[5]);
	// Garbage of the import is only all gone after the pending async frames end: a tick, two GCs.
	const memory = async () => {
		await new Promise(resolve => setTimeout(resolve, 100));
		globalThis.gc();
		globalThis.gc();
		const usage = process.memoryUsage();
		return usage.heapUsed + usage.arrayBuffers;
	};
	const before = await memory();
	const started = performance.now();
	let builder = new core.DirectoryIndexBuilder();
	await core.importExtraction(core.fileLines(file), (record, line) => builder.add(record, line));
	const imported = performance.now();
	const index = builder.build();
	const built = performance.now();
	builder = null;
	const indexBytes = (await memory()) - before;
	// Peak resident memory of import + build (the scan below loads far more).
	const peakRss = Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) * 1024;
	const viewer = {signedIn: false};
	// Warm-up on other queries than the measured ones (the JIT), then each query once.
	for (let i = 0; i < 300; i++) index.search({text: String.fromCharCode(97 + (i % 26)), limit: 50}, viewer);
	const indexMs = queries.map(query => {
		const t = performance.now();
		index.search({...query, limit: 50}, viewer);
		return performance.now() - t;
	});
	// The scan keeps every record in memory, prepared (folded words): loaded after the index was measured.
	const records = [];
	await core.importExtraction(core.fileLines(file), record => records.push({...record}));
	const scanned = core.prepareScan(records);
	const subset = queries.map((_query, i) => i).filter(i => i % scanEvery === 0);
	for (const i of subset.slice(0, 3)) core.scanDirectory(scanned, queries[i]);
	const scanMs = subset.map(i => {
		const t = performance.now();
		core.scanDirectory(scanned, queries[i]);
		return performance.now() - t;
	});
	process.stdout.write(JSON.stringify({importMs: imported - started, buildMs: built - imported, indexBytes, peakRss, entries: index.size, indexMs, scanMs, scanSubset: subset}));
	process.exit(0);
}

// ------------------------------------------------------------------------------- parent
const args = parseCommandLine(
	{
		rows: {type: 'string', default: '600000'},
		'service-runs': {type: 'string', default: '7'},
		queries: {type: 'string', default: '10000'},
		'scan-every': {type: 'string', default: '10'},
		file: {type: 'string'},
		json: {type: 'boolean'},
		help: {type: 'boolean', short: 'h'},
	},
	USAGE,
);
const rows = integerOption(args.rows, '--rows', 1);
const queryCount = integerOption(args.queries, '--queries', 1);
const scanEvery = integerOption(args['scan-every'], '--scan-every', 1);
const serviceRuns = integerOption(args['service-runs'], '--service-runs', 1);
const work = makeTempDir('mssante-bench-directory-');
let serveChild;
onInterrupt(() => {
	serveChild?.kill('SIGKILL');
	removeDir(work);
});

await bundle({'directory-core': 'bench/directory-core.ts'}, 'bench/out');
const core = await import(path.join(root, 'bench/out/directory-core.js'));
const file = args.file ?? path.join(work, 'Extraction_Correspondance_MSSante.txt');
if (!args.file) {
	log(`generating ${rows} mailboxes…`);
	await core.writeExtraction(file, {rows});
}
log(`${file}: ${(statSync(file).size / 1e6).toFixed(0)} MB`);

// Realistic queries, drawn from the file's own mailboxes (deterministic).
let seed = 2026;
const random = () => (seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32;
const sample = [];
let seen = 0;
await core.importExtraction(core.fileLines(file), record => {
	if (seen++ % 37 === 0) sample.push(record);
});
const queries = [];
for (let i = 0; i < queryCount; i++) {
	const record = sample[Math.floor(random() * sample.length)];
	const name = (record.surname || record.organisation).toLowerCase();
	const query = {text: name.slice(0, 1 + Math.floor(random() * 4))};
	if (random() < 0.5) {
		const filters = Math.floor(random() * 3);
		if (filters === 0 && record.professionCode) query.profession = record.professionCode;
		if (filters === 1) query.place = record.postalCode.slice(0, random() < 0.5 ? 2 : 5);
		if (filters === 2) query.city = record.city.slice(0, 4).toLowerCase();
	}
	queries.push(query);
}
const queriesFile = path.join(work, 'queries.json');
const {writeFileSync} = await import('node:fs');
writeFileSync(queriesFile, JSON.stringify(queries));

log('in-process: import, index, queries, linear scan…');
const inProcess = await new Promise((resolve, reject) => {
	const child = spawn(process.execPath, ['--expose-gc', here, '--child', file, queriesFile, String(scanEvery)], {stdio: ['ignore', 'pipe', 'inherit']});
	let out = '';
	child.stdout.on('data', chunk => (out += chunk));
	child.on('exit', code => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`child exited ${code}`))));
});

const bin = path.join(root, 'bin/mssante-kiosk.js');
if (!existsSync(path.join(root, 'dist/cli.js'))) throw new Error('run `npm run build` first');
/** Starts `serve --directory FILE`; resolves with its URL and the ready time its log gives. */
async function startService(dataDir) {
	serveChild = spawn(process.execPath, [bin, 'serve', '--port', '0', '--data-dir', dataDir, '--directory', file], {stdio: ['ignore', 'pipe', 'inherit']});
	let out = '';
	serveChild.stdout.on('data', chunk => (out += chunk));
	const deadline = Date.now() + 120_000;
	while (!/prêt en ([\d.]+) s/.test(out) && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 50));
	return {base: /sur (http:\/\/\S+)\/v1/.exec(out)?.[1], readySeconds: Number(/prêt en ([\d.]+) s/.exec(out)?.[1])};
}
const stopService = () =>
	new Promise(resolve => {
		serveChild.once('exit', resolve);
		serveChild.kill('SIGTERM');
	});
log(`service: ${serviceRuns} start(s) of mssante-kiosk serve --directory…`);
const readyTimes = [];
for (let run = 0; run < serviceRuns - 1; run++) {
	readyTimes.push((await startService(path.join(work, `data-${run}`))).readySeconds);
	await stopService();
}
log('through HTTP…');
const {base, readySeconds} = await startService(path.join(work, 'data'));
readyTimes.push(readySeconds);
const httpMs = [];
for (const query of queries.slice(0, 200)) await fetch(`${base}/v1/directory?${new URLSearchParams({q: query.text, limit: '50'})}`).then(r => r.arrayBuffer());
for (const query of queries) {
	const parameters = new URLSearchParams({q: query.text, limit: '50'});
	for (const name of ['profession', 'place', 'city']) if (query[name]) parameters.set(name, query[name]);
	const t = performance.now();
	const response = await fetch(`${base}/v1/directory?${parameters}`);
	await response.arrayBuffer();
	httpMs.push(performance.now() - t);
	if (!response.ok) throw new Error(`HTTP ${response.status} for ${parameters}`);
}
await stopService();
removeDir(work);

const ms = value => `${value.toFixed(2)} ms`;
const subsetIndex = inProcess.scanSubset.map(i => inProcess.indexMs[i]);
const result = {
	entries: inProcess.entries,
	importSeconds: inProcess.importMs / 1000,
	indexBuildSeconds: inProcess.buildMs / 1000,
	totalSeconds: (inProcess.importMs + inProcess.buildMs) / 1000,
	serviceReadySeconds: {median: median(readyTimes), min: Math.min(...readyTimes), max: Math.max(...readyTimes), runs: readyTimes.length},
	indexMegabytes: inProcess.indexBytes / 1e6,
	peakRssMegabytes: inProcess.peakRss / 1e6,
	queries: queries.length,
	inProcess: {p50: median(inProcess.indexMs), p99: percentile(inProcess.indexMs, 99), max: Math.max(...inProcess.indexMs)},
	http: {p50: median(httpMs), p99: percentile(httpMs, 99), max: Math.max(...httpMs)},
	scan: {
		queries: inProcess.scanMs.length,
		p50: median(inProcess.scanMs),
		p99: percentile(inProcess.scanMs, 99),
		indexP50OnSame: median(subsetIndex),
		ratioOfMedians: median(inProcess.scanMs) / median(subsetIndex),
		ratioOfTotals: inProcess.scanMs.reduce((a, b) => a + b, 0) / subsetIndex.reduce((a, b) => a + b, 0),
	},
};
if (args.json) console.log(JSON.stringify(result, null, 2));
else {
	console.log(`Directory: ${result.entries} mailboxes; ${result.queries} queries (1–4 letter prefixes, half with a filter)`);
	const ready = result.serviceReadySeconds;
	console.log(`  the service (serve --directory), file read in two threads then indexed: ready in ${ready.median} s median (${ready.min}–${ready.max} s, ${ready.runs} starts)`);
	console.log(`  one thread, in-process: import ${result.importSeconds.toFixed(2)} s + index build ${result.indexBuildSeconds.toFixed(2)} s = ${result.totalSeconds.toFixed(2)} s`);
	console.log(`  index memory ${result.indexMegabytes.toFixed(0)} MB (heap + array buffers after GC); peak RSS of import + build ${result.peakRssMegabytes.toFixed(0)} MB`);
	for (const line of tableLines([
		['', 'p50', 'p99', 'max'],
		['index, in-process', ms(result.inProcess.p50), ms(result.inProcess.p99), ms(result.inProcess.max)],
		['index, through HTTP', ms(result.http.p50), ms(result.http.p99), ms(result.http.max)],
		[`linear scan (${result.scan.queries} of the queries)`, ms(result.scan.p50), ms(result.scan.p99), ''],
	]))
		console.log(`  ${line}`);
	console.log(`  scan ÷ index on the same ${result.scan.queries} queries: ${result.scan.ratioOfMedians.toFixed(0)}× (medians), ${result.scan.ratioOfTotals.toFixed(0)}× (total time)`);
}
