import type {AddressInfo} from 'node:net';
import {SMTPServer} from 'smtp-server';

/** A real SMTP server on loopback (on `port`, or a free one) keeping every message it receives (recipients and raw text). */
export async function startSmtp(port = 0): Promise<{port: number; mails: Array<{to: string; content: string}>; close(): Promise<void>}> {
	const mails: Array<{to: string; content: string}> = [];
	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS'],
		logger: false,
		onData(stream, session, callback) {
			let raw = '';
			stream.on('data', chunk => (raw += String(chunk)));
			stream.on('end', () => {
				mails.push({to: session.envelope.rcptTo.map(rcpt => rcpt.address).join(','), content: raw});
				callback();
			});
		},
	});
	await new Promise<void>(resolve => server.listen(port, '127.0.0.1', resolve));
	return {
		port: (server.server.address() as AddressInfo).port,
		mails,
		close: () => new Promise<void>(resolve => server.close(() => resolve())),
	};
}
