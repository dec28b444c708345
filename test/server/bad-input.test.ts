// Bad input reaching storage, attacked over HTTP (issue 12 item 13): control characters (C0, C1,
// DEL) and ill-formed UTF-16 (lone surrogates) are refused at the API's boundary, in every string
// field of every request, with a 400 naming the field; two passwords differing by a lone surrogate
// no longer match; the audit trail never holds a raw control character; the directory's state
// never shows the server's files.
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import type {CardIdentity} from '../../src/contract/domain/card-identity.js';
import {createActivationService, type ActivationService} from '../../src/server/activation-service.js';

const PASSWORD = 'Kiosque#Sante2026';
const ADDRESS = 'jean.dupont@medecin.mssante.fr';
const JEAN: CardIdentity = {givenName: 'Jean', surname: 'DUPONT', profession: 'Médecin', professionCode: '10', nationalId: '10001234567', idType: 'RPPS'};
const OPTIONS = {email: 'jean.dupont@exemple.fr', otpChannel: 'mail', notify: false, publishMobile: false, listeRouge: false, paperless: false} as const;
// A proof of the right shape (refused later, as card-proof, if it ever got that far).
const PROOF = {challengeId: '00000000-0000-4000-8000-000000000000', signature: 'AAAA', certificate: 'AAAA'};
const UUID = '00000000-0000-4000-8000-000000000001';

// What an attacker slips into a field: ESC and BEL sequences, the C1 CSI (U+009B), DEL, NUL, a lone surrogate of each half.
const BAD = ['\u001b]0;owned\u0007x', 'a\u009b31mb', 'a\u007fb', 'a\u0000b', 'ab\ud800', '\udc00ab'];

/** A request whose field `field` (dotted path) holds `value`: every string field of every request schema. */
type Case = {route: string; method?: 'POST' | 'PUT'; field: string; body: (value: string) => unknown};
const CASES: Case[] = [
	{route: '/v1/addresses/availability', field: 'addresses.0', body: v => ({addresses: [`jean${v}@medecin.mssante.fr`]})},
	{route: '/v1/verifications', field: 'destination', body: v => ({proof: PROOF, channel: 'mail', destination: `j${v}@exemple.fr`})},
	{route: '/v1/verifications', field: 'destination', body: v => ({proof: PROOF, channel: 'sms', destination: `06 12 34 56 78${v}`})},
	{route: '/v1/activations', field: 'address', body: v => ({requestId: UUID, proof: PROOF, verificationId: UUID, address: `jean${v}@medecin.mssante.fr`, password: PASSWORD, options: OPTIONS})},
	{
		route: '/v1/activations',
		field: 'options.email',
		body: v => ({requestId: UUID, proof: PROOF, verificationId: UUID, address: ADDRESS, password: PASSWORD, options: {...OPTIONS, email: `j${v}@exemple.fr`}}),
	},
	{
		route: '/v1/activations',
		field: 'options.mobile',
		body: v => ({requestId: UUID, proof: PROOF, verificationId: UUID, address: ADDRESS, password: PASSWORD, options: {...OPTIONS, mobile: `0612345678${v}`}}),
	},
	{route: '/v1/sign-in', field: 'address', body: v => ({address: `jean${v}@medecin.mssante.fr`, password: PASSWORD})},
	{route: `/v1/accounts/${ADDRESS}`, method: 'PUT', field: 'options.email', body: v => ({proof: PROOF, options: {...OPTIONS, email: `j${v}@exemple.fr`}})},
	{route: `/v1/accounts/${ADDRESS}`, method: 'PUT', field: 'options.mobile', body: v => ({proof: PROOF, options: {...OPTIONS, mobile: `${v}0612345678`}})},
	{route: `/v1/accounts/${ADDRESS}`, method: 'PUT', field: 'session', body: v => ({session: `abcdefghijklmnopqrstuvwxyz${v}`, options: OPTIONS})},
	{route: '/v1/invitations', field: 'emails.1', body: v => ({proof: PROOF, emails: ['a@exemple.fr', `b${v}@exemple.fr`]})},
];

