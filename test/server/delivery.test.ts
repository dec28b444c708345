import {mkdtempSync, rmSync} from 'node:fs';
import {createServer, type IncomingHttpHeaders, type Server} from 'node:http';
import type {AddressInfo} from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {SMTPServer} from 'smtp-server';
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import {codeMessage, httpSmsGateway, maskEmail, maskMobile, outboxMailSender, outboxSmsSender, smtpMailSender} from '../../src/server/delivery/delivery.js';
import {Outbox} from '../../src/server/delivery/outbox.js';

// ---------------------------------------------------------------------------------------------
// A minimal MIME reader for the tests: headers (unfolded, RFC 2047 words decoded) and a
// text/plain body decoded from quoted-printable, base64 or 8bit.

type ParsedMail = {headers: Map<string, string>; body: string};

function decodeWords(value: string): string {
	return value
		.replace(/(=\?[^?]+\?[QqBb]\?[^?]*\?=)\s+(?==\?)/g, '$1')
		.replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_all, _charset: string, encoding: string, text: string) =>
			encoding.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : decodeQuotedPrintable(text.replace(/_/g, ' ')),
		);
}

function decodeQuotedPrintable(text: string): string {
	const bytes: number[] = [];
	const source = text.replace(/=\r?\n/g, '');
	for (let i = 0; i < source.length; i++) {
		if (source[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(source.slice(i + 1, i + 3))) {
			bytes.push(Number.parseInt(source.slice(i + 1, i + 3), 16));
			i += 2;
		} else {
			bytes.push(...Buffer.from(source[i]!, 'utf8'));
		}
	}
	return Buffer.from(bytes).toString('utf8');
}

function parseMail(raw: string): ParsedMail {
	const split = raw.indexOf('\r\n\r\n');
	const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
	const headers = new Map<string, string>();
	for (const line of head.split('\r\n')) {
		const colon = line.indexOf(':');
		headers.set(line.slice(0, colon).toLowerCase(), decodeWords(line.slice(colon + 1).trim()));
	}
	const rawBody = raw.slice(split + 4);
	const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
	const body = encoding === 'quoted-printable' ? decodeQuotedPrintable(rawBody) : encoding === 'base64' ? Buffer.from(rawBody.replace(/\s+/g, ''), 'base64').toString('utf8') : rawBody;
	return {headers, body: body.replace(/\r\n/g, '\n')};
}

// ---------------------------------------------------------------------------------------------
// A real SMTP server in-process.

type Received = {mailFrom: string; rcptTo: string[]; user: string | undefined; raw: string};

async function startSmtp(options: {requireAuth?: boolean; rejectRcpt?: boolean} = {}) {
	const received: Received[] = [];
	const server = new SMTPServer({
		authOptional: !options.requireAuth,
		allowInsecureAuth: true,
		disabledCommands: ['STARTTLS'],
		logger: false,
		onAuth(auth, _session, callback) {
			if (auth.username === 'kiosque' && auth.password === 'motdepasse-smtp') callback(null, {user: auth.username});
			else callback(new Error('Invalid username or password'));
		},
		onRcptTo(_address, _session, callback) {
			if (options.rejectRcpt) {
				const error = Object.assign(new Error('Mailbox unavailable'), {responseCode: 550});
				callback(error);
			} else callback();
		},
		onData(stream, session, callback) {
			const chunks: Buffer[] = [];
			stream.on('data', (chunk: Buffer) => chunks.push(chunk));
			stream.on('end', () => {
				received.push({
					mailFrom: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
					rcptTo: session.envelope.rcptTo.map(rcpt => rcpt.address),
					user: typeof session.user === 'string' ? session.user : undefined,
					raw: Buffer.concat(chunks).toString('utf8'),
				});
				callback();
			});
		},
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const {port} = server.server.address() as AddressInfo;
	return {
		port,
		received,
		close: () => new Promise<void>(resolve => server.close(() => resolve())),
	};
}

describe('smtpMailSender (real SMTP server on loopback)', () => {
	let smtp: Awaited<ReturnType<typeof startSmtp>>;
	beforeAll(async () => {
		smtp = await startSmtp();
	});
	afterAll(async () => {
		await smtp.close();
	});

	test('delivers a code mail: envelope, headers, body with the code, accents intact', async () => {
		const sender = smtpMailSender({host: '127.0.0.1', port: smtp.port, from: 'MSSanté <ne-pas-repondre@mssante.fr>'});
		const message = codeMessage('042917', 'sign-in');
		await sender.send({to: 'heloise.dupont@exemple.fr', ...message});

		expect(smtp.received).toHaveLength(1);
		const mail = smtp.received[0]!;
		expect(mail.mailFrom).toBe('ne-pas-repondre@mssante.fr');
		expect(mail.rcptTo).toEqual(['heloise.dupont@exemple.fr']);

		const parsed = parseMail(mail.raw);
		expect(parsed.headers.get('to')).toBe('heloise.dupont@exemple.fr');
		expect(parsed.headers.get('from')).toBe('MSSanté <ne-pas-repondre@mssante.fr>');
		expect(parsed.headers.get('subject')).toBe('Votre code de connexion MSSanté');
		expect(parsed.headers.get('content-type')).toMatch(/^text\/plain; charset=utf-8/i);
		expect(parsed.body).toContain('    042917\n');
		expect(parsed.body).toContain('valable 10 minutes et ne peut servir qu’une seule fois');
		expect(parsed.body).toContain('Ne le communiquez à personne');
		expect(parsed.body).toContain('Si vous n’êtes pas à l’origine de cette demande');
		expect(parsed.body).toContain('— MSSanté, Messagerie Sécurisée de Santé');
		// The code is in the body only.
		const headerPart = mail.raw.slice(0, mail.raw.indexOf('\r\n\r\n'));
		expect(headerPart).not.toContain('042917');
	});

	test('a verify-channel code mail', async () => {
		const sender = smtpMailSender({host: '127.0.0.1', port: smtp.port, from: 'ne-pas-repondre@mssante.fr'});
		const before = smtp.received.length;
		await sender.send({to: 'jean.dupont@exemple.fr', ...codeMessage('999000', 'verify-channel')});
		const parsed = parseMail(smtp.received[before]!.raw);
		expect(parsed.headers.get('subject')).toBe('Vérification de votre moyen de contact MSSanté');
		expect(parsed.body).toContain('999000');
		expect(parsed.body).toContain('vérifier ce moyen de contact');
	});

	test('a refused recipient gives a clear error without the message body', async () => {
		const refusing = await startSmtp({rejectRcpt: true});
		try {
			const sender = smtpMailSender({host: '127.0.0.1', port: refusing.port, from: 'ne-pas-repondre@mssante.fr'});
			const error = await sender.send({to: 'x@exemple.fr', ...codeMessage('123456', 'sign-in')}).catch((e: unknown) => e);
			expect(error).toBeInstanceOf(Error);
			expect((error as Error).message).toMatch(/^Envoi du courriel impossible \(127\.0\.0\.1:\d+\) : .*Mailbox unavailable/);
			expect((error as Error).message).not.toContain('123456');
			expect(refusing.received).toHaveLength(0);
		} finally {
			await refusing.close();
		}
	});

	test('authenticates with user and password when given', async () => {
		const authenticated = await startSmtp({requireAuth: true});
		try {
			const good = smtpMailSender({
				host: '127.0.0.1',
				port: authenticated.port,
				from: 'ne-pas-repondre@mssante.fr',
				user: 'kiosque',
				password: 'motdepasse-smtp',
			});
			await good.send({to: 'a@exemple.fr', subject: 'Essai', text: 'Bonjour'});
			expect(authenticated.received.map(mail => mail.user)).toEqual(['kiosque']);

			const bad = smtpMailSender({host: '127.0.0.1', port: authenticated.port, from: 'n@mssante.fr', user: 'kiosque', password: 'faux'});
			await expect(bad.send({to: 'a@exemple.fr', subject: 'Essai', text: 'Bonjour'})).rejects.toThrow(/^Envoi du courriel impossible/);
			expect(authenticated.received).toHaveLength(1);
		} finally {
			await authenticated.close();
		}
	});

	test('no server listening: a clear error', async () => {
		const closed = await startSmtp();
		await closed.close();
		const sender = smtpMailSender({host: '127.0.0.1', port: closed.port, from: 'ne-pas-repondre@mssante.fr'});
		await expect(sender.send({to: 'a@exemple.fr', subject: 'Essai', text: 'Bonjour'})).rejects.toThrow(/^Envoi du courriel impossible \(127\.0\.0\.1:\d+\) : .*ECONNREFUSED/);
	});

	test('a line break in the recipient is refused before anything is sent', async () => {
		const sender = smtpMailSender({host: '127.0.0.1', port: smtp.port, from: 'ne-pas-repondre@mssante.fr'});
		const before = smtp.received.length;
		await expect(sender.send({to: 'a@exemple.fr\r\nBcc: b@exemple.fr', subject: 'x', text: 'y'})).rejects.toThrow(/Envoi refusé/);
		expect(smtp.received).toHaveLength(before);
	});
});

// ---------------------------------------------------------------------------------------------
// An HTTP receiver on loopback standing for the SMS gateway.

type GatewayRequest = {method: string; url: string; headers: IncomingHttpHeaders; body: string};

async function startGateway(respond: {status: number; body?: string; location?: string} | 'hang') {
	const requests: GatewayRequest[] = [];
	const server: Server = createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			requests.push({
				method: request.method ?? '',
				url: request.url ?? '',
				headers: request.headers,
				body: Buffer.concat(chunks).toString('utf8'),
			});
			if (respond === 'hang') return;
			response.writeHead(respond.status, {
				'content-type': 'application/json',
				...(respond.location ? {location: respond.location} : {}),
			});
			response.end(respond.body ?? '{}');
		});
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', () => resolve()));
	const {port} = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/v1/sms`,
		port,
		requests,
		close: () =>
			new Promise<void>(resolve => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

describe('httpSmsGateway (HTTP receiver on loopback)', () => {
	const gateways: Array<{close(): Promise<void>}> = [];
	afterEach(async () => {
		await Promise.all(gateways.splice(0).map(gateway => gateway.close()));
	});
	async function gateway(respond: Parameters<typeof startGateway>[0]) {
		const started = await startGateway(respond);
		gateways.push(started);
		return started;
	}

	test('posts {to, text} as JSON with the bearer token', async () => {
		const receiver = await gateway({status: 202, body: '{"id":"sms-1"}'});
		const sms = httpSmsGateway({url: receiver.url, token: 'jeton-secret'});
		const {sms: text} = codeMessage('314159', 'sign-in');
		await sms.send({to: '+33612345678', text});

		expect(receiver.requests).toHaveLength(1);
		const request = receiver.requests[0]!;
		expect(request.method).toBe('POST');
		expect(request.url).toBe('/v1/sms');
		expect(request.headers.authorization).toBe('Bearer jeton-secret');
		expect(request.headers['content-type']).toBe('application/json');
		expect(JSON.parse(request.body)).toEqual({
			to: '+33612345678',
			text: 'Votre code MSSanté : 314159 (valable 10 minutes). Ne le communiquez à personne.',
		});
	});

	test('no token: no Authorization header', async () => {
		const receiver = await gateway({status: 200});
		await httpSmsGateway({url: receiver.url}).send({to: '+33712345678', text: 'Bonjour'});
		expect(receiver.requests[0]!.headers.authorization).toBeUndefined();
	});

	test('the gateway answering 500: a clear error', async () => {
		const receiver = await gateway({status: 500, body: '{"error":"boom"}'});
		const sms = httpSmsGateway({url: receiver.url, token: 't'});
		const error = await sms.send({to: '+33612345678', text: 'Votre code MSSanté : 271828'}).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(Error);
		expect((error as Error).message).toMatch(/^Passerelle SMS : HTTP 500\b/);
		expect((error as Error).message).not.toContain('271828');
		expect((error as Error).message).not.toContain('Bearer');
	});

	test('other non-2xx answers are errors too, redirects included (never followed)', async () => {
		const elsewhere = await gateway({status: 200});
		const redirecting = await gateway({status: 307, location: elsewhere.url});
		await expect(httpSmsGateway({url: redirecting.url, token: 't'}).send({to: '+33612345678', text: 'x'})).rejects.toThrow(/^Passerelle SMS : HTTP 307\b/);
		expect(elsewhere.requests).toHaveLength(0);

		const unauthorized = await gateway({status: 401});
		await expect(httpSmsGateway({url: unauthorized.url, token: 'faux'}).send({to: '+33612345678', text: 'x'})).rejects.toThrow(/^Passerelle SMS : HTTP 401\b/);
	});

	test('gateway unreachable: a clear error', async () => {
		const receiver = await startGateway({status: 200});
		await receiver.close();
		await expect(httpSmsGateway({url: receiver.url}).send({to: '+33612345678', text: 'x'})).rejects.toThrow(/^Passerelle SMS injoignable \(127\.0\.0\.1:\d+\) : .*ECONNREFUSED/);
	});

	test('gateway not answering: gives up after timeoutMs', async () => {
		const receiver = await gateway('hang');
		const started = Date.now();
		await expect(httpSmsGateway({url: receiver.url, timeoutMs: 300}).send({to: '+33612345678', text: 'x'})).rejects.toThrow('Passerelle SMS : pas de réponse en 0,3 s');
		expect(Date.now() - started).toBeLessThan(5_000);
	});
});

// ---------------------------------------------------------------------------------------------

describe('outbox senders', () => {
	let dir: string;
	beforeAll(() => {
		dir = mkdtempSync(path.join(os.tmpdir(), 'mssante-delivery-'));
	});
	afterAll(() => {
		rmSync(dir, {recursive: true, force: true});
	});

	test('mail: one .eml file with To, Subject and the body', async () => {
		const outbox = new Outbox(path.join(dir, 'mail'));
		const message = codeMessage('000123', 'verify-channel');
		await outboxMailSender(outbox).send({to: 'jean.dupont@exemple.fr', ...message});
		const files = outbox.list();
		expect(files).toHaveLength(1);
		expect(files[0]!.file).toMatch(/\.eml$/);
		const parsed = parseMail(files[0]!.content);
		expect(parsed.headers.get('to')).toBe('jean.dupont@exemple.fr');
		expect(parsed.headers.get('subject')).toBe('Vérification de votre moyen de contact MSSanté');
		expect(parsed.body).toContain('    000123\n');
		expect(parsed.body).toContain('Ne le communiquez à personne');
	});

	test('SMS: one .eml-like file with To: <mobile> and subject SMS', async () => {
		const outbox = new Outbox(path.join(dir, 'sms'));
		const {sms} = codeMessage('654321', 'sign-in');
		await outboxSmsSender(outbox).send({to: '+33612345678', text: sms});
		const files = outbox.list();
		expect(files).toHaveLength(1);
		const parsed = parseMail(files[0]!.content);
		expect(files[0]!.content).toContain('\r\nTo: +33612345678\r\n');
		expect(parsed.headers.get('subject')).toBe('SMS');
		expect(parsed.body.trim()).toBe('Votre code MSSanté : 654321 (valable 10 minutes). Ne le communiquez à personne.');
	});

	test('a line break in the destination is refused (no header injection into the file)', async () => {
		const outbox = new Outbox(path.join(dir, 'refused'));
		await expect(outboxMailSender(outbox).send({to: 'a@exemple.fr\nBcc: b@exemple.fr', subject: 's', text: 't'})).rejects.toThrow();
		await expect(outboxSmsSender(outbox).send({to: '+33612345678\r\nX: y', text: 't'})).rejects.toThrow();
		expect(outbox.list()).toHaveLength(0);
	});
});

describe('masked destinations (SPEC §4)', () => {
	test.each([
		['jean.dupont@exemple.fr', 'j•••@exemple.fr'],
		['a@exemple.fr', 'a•••@exemple.fr'],
		['éloïse@exemple.fr', 'é•••@exemple.fr'],
		['"x@y"@exemple.fr', '"•••@exemple.fr'],
		['pas-une-adresse', '•••'],
	])('maskEmail(%s) → %s', (email, masked) => {
		expect(maskEmail(email)).toBe(masked);
	});

	test.each([
		['+33612345678', '06 •• •• •• 78'],
		['+33798765432', '07 •• •• •• 32'],
		['0612345678', '06 •• •• •• 78'],
		['06 12 34 56 78', '06 •• •• •• 78'],
		['+32470123456', '+32 •••• 56'],
		['+262692123456', '06 •• •• •• 56'],
		['0692 12 34 56', '06 •• •• •• 56'],
		['n/a', '••••'],
	])('maskMobile(%s) → %s', (mobile, masked) => {
		expect(maskMobile(mobile)).toBe(masked);
	});

	test('a masked destination never shows the hidden digits', () => {
		expect(maskMobile('+33612345678')).not.toMatch(/1234|3456/);
		expect(maskEmail('jean.dupont@exemple.fr')).not.toContain('dupont');
	});
});

describe('codeMessage', () => {
	test('the code is in the bodies only; subjects and SMS are French', () => {
		for (const purpose of ['sign-in', 'verify-channel'] as const) {
			const message = codeMessage('808080', purpose);
			expect(message.subject).not.toContain('808080');
			expect(message.text).toContain('808080');
			expect(message.sms).toBe('Votre code MSSanté : 808080 (valable 10 minutes). Ne le communiquez à personne.');
			expect(message.sms.length).toBeLessThanOrEqual(160);
		}
	});

	test('in English when the kiosk is (issue 10 item 14): subject, body and SMS, the code in the bodies only', () => {
		const message = codeMessage('808080', 'sign-in', 10 * 60_000, 'en');
		expect(message.subject).toBe('Your MSSanté sign-in code');
		expect(message.text).toContain('Here is the one-time code you asked for to sign in to your MSSanté account without a CPS card:');
		expect(message.text).toContain('It is valid for 10 minutes and can be used only once.');
		expect(message.text).not.toMatch(/Bonjour|valable/);
		expect(message.sms).toBe('Your MSSanté code: 808080 (valid 10 minutes). Do not share it.');
	});

	test('the validity follows the ttl', () => {
		expect(codeMessage('111111', 'sign-in', 5 * 60_000).sms).toContain('(valable 5 minutes)');
		expect(codeMessage('111111', 'sign-in', 60_000).text).toContain('valable 1 minute et');
	});
});
