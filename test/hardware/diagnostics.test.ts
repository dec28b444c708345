// Diagnostics and `doctor` on the real smart-card stack: pcscd with its vpcd readers, SoftHSM2
// as the PKCS#11 module, and a virtual card on vpcd's second reader ("Virtual PCD 00 01",
// TCP 35964) for the card check. pcscd is shared by the whole machine (SPEC §6) and other tests
// stop and restart it: this file starts one only when none runs, waits for it before each real
// check, and only ever stops the one it started.
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import net from 'node:net';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {Writable} from 'node:stream';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {doctor} from '../../src/commands/doctor.js';
import {BIN, ROOT, assertBuilt} from '../helpers/pty.js';
import {judge, PCSCD_SOCKET, runDiagnostics, type DiagnosticReport} from '../../src/hardware/diagnostics.js';

const SOFTHSM = '/usr/lib/softhsm/libsofthsm2.so';
const MISSING = '/opt/santesocial/CPS/lib/absent/libcps3_pkcs11_lux.so';
const CPS4_ATR = '3B 9B 18 80 01 00 12 25 00 64 80 04 01 00 00 90 44';
const OTHER_ATR = '3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A';
const SECOND_READER = 'Virtual PCD 00 01';
const SECOND_PORT = 35964;

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

let ourPcscd: ChildProcess | undefined;
let softhsmDir: string;
let env: NodeJS.ProcessEnv;

function pcscdRuns(): boolean {
	return spawnSync('pgrep', ['-x', 'pcscd'], {encoding: 'utf8'}).status === 0;
}

/** Makes sure a pcscd answers: starts one in the foreground (never --auto-exit) when none runs. */
async function ensurePcscd(): Promise<void> {
	const deadline = Date.now() + 8000;
	while (Date.now() < deadline) {
		if (pcscdRuns() && existsSync(PCSCD_SOCKET)) return;
		if (!pcscdRuns() && (!ourPcscd || ourPcscd.exitCode !== null || ourPcscd.signalCode !== null)) {
			mkdirSync(path.dirname(PCSCD_SOCKET), {recursive: true});
			ourPcscd = spawn('pcscd', ['-f'], {stdio: 'ignore'});
			ourPcscd.on('error', () => {});
		}
		await sleep(100);
	}
	throw new Error('pcscd did not start');
}

/** Runs the diagnostics with pcscd up; retries when another test stopped pcscd meanwhile. */
async function diagnoseWithPcscd(modulePath: string, accept: (r: DiagnosticReport) => boolean = () => true): Promise<DiagnosticReport> {
	let report: DiagnosticReport | undefined;
	for (let attempt = 0; attempt < 8; attempt++) {
		await ensurePcscd();
		report = await runDiagnostics({modulePath, env});
		if (report.pcscd.running && report.readers.ok && accept(report)) return report;
		await sleep(300);
	}
	return report!;
}

/** A vpcd virtual card: inserted while connected (SPEC §6 wire format), removed by the returned function. */
async function insertCard(port: number, atrHex: string): Promise<() => void> {
	const atr = Buffer.from(atrHex.replace(/\s+/g, ''), 'hex');
	const socket = net.connect(port, '127.0.0.1');
	socket.on('error', () => {});
	let pending = Buffer.alloc(0);
	const send = (payload: Buffer) => {
		const header = Buffer.alloc(2);
		header.writeUInt16BE(payload.length);
		socket.write(Buffer.concat([header, payload]));
	};
	socket.on('data', (chunk: Buffer) => {
		pending = Buffer.concat([pending, chunk]);
		while (pending.length >= 2) {
			const length = pending.readUInt16BE(0);
			if (pending.length < 2 + length) break;
			const payload = pending.subarray(2, 2 + length);
			pending = pending.subarray(2 + length);
			if (length === 1) {
				if (payload[0] === 0x04) send(atr); // get ATR; power off/on and reset need no answer
			} else {
				send(Buffer.from([0x90, 0x00]));
			}
		}
	});
	await new Promise<void>((resolve, reject) => {
		socket.once('connect', resolve);
		socket.once('error', reject);
	});
	return () => socket.destroy();
}

function sink(): {stream: Writable; text: () => string} {
	const chunks: Buffer[] = [];
	const stream = new Writable({
		write(chunk: Buffer, _encoding, callback) {
			chunks.push(Buffer.from(chunk));
			callback();
		},
	});
	return {stream, text: () => Buffer.concat(chunks).toString('utf8')};
}