let dataDir: string;
let service: ActivationService;
let url: string;
beforeEach(async () => {
	dataDir = mkdtempSync(path.join(tmpdir(), 'mssante-bad-input-'));
	service = await createActivationService({dataDir, takenAddresses: [], trustAnchorsPem: ''});
	url = await service.listen(0, '127.0.0.1');
});
afterEach(async () => {
	await service.close();
	rmSync(dataDir, {recursive: true, force: true});
});

async function send(route: string, body: unknown, method = 'POST'): Promise<{status: number; body: {code?: string; details?: Record<string, string[]>}}> {
	const response = await fetch(`${url}${route}`, {method, headers: {'content-type': 'application/json'}, body: JSON.stringify(body)});
	return {status: response.status, body: (await response.json()) as {code?: string; details?: Record<string, string[]>}};
}

describe('control characters and lone surrogates at the API boundary', () => {
	test('every string field of every request: 400 invalid-request naming the field', async () => {
		const wrong: string[] = [];
		for (const {route, method, field, body} of CASES) {
			for (const value of BAD) {
				const answer = await send(route, body(value), method);
				if (answer.status !== 400 || answer.body.code !== 'invalid-request' || !Object.keys(answer.body.details ?? {}).includes(field)) {
					wrong.push(`${method ?? 'POST'} ${route} ${field}=${JSON.stringify(value)}: ${answer.status} ${JSON.stringify(answer.body)}`);
				}
			}
		}
		expect(wrong).toEqual([]);
		// Nothing was stored, nothing was sent.
		expect(await service.accounts.accounts()).toEqual([]);
		expect(service.accounts.outbox.list()).toEqual([]);
	});

	test('the directory query too: q and city', async () => {
		// A URL cannot carry a lone surrogate (its UTF-8 decodes to U+FFFD): the control characters only.
		for (const parameter of ['q', 'city']) {
			for (const value of BAD.filter(value => !/[\ud800-\udfff]/.test(value))) {
				const response = await fetch(`${url}/v1/directory?${parameter}=${encodeURIComponent(`ab${value}`)}`);
				expect(response.status, `${parameter}=${JSON.stringify(value)}`).toBe(400);
				expect(JSON.stringify(await response.json())).toContain(parameter);
			}
		}
	});

	test('the address of PUT /v1/accounts/:address too', async () => {
		const answer = await send(`/v1/accounts/${encodeURIComponent('jean\u001b[2Jdupont@medecin.mssante.fr')}`, {proof: PROOF, options: OPTIONS}, 'PUT');
		expect(answer).toMatchObject({status: 400, body: {code: 'invalid-request', details: {address: expect.any(Array)}}});
	});

	test('an e-mail with ESC/BEL sequences is refused before anything else is judged (400, not the session’s 403), and never stored', async () => {
		await service.accounts.activate({requestId: crypto.randomUUID(), identity: JEAN, address: ADDRESS, password: PASSWORD, options: OPTIONS});
		const {session} = await signedIn();
		const answer = await send(`/v1/accounts/${ADDRESS}`, {session, options: {...OPTIONS, email: 'jean\u001b]8;;http://x\u0007.dupont@exemple.fr'}}, 'PUT');
		expect(answer.status).toBe(400);
		expect((await service.accounts.accountAt(ADDRESS))?.options.email).toBe(OPTIONS.email);
	});

	test('a password with a lone surrogate no longer matches one with another lone surrogate', async () => {
		// An account whose password ended in a lone surrogate (set before the boundary refused them).
		await service.accounts.activate({requestId: crypto.randomUUID(), identity: JEAN, address: ADDRESS, password: `${PASSWORD}\ud800`, options: OPTIONS});
		const other = await send('/v1/sign-in', {address: ADDRESS, password: `${PASSWORD}\udfff`});
		expect(other).toMatchObject({status: 400, body: {code: 'invalid-request', details: {password: expect.any(Array)}}});
		expect(service.accounts.outbox.list()).toEqual([]);
		// A password with a tab or other characters a keyboard may give stays accepted by the boundary (only the policy judges it).
		expect((await send('/v1/sign-in', {address: ADDRESS, password: `${PASSWORD}\u00e9\u{1F600}`})).status).toBe(401);
	});
});

