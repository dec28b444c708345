// The transactional outbox on both engines (SQLite, and a real PostgreSQL server) with a real SMTP
// server on loopback: a code leaves only once the state that needs it is committed, a committed
// one is never lost when its instance dies, a failed send is tried again (by any instance, once).
import {mkdtempSync, rmSync} from 'node:fs';
import {createServer} from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, test} from 'vitest';
import {BackendError} from '../../src/contract/api/errors.js';
import {AccountService} from '../../src/server/accounts/account-service.js';
import {AuthState} from '../../src/server/auth/auth-state.js';
import {ChannelCodes} from '../../src/server/auth/channel-codes.js';
import {OneTimeCodes} from '../../src/server/auth/one-time-codes.js';
import {smtpMailSender, type MailSender} from '../../src/server/delivery/delivery.js';
import {MessageQueue} from '../../src/server/delivery/message-queue.js';
import {startPostgres, type PostgresServer} from '../harness/postgres.js';
import {startSmtp} from '../helpers/smtp.js';

let dir: string;
let postgres: PostgresServer;
let databases = 0;
const closing: Array<() => Promise<void>> = [];

beforeAll(async () => {
	postgres = await startPostgres();
}, 60_000);
afterAll(async () => {
	await postgres?.cleanup();
});
beforeEach(() => {
	dir = mkdtempSync(path.join(os.tmpdir(), 'mssante-queue-'));
});
afterEach(async () => {
	for (const close of closing.splice(0).reverse()) await close();
	rmSync(dir, {recursive: true, force: true});
});

const ENGINES = {
	sqlite: async () => undefined,
	postgres: async () => postgres.createDatabase(`queue_${process.pid}_${++databases}`),
} satisfies Record<string, () => Promise<string | undefined>>;

/** A clock the tests move forward (retries wait 30 s, invitations are tried for a day). */
function clock() {
	let offset = 0;
	return {now: () => Date.now() + offset, advance: (ms: number) => void (offset += ms)};
}

/** A loopback port nothing listens on (an SMTP server that is down). */
async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as {port: number};
	await new Promise<void>(resolve => server.close(() => resolve()));
	return port;
}

const smtpOn = (port: number): MailSender => smtpMailSender({host: '127.0.0.1', port, from: 'ne-pas-repondre@mssante.fr'});

/** The account service of one instance, and the code sending the HTTP layer builds on it. */
async function instance(url: string | undefined, mail: MailSender, now: () => number, dataDir = dir) {
	const accounts = await AccountService.open({dataDir, databaseUrl: url, takenAddresses: [], mail, now});
	closing.push(() => accounts.close());
	const codes = new OneTimeCodes({db: accounts.db, now, resendIntervalMs: 60_000});
	const auth = new AuthState(accounts.db, now);
	const channelCodes = new ChannelCodes({db: accounts.db, codes, messages: accounts.messages, audit: accounts.audit, auth, now});
	return {accounts, codes, auth, channelCodes};
}

const SIGN_IN = {purpose: 'sign-in', subject: 'jean.dupont@medecin.mssante.fr', channel: 'mail', destination: 'jean.dupont@exemple.fr', holder: {address: 'jean.dupont@medecin.mssante.fr'}} as const;

/** The six digits of the code in a mail's raw text. */
function codeIn(content: string): string {
	return /^ {4}(\d{6})$/m.exec(content.replace(/=\r?\n/g, ''))?.[1] ?? '';
}