beforeAll(async () => {
	softhsmDir = mkdtempSync(path.join(tmpdir(), 'mssante-diag-softhsm-'));
	mkdirSync(path.join(softhsmDir, 'tokens'));
	const conf = path.join(softhsmDir, 'softhsm2.conf');
	writeFileSync(conf, `directories.tokendir = ${path.join(softhsmDir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`);
	env = {SOFTHSM2_CONF: conf};
	await ensurePcscd();
});

afterAll(() => {
	// Only the pcscd this file started, by its own handle — never a pcscd found running.
	if (ourPcscd && ourPcscd.exitCode === null && ourPcscd.signalCode === null) ourPcscd.kill('SIGTERM');
	rmSync(softhsmDir, {recursive: true, force: true});
});

describe('runDiagnostics on the real stack', () => {
	test('pcscd running, vpcd readers seen, SoftHSM loadable → can read a CPS', async () => {
		const started = Date.now();
		const report = await diagnoseWithPcscd(SOFTHSM);
		const elapsed = Date.now() - started;
		expect(report.pcscd.running).toBe(true);
		expect(report.pcscd.socket).toBe(true);
		expect(report.pcscd.pid).toBeGreaterThan(0);
		expect(report.readers.ok).toBe(true);
		expect(report.readers.names).toContain('Virtual PCD 00 00');
		expect(report.module).toMatchObject({path: SOFTHSM, present: true, loadable: true, cryptokiVersion: '2.40', manufacturer: 'SoftHSM'});
		expect(report.module.description).toBeTruthy();
		// This SoftHSM has no initialised token: its one slot holds a blank token, which is not one.
		expect(report.module.slotsWithToken).toBe(0);
		expect(report.verdict.canReadCps).toBe(true);
		expect(report.verdict.issues.every(issue => !issue.blocking)).toBe(true);
		console.info(`[timing] runDiagnostics (SoftHSM, pcscd up): ${report.durationMs} ms (with retries ${elapsed} ms)`);
	});

	test("SoftHSM with one initialised token: one token counted, not its empty slot's blank one too", async () => {
		const dir = mkdtempSync(path.join(tmpdir(), 'mssante-diag-token-'));
		try {
			mkdirSync(path.join(dir, 'tokens'));
			const conf = path.join(dir, 'softhsm2.conf');
			writeFileSync(conf, `directories.tokendir = ${path.join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`);
			const init = spawnSync('softhsm2-util', ['--init-token', '--free', '--label', 'DIAG', '--pin', '1234', '--so-pin', '12345678'], {env: {...process.env, SOFTHSM2_CONF: conf}, encoding: 'utf8'});
			expect(init.status, init.stderr).toBe(0);
			const report = await runDiagnostics({modulePath: SOFTHSM, env: {SOFTHSM2_CONF: conf}});
			expect(report.module).toMatchObject({loadable: true, slotsWithToken: 1});
			const out = sink();
			await doctor({modulePath: SOFTHSM, json: false, lang: 'fr', stdout: out.stream, env: {SOFTHSM2_CONF: conf}});
			expect(out.text()).toContain(', 1 emplacement avec jeton');
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	});

	test('wrong module path → not present, cannot read a CPS, a sentence naming the path', async () => {
		const report = await diagnoseWithPcscd(MISSING);
		expect(report.module).toEqual({path: MISSING, present: false, loadable: false});
		expect(report.verdict.canReadCps).toBe(false);
		expect(report.verdict.problems).toContain(`Le module CPS est introuvable : ${MISSING} (installez la Cryptolib CPS ou passez --pkcs11-module)`);
	});

	test('a file that is not a PKCS#11 library → present, not loadable, with the loader error', async () => {
		const report = await runDiagnostics({modulePath: '/etc/hostname', env});
		expect(report.module.present).toBe(true);
		expect(report.module.loadable).toBe(false);
		expect(report.module.error).toMatch(/\/etc\/hostname: (file too short|invalid ELF header)/);
		expect(report.verdict.canReadCps).toBe(false);
		expect(report.verdict.problems.some(p => p.startsWith('Le module CPS ne se charge pas : /etc/hostname'))).toBe(true);
	});

	test('a shared library without C_GetFunctionList → not loadable', async () => {
		const libz = ['/usr/lib/x86_64-linux-gnu/libz.so.1', '/lib/x86_64-linux-gnu/libz.so.1', '/usr/lib/aarch64-linux-gnu/libz.so.1'].find(p => existsSync(p));
		expect(libz).toBeDefined();
		const report = await runDiagnostics({modulePath: libz!, env});
		expect(report.module).toMatchObject({present: true, loadable: false});
		expect(report.module.error).toContain('C_GetFunctionList');
	});

	test('a CPS4 card and then a non-CPS card in "Virtual PCD 00 01" are recognised from their ATR', async () => {
		const hasCardIn = (reader: string) => (r: DiagnosticReport) => r.cards.some(card => card.reader === reader);

		const removeCps = await insertCard(SECOND_PORT, CPS4_ATR);
		let report: DiagnosticReport;
		try {
			report = await diagnoseWithPcscd(SOFTHSM, hasCardIn(SECOND_READER));
		} finally {
			removeCps();
		}
		expect(report.cards).toContainEqual({reader: SECOND_READER, atr: CPS4_ATR, isCps: true, cpsKind: 'CPS4'});
		expect(report.verdict.canReadCps).toBe(true);
		expect(report.verdict.issues.filter(i => i.code === 'not-cps' && i.reader === SECOND_READER)).toEqual([]);

		// The reader must see the removal before the next card, or the ATR would be stale.
		await diagnoseWithPcscd(SOFTHSM, r => !hasCardIn(SECOND_READER)(r));
		const removeOther = await insertCard(SECOND_PORT, OTHER_ATR);
		try {
			report = await diagnoseWithPcscd(SOFTHSM, hasCardIn(SECOND_READER));
		} finally {
			removeOther();
		}
		expect(report.cards).toContainEqual({reader: SECOND_READER, atr: OTHER_ATR, isCps: false});
		// A non-CPS card does not stop the workstation from reading a CPS: a remark, not a blocker.
		expect(report.verdict.canReadCps).toBe(true);
		const sentence =
			report.readers.names.length > 1 ? `La carte insérée dans « ${SECOND_READER} » n’est pas une carte CPS (ATR ${OTHER_ATR})` : `La carte insérée n’est pas une carte CPS (ATR ${OTHER_ATR})`;
		expect(report.verdict.problems).toContain(sentence);
	});

	test('never throws, even with an absurd timeout: the failed checks say why', async () => {
		const report = await runDiagnostics({modulePath: SOFTHSM, env, timeoutMs: 1});
		expect(report.verdict.canReadCps).toBe(false);
		expect(report.readers.ok).toBe(false);
		expect(report.readers.error).toBeTruthy();
		expect(report.module.loadable).toBe(false);
		expect(report.module.error).toBeTruthy();
	});
});

describe('judge (pure verdict)', () => {
	const up = {running: true, pid: 42, socket: true, detail: ''};
	const loaded = {path: '/m.so', present: true, loadable: true};

	test('pcscd down → the command to start it, cannot read a CPS', () => {
		const verdict = judge({
			pcscd: {running: false, socket: false, detail: ''},
			readers: {ok: false, names: [], error: 'SCardEstablishContext error: Service not available.(0x8010001d)'},
			readersStage: 'connect',
			module: loaded,
			cards: [],
		});
		expect(verdict).toMatchObject({canReadCps: false, problems: ['Le service carte à puce (pcscd) n’est pas démarré : sudo systemctl start pcscd']});
	});

	test('no reader → check the USB cable; no card is only a remark', () => {
		expect(judge({pcscd: up, readers: {ok: true, names: []}, module: loaded, cards: []})).toMatchObject({
			canReadCps: false,
			problems: ['Aucun lecteur de carte détecté : vérifiez le câble USB'],
		});
		expect(judge({pcscd: up, readers: {ok: true, names: ['R']}, module: loaded, cards: []})).toMatchObject({
			canReadCps: true,
			problems: ['Aucune carte dans le lecteur'],
			issues: [{code: 'no-card', blocking: false}],
		});
	});

	test('English sentences', () => {
		expect(judge({pcscd: up, readers: {ok: true, names: []}, module: {path: '/x.so', present: false, loadable: false}, cards: []}, 'en').problems).toEqual([
			'No card reader detected: check the USB cable',
			'The CPS module is missing: /x.so (install the Cryptolib CPS or pass --pkcs11-module)',
		]);
	});
});

describe('doctor', () => {
	test('--json with SoftHSM → parses as JSON, exit code 0', async () => {
		await ensurePcscd();
		let code = 1;
		let parsed: DiagnosticReport | undefined;
		for (let attempt = 0; attempt < 8 && code !== 0; attempt++) {
			await ensurePcscd();
			const out = sink();
			code = await doctor({modulePath: SOFTHSM, json: true, lang: 'fr', stdout: out.stream, env});
			parsed = JSON.parse(out.text()) as DiagnosticReport;
		}
		expect(code).toBe(0);
		expect(parsed!.verdict.canReadCps).toBe(true);
		expect(parsed!.module.loadable).toBe(true);
	});

	test('--json with a wrong module → parses as JSON, exit code 1', async () => {
		const out = sink();
		const code = await doctor({modulePath: MISSING, json: true, lang: 'fr', stdout: out.stream, env});
		expect(code).toBe(1);
		const parsed = JSON.parse(out.text()) as DiagnosticReport;
		expect(parsed.module).toEqual({path: MISSING, present: false, loadable: false});
		expect(parsed.verdict.canReadCps).toBe(false);
	});

	test('human report for a wrong module: [!!], the path, the verdict and what to do', async () => {
		await ensurePcscd();
		const out = sink();
		const code = await doctor({modulePath: MISSING, json: false, lang: 'fr', stdout: out.stream, env});
		const text = out.text();
		console.info(`[report] wrong module:\n${text}`);
		expect(code).toBe(1);
		expect(text).toContain(`[!!] Module CPS (PKCS#11) : ${MISSING}`);
		expect(text).toContain('fichier introuvable');
		expect(text).toContain('Verdict : ce poste NE PEUT PAS lire une carte CPS.');
		expect(text).toContain(`Le module CPS est introuvable : ${MISSING} (installez la Cryptolib CPS ou passez --pkcs11-module)`);
	});

	test('human report in English with SoftHSM', async () => {
		let code = 1;
		let text = '';
		for (let attempt = 0; attempt < 8 && code !== 0; attempt++) {
			await ensurePcscd();
			const out = sink();
			code = await doctor({modulePath: SOFTHSM, json: false, lang: 'en', stdout: out.stream, env});
			text = out.text();
		}
		console.info(`[report] SoftHSM (en):\n${text}`);
		expect(code).toBe(0);
		expect(text).toContain('[OK] Smart-card service (pcscd): running');
		expect(text).toMatch(/\[OK\] Card readers: \d+ — .*Virtual PCD 00 00/);
		expect(text).toContain(`[OK] CPS module (PKCS#11): ${SOFTHSM}`);
		expect(text).toContain('Verdict: this workstation can read a CPS card.');
	});

	test("the built program: the settings' language unless --lang says otherwise, exit code 1 when a CPS cannot be read", () => {
		assertBuilt();
		const dataDir = path.join(softhsmDir, 'kiosk-data');
		mkdirSync(dataDir, {recursive: true});
		writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({lang: 'en', pkcs11Module: MISSING}));
		const run = (...args: string[]) => spawnSync(process.execPath, [BIN, 'doctor', '--data-dir', dataDir, ...args], {cwd: ROOT, encoding: 'utf8', timeout: 30_000});
		const english = run();
		expect(english.status, english.stderr).toBe(1);
		expect(english.stdout).toContain(`[!!] CPS module (PKCS#11): ${MISSING}`);
		expect(english.stdout).toContain('Verdict: this workstation CANNOT read a CPS card.');
		const french = run('--lang', 'fr');
		expect(french.status, french.stderr).toBe(1);
		expect(french.stdout).toContain(`[!!] Module CPS (PKCS#11) : ${MISSING}`);
		expect(french.stdout).toContain('Verdict : ce poste NE PEUT PAS lire une carte CPS.');
		const json = run('--json', '--lang', 'en');
		expect(json.status).toBe(1);
		expect((JSON.parse(json.stdout) as DiagnosticReport).verdict.problems).toContain(`The CPS module is missing: ${MISSING} (install the Cryptolib CPS or pass --pkcs11-module)`);
	});
});
