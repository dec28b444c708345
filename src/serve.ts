import {EmbeddedBackend} from './services/embedded-backend.js';
import {httpSmsGateway, outboxSmsSender, smtpMailSender, type HttpSmsGatewayOptions, type SmtpOptions} from './server/delivery.js';
import {BackendServer} from './server/http-server.js';

/** Options of `mssante-kiosk serve`. */
export type ServeOptions = {
	/** Folder of `accounts.json` and `outbox/`. */
	dataDir: string;
	port: number;
	/** Address to listen on; 127.0.0.1 unless kiosks on other machines must reach it. */
	host: string;
	/** PEM certificates of the authorities whose cards are accepted. */
	trustAnchorsPem: string;
	/** SMTP server for codes and invitations; the outbox under `dataDir` when absent. */
	smtp?: SmtpOptions;
	/** SMS gateway; the outbox when absent. */
	smsGateway?: HttpSmsGatewayOptions;
	/** Where the one-line start and stop messages go. */
	log: (line: string) => void;
};

/**
 * The activation service for many kiosks: the embedded backend's logic behind the HTTP API,
 * until SIGTERM or SIGINT, which stop it gracefully (requests in progress finish, the store is
 * released). Resolves once it has stopped.
 */
export async function serve(options: ServeOptions): Promise<void> {
	const backend = await EmbeddedBackend.open({dataDir: options.dataDir, mail: options.smtp ? smtpMailSender(options.smtp) : undefined});
	const sms = options.smsGateway ? httpSmsGateway(options.smsGateway) : outboxSmsSender(backend.outbox);
	const server = new BackendServer(backend, {trustAnchorsPem: options.trustAnchorsPem, mail: backend.mail, sms});
	if (!options.trustAnchorsPem.includes('BEGIN CERTIFICATE')) options.log('mssante-kiosk serve : aucune autorité de confiance (--trust-anchors) : aucune carte ne pourra être activée');
	const url = await server.listen(options.port, options.host);
	options.log(`mssante-kiosk serve : service d’activation sur ${url}/v1 (données : ${options.dataDir})`);
	await new Promise<void>(resolve => {
		const stop = () => {
			process.off('SIGTERM', stop);
			process.off('SIGINT', stop);
			resolve();
		};
		process.on('SIGTERM', stop);
		process.on('SIGINT', stop);
	});
	await server.close();
	await backend.close();
	options.log('mssante-kiosk serve : arrêté');
}