describe.each(Object.keys(ENGINES) as Array<keyof typeof ENGINES>)('on %s', engine => {
	let url: string | undefined;
	beforeEach(async () => {
		url = await ENGINES[engine]();
	});

	test('a code whose state fails to commit is never sent, and leaves nothing behind', async () => {
		const smtp = await startSmtp();
		closing.push(() => smtp.close());
		const {accounts, channelCodes} = await instance(url, smtpOn(smtp.port), Date.now);
		const failure = new Error('the sign-in could not be recorded');
		await expect(
			channelCodes.send(SIGN_IN, async (transaction, id) => {
				await transaction
					.insertInto('sign_ins')
					.values({id, address: SIGN_IN.subject, destination: SIGN_IN.destination, expires_at: Date.now() + 60_000})
					.execute();
				throw failure;
			}),
		).rejects.toBe(failure);
		await accounts.messages.dispatch();
		expect(smtp.mails).toHaveLength(0);
		for (const table of ['outgoing_messages', 'one_time_codes', 'code_sends', 'sign_ins'] as const) expect(await accounts.db.selectFrom(table).selectAll().execute()).toEqual([]);
	});

	test('a code committed by an instance that then dies (its SMTP send hanging: a fake) is sent by another, and verifies', async () => {
		const smtp = await startSmtp();
		closing.push(() => smtp.close());
		let release: (error: Error) => void = () => undefined;
		const hanging: MailSender = {send: () => new Promise((_resolve, reject) => (release = reject))};
		const a = await instance(url, hanging, Date.now);
		// On PostgreSQL a second instance of its own; SQLite allows one process, so the same database.
		const b = url ? await instance(url, smtpOn(smtp.port), Date.now, mkdtempSync(path.join(dir, 'b-'))) : undefined;
		const other = b?.accounts.messages ?? new MessageQueue({db: a.accounts.db, mail: smtpOn(smtp.port), sms: {send: async () => undefined}, audit: a.accounts.audit, now: Date.now});
		// A's hold lasts 2 minutes; the test ages the row instead of waiting, as if A had died 2 minutes ago.
		const answer = a.channelCodes.send(SIGN_IN, (transaction, id) => a.auth.expectSignIn(id, {address: SIGN_IN.subject, destination: SIGN_IN.destination}, transaction));
		let pending: Array<{claimed_until: number}> = [];
		while (pending.length === 0) pending = await a.accounts.db.selectFrom('outgoing_messages').select('claimed_until').execute();
		await a.accounts.db
			.updateTable('outgoing_messages')
			.set({claimed_until: Date.now() - 1})
			.execute();
		await other.dispatch();
		expect(smtp.mails).toHaveLength(1);
		expect(smtp.mails[0]?.to).toBe(SIGN_IN.destination);
		// A's send fails at last: the code another instance sent is not taken back.
		release(new Error('connection lost'));
		const sent = await answer;
		const code = codeIn(smtp.mails[0]?.content ?? '');
		expect(code).toMatch(/^\d{6}$/);
		expect(await a.codes.verify(sent.id, code, {purpose: 'sign-in', subject: SIGN_IN.subject, destination: SIGN_IN.destination})).toBe('ok');
		await other.dispatch();
		expect(smtp.mails).toHaveLength(1);
	});

	test('a code that cannot be sent is taken back: unavailable, it never verifies nor arrives later, and another may be asked at once', async () => {
		const port = await closedPort();
		const time = clock();
		const {accounts, channelCodes, codes} = await instance(url, smtpOn(port), time.now);
		let id = '';
		const remember = async (transaction: Parameters<Parameters<typeof channelCodes.send>[1]>[0], code: string) => {
			id = code;
			await transaction
				.insertInto('sign_ins')
				.values({id: code, address: SIGN_IN.subject, destination: SIGN_IN.destination, expires_at: time.now() + 60_000})
				.execute();
		};
		const refused = await channelCodes.send(SIGN_IN, remember).catch((error: unknown) => error);
		expect(refused).toBeInstanceOf(BackendError);
		expect(refused).toMatchObject({code: 'unavailable', message: 'Envoi du mail impossible pour le moment'});
		expect(await accounts.db.selectFrom('outgoing_messages').selectAll().execute()).toEqual([]);
		expect(await codes.verify(id, '000000', {purpose: 'sign-in', subject: SIGN_IN.subject, destination: SIGN_IN.destination})).toBe('unknown');
		// The SMTP server is back: nothing arrives late, and a new code is not held back by the resend limit.
		const smtp = await startSmtp(port);
		closing.push(() => smtp.close());
		time.advance(10 * 60_000);
		await accounts.messages.dispatch();
		expect(smtp.mails).toHaveLength(0);
		time.advance(-10 * 60_000);
		await expect(channelCodes.send(SIGN_IN, remember)).resolves.toMatchObject({destination: 'j•••@exemple.fr'});
		expect(smtp.mails).toHaveLength(1);
		expect((await accounts.audit.since()).filter(event => event.action === 'code-sent').map(event => event.outcome)).toEqual(['refused', 'ok']);
	});

	test('invitations whose send fails are recorded, tried again when due, and leave once', async () => {
		const port = await closedPort();
		const time = clock();
		const {accounts} = await instance(url, smtpOn(port), time.now);
		expect(await accounts.invite('jean.dupont@medecin.mssante.fr', ['a@exemple.fr', 'B@exemple.fr'])).toEqual({sent: 2});
		const queued = await accounts.db.selectFrom('outgoing_messages').select(['recipient', 'attempts', 'last_error']).orderBy('recipient').execute();
		expect(queued.map(row => [row.recipient, Number(row.attempts)])).toEqual([
			['B@exemple.fr', 1],
			['a@exemple.fr', 1],
		]);
		expect(queued[0]?.last_error).toMatch(/Envoi du courriel impossible/);
		expect(await accounts.db.selectFrom('invitations').select('recipient').orderBy('recipient').execute()).toEqual([{recipient: 'B@exemple.fr'}, {recipient: 'a@exemple.fr'}]);
		const smtp = await startSmtp(port);
		closing.push(() => smtp.close());
		// Not due yet (the first retry waits 30 s).
		await accounts.messages.dispatch();
		expect(smtp.mails).toHaveLength(0);
		time.advance(31_000);
		await accounts.messages.dispatch();
		await accounts.messages.dispatch();
		expect(smtp.mails.map(mail => mail.to).sort()).toEqual(['B@exemple.fr', 'a@exemple.fr']);
		expect(smtp.mails[0]?.content.replace(/=\r?\n/g, '')).toContain('jean.dupont@medecin.mssante.fr');
		expect(await accounts.db.selectFrom('outgoing_messages').selectAll().execute()).toEqual([]);
		const sent = (await accounts.audit.since()).filter(event => event.action === 'invitation-sent');
		expect(sent.map(event => event.outcome).sort()).toEqual(['ok', 'ok', 'refused', 'refused']);
	});

	test('an invitation that cannot leave within a day is given up, and the audit trail says so', async () => {
		const time = clock();
		const {accounts} = await instance(url, smtpOn(await closedPort()), time.now);
		await accounts.invite('jean.dupont@medecin.mssante.fr', ['a@exemple.fr']);
		time.advance(24 * 60 * 60_000 + 1);
		await accounts.messages.dispatch();
		expect(await accounts.db.selectFrom('outgoing_messages').selectAll().execute()).toEqual([]);
		expect((await accounts.audit.since()).at(-1)).toMatchObject({action: 'invitation-sent', outcome: 'refused', detail: 'expired'});
	});

	test('two instances looking for due messages at once send each one once', async () => {
		const port = await closedPort();
		const time = clock();
		const a = await instance(url, smtpOn(port), time.now);
		// Three senders, ten colleagues each (an invitation request names ten at most).
		const recipients = Array.from({length: 30}, (_, index) => `confrere${index}@exemple.fr`);
		for (let sender = 0; sender < 3; sender++) await a.accounts.invite(`jean.dupont${sender + 1}@medecin.mssante.fr`, recipients.slice(sender * 10, sender * 10 + 10));
		const smtp = await startSmtp(port);
		closing.push(() => smtp.close());
		time.advance(31_000);
		const b = url ? await instance(url, smtpOn(port), time.now, mkdtempSync(path.join(dir, 'b-'))) : undefined;
		const second = b?.accounts.messages ?? new MessageQueue({db: a.accounts.db, mail: smtpOn(port), sms: {send: async () => undefined}, audit: a.accounts.audit, now: time.now});
		for (let round = 0; round < 3; round++) await Promise.all([a.accounts.messages.dispatch(), second.dispatch()]);
		expect(smtp.mails.map(mail => mail.to).sort()).toEqual([...recipients].sort());
	});
});