describe('the audit trail', () => {
	test('never holds a raw control character (C0, C1 such as U+009B, DEL) nor a lone surrogate: they are escaped', async () => {
		const address = 'x\u009b31m\u001b[2J\u0007\u007f\ud800@exemple.fr';
		await service.accounts.audit.record({action: 'sign-in', outcome: 'refused', address, nationalId: 'a\u0085b', detail: 'c\u001bd'});
		await service.accounts.audit.flushed();
		const rows = await service.accounts.db.selectFrom('audit_events').selectAll().execute();
		expect(rows).toHaveLength(1);
		const raw = JSON.stringify(rows[0]);
		for (const text of [rows[0]?.address, rows[0]?.national_id, rows[0]?.detail]) {
			expect(text).not.toMatch(/[\u0000-\u001f\u007f-\u009f]|[\ud800-\udfff]/);
		}
		// What was there stays readable, escaped.
		expect(rows[0]?.address).toBe('x\\u009b31m\\u001b[2J\\u0007\\u007f\\ud800@exemple.fr');
		expect(raw).not.toContain('\u009b');
	});

	test('a sign-in refused for an address with escape sequences records nothing raw', async () => {
		await send('/v1/sign-in', {address: 'a\u009b31m@x.fr', password: PASSWORD});
		await service.accounts.audit.flushed();
		for (const event of await service.accounts.audit.since()) expect(JSON.stringify(event)).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
	});
});

describe('GET /v1/directory/status', () => {
	test('a national file that cannot be read: the state says so, without the server’s path', async () => {
		const secret = path.join(dataDir, 'chemin-prive-du-serveur');
		const folder = mkdtempSync(path.join(tmpdir(), 'mssante-bad-input-dir-'));
		const told: string[] = [];
		const national = await createActivationService({
			dataDir: folder,
			takenAddresses: [],
			directory: {kind: 'file', path: path.join(secret, 'extraction.txt')},
			trustAnchorsPem: '',
			onDirectoryFailed: error => told.push(error),
		});
		const base = await national.listen(0, '127.0.0.1');
		try {
			let text = '';
			let state: {phase: string; error?: string} = {phase: 'loading'};
			while (state.phase === 'loading' || state.phase === 'idle') {
				await new Promise(resolve => setTimeout(resolve, 20));
				text = await (await fetch(`${base}/v1/directory/status`)).text();
				state = JSON.parse(text) as typeof state;
			}
			expect(state.phase).toBe('failed');
			expect(state.error).toBeTruthy();
			expect(text).not.toContain(secret);
			expect(text).not.toContain(tmpdir());
			const page = await (await fetch(`${base}/v1/directory?q=x`)).text();
			expect(page).not.toContain(tmpdir());
			// What the kiosk shows still says why, naming the file; the operator is told the full path.
			expect(state.error).toContain('extraction.txt');
			expect(told.join()).toContain(secret);
		} finally {
			await national.close();
			rmSync(folder, {recursive: true, force: true});
		}
	});
});

/** A session of Jean's account: the password, then the code from the outbox. */
async function signedIn(): Promise<{session: string}> {
	const sent = (await send('/v1/sign-in', {address: ADDRESS, password: PASSWORD})).body as unknown as {id: string};
	const mail = service.accounts.outbox.list().at(-1)?.content ?? '';
	const code = /(?:^|\s)(\d{6})(?:\s|\)|$)/m.exec(
		mail
			.split(/\r?\n\r?\n/)
			.slice(1)
			.join('\n'),
	)?.[1];
	const confirmed = await send('/v1/sign-in/confirm', {signInId: sent.id, code});
	return confirmed.body as unknown as {session: string};
}
