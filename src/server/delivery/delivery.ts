// How codes and invitations leave the service: SMTP or an HTTP SMS gateway, or the outbox;
// the text of a code's message, and destinations masked for the screen.
import type {Transporter} from 'nodemailer';
import {catalogues, type Lang} from '../../contract/i18n/index.js';
import {checkMobile, formatMobile} from '../../contract/rules/contact-rules.js';
import type {Outbox} from './outbox.js';
import {ONE_TIME_CODE_MAX_TTL_MS, type OneTimeCodePurpose} from '../auth/one-time-codes.js';

/** An e-mail leaving the service (codes, invitations). */
export type MailMessage = {to: string; subject: string; text: string};

/** Where e-mails leave the service: SMTP, or the outbox. */
export interface MailSender {
	send(message: MailMessage): Promise<void>;
}

/** An SMS leaving the service; `to` is an E.164 mobile number. */
type SmsMessage = {to: string; text: string};

/** Where SMS leave the service: an HTTP gateway, or the outbox. */
export interface SmsSender {
	send(message: SmsMessage): Promise<void>;
}

/** The SMTP server codes and invitations are sent through. */
export type SmtpOptions = {
	host: string;
	port: number;
	/** TLS from the first byte (port 465). Default: true on port 465, else STARTTLS when offered. */
	secure?: boolean;
	user?: string;
	password?: string;
	/** The From address, e.g. `MSSanté <ne-pas-repondre@mssante.fr>`. */
	from: string;
};

/** Mail through an SMTP server (nodemailer); one connection per message. */
export function smtpMailSender(options: SmtpOptions): MailSender {
	// nodemailer is loaded on the first mail: the embedded service starts with the kiosk.
	let transport: Promise<Transporter> | undefined;
	const connect = async () =>
		(await import('nodemailer')).createTransport({
			host: options.host,
			port: options.port,
			secure: options.secure ?? options.port === 465,
			...(options.user === undefined ? {} : {auth: {user: options.user, pass: options.password ?? ''}}),
			connectionTimeout: 15_000,
			greetingTimeout: 15_000,
			socketTimeout: 30_000,
		});
	return {
		async send(message) {
			assertHeaderSafe(message.to, 'destinataire');
			try {
				transport ??= connect();
				await (await transport).sendMail({
					from: options.from,
					to: message.to,
					subject: message.subject,
					text: message.text,
					textEncoding: 'quoted-printable',
				});
			} catch (error) {
				// The server's reply, never the message: the body may hold a code.
				throw new Error(`Envoi du courriel impossible (${options.host}:${options.port}) : ${describe(error)}`, {cause: error});
			}
		},
	};
}

/** Mail written to the outbox (the embedded default): one .eml file per message. */
export function outboxMailSender(outbox: Outbox): MailSender {
	return {
		async send(message) {
			assertHeaderSafe(message.to, 'destinataire');
			outbox.send({to: message.to, subject: message.subject, text: message.text});
		},
	};
}

/** The HTTP gateway SMS are sent through. */
export type HttpSmsGatewayOptions = {
	/** Receives `POST {to, text}` as JSON and answers 2xx when it accepted the SMS. */
	url: string;
	/** Sent as `Authorization: Bearer <token>`. */
	token?: string;
	/** Whole request, default 10 s. */
	timeoutMs?: number;
};

/** SMS through an HTTP gateway: POST JSON `{to, text}`; anything but a 2xx answer throws. */
export function httpSmsGateway(options: HttpSmsGatewayOptions): SmsSender {
	const timeoutMs = options.timeoutMs ?? 10_000;
	const url = new URL(options.url);
	return {
		async send(message) {
			const headers: Record<string, string> = {'content-type': 'application/json', accept: 'application/json'};
			if (options.token) headers.authorization = `Bearer ${options.token}`;
			let response: Response;
			try {
				response = await fetch(url, {
					method: 'POST',
					headers,
					body: JSON.stringify({to: message.to, text: message.text}),
					// A redirect is an error: never resend the token or the code somewhere else.
					redirect: 'manual',
					signal: AbortSignal.timeout(timeoutMs),
				});
			} catch (error) {
				if (isTimeout(error)) throw new Error(`Passerelle SMS : pas de réponse en ${formatSeconds(timeoutMs)}`, {cause: error});
				throw new Error(`Passerelle SMS injoignable (${url.host}) : ${describe(error)}`, {cause: error});
			}
			// Read (and discard) the body so the connection is released.
			await response.arrayBuffer().catch(() => undefined);
			if (response.status < 200 || response.status > 299) {
				throw new Error(`Passerelle SMS : HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
			}
		},
	};
}

/** SMS written to the outbox (the embedded default): `To: <mobile>`, subject "SMS". */
export function outboxSmsSender(outbox: Outbox): SmsSender {
	return {
		async send(message) {
			assertHeaderSafe(message.to, 'numéro');
			outbox.send({to: message.to, subject: 'SMS', text: message.text});
		},
	};
}

/** `jean.dupont@exemple.fr` → `j•••@exemple.fr` (SPEC §4). */
export function maskEmail(email: string): string {
	const at = email.lastIndexOf('@');
	if (at < 0) return '•••';
	const first = Array.from(email.slice(0, at))[0] ?? '';
	return `${first}•••${email.slice(at)}`;
}

/**
 * `+33612345678` (or `0612345678`) → `06 •• •• •• 78` (SPEC §4), an overseas mobile in its national
 * form too (`+262692123456` → `06 •• •• •• 56`); other countries `+32 •••• 56`.
 */
export function maskMobile(mobile: string): string {
	const french = checkMobile(mobile);
	if (french.ok && french.value !== undefined) {
		const national = formatMobile(french.value);
		return `${national.slice(0, 2)} •• •• •• ${national.slice(-2)}`;
	}
	const compact = mobile.replace(/[\s.()-]/g, '');
	if (/^\+\d{6,15}$/.test(compact)) return `${compact.slice(0, 3)} •••• ${compact.slice(-2)}`;
	return '••••';
}

/**
 * The texts carrying a one-time code, in `lang` (the kiosk's): `subject` and `text` for an e-mail,
 * `sms` for an SMS. The code appears in the bodies only (never in the subject, which lock screens and logs show).
 */
export function codeMessage(code: string, purpose: OneTimeCodePurpose, ttlMs: number = ONE_TIME_CODE_MAX_TTL_MS, lang: Lang = 'fr'): {subject: string; text: string; sms: string} {
	const minutes = Math.max(1, Math.round(ttlMs / 60_000));
	const texts = catalogues[lang].codeMessage;
	return {subject: texts.subject[purpose], text: texts.text(code, purpose, minutes), sms: texts.sms(code, minutes)};
}

function assertHeaderSafe(value: string, what: string): void {
	if (/\p{Cc}/u.test(value)) throw new Error(`Envoi refusé : ${what} invalide`);
}

function isTimeout(error: unknown): boolean {
	return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

function formatSeconds(ms: number): string {
	return `${Math.round(ms / 100) / 10} s`.replace('.', ',');
}

function describe(error: unknown): string {
	if (!(error instanceof Error)) return String(error);
	const cause = (error as {cause?: unknown}).cause;
	const code = (error as {code?: unknown}).code ?? (cause as {code?: unknown} | undefined)?.code;
	const message = cause instanceof Error && error.message === 'fetch failed' ? cause.message : error.message;
	return typeof code === 'string' && !message.includes(code) ? `${code} ${message}` : message;
}
