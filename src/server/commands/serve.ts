import {createActivationService} from '../activation-service.js';
import {httpSmsGateway, smtpMailSender, type HttpSmsGatewayOptions, type SmtpOptions} from '../delivery/delivery.js';
import {describeReport} from './directory.js';

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
	/** The national directory's extraction; absent: the accounts activated here only. */
	directoryFile?: string;
	/** Where the one-line start and stop messages go. */
	log: (line: string) => void;
};

/**
 * The activation service for many kiosks: the embedded backend's logic behind the HTTP API,
 * until SIGTERM or SIGINT, which stop it gracefully (requests in progress finish, the store is
 * released). Resolves once it has stopped.
 */
export async function serve(options: ServeOptions): Promise<void> {
	const service = await createActivationService({
		dataDir: options.dataDir,
		trustAnchorsPem: options.trustAnchorsPem,
		mail: options.smtp ? smtpMailSender(options.smtp) : undefined,
		sms: options.smsGateway ? httpSmsGateway(options.smsGateway) : undefined,
		directory: options.directoryFile ? {kind: 'file', path: options.directoryFile} : null,
		onDirectoryLoaded: (report, buildMs) => {
			options.log(`mssante-kiosk serve : annuaire ${options.directoryFile} prêt en ${(buildMs / 1000).toFixed(1)} s`);
			for (const line of describeReport(report)) options.log(`mssante-kiosk serve : ${line}`);
		},
		onDirectoryFailed: error => options.log(`mssante-kiosk serve : annuaire ${options.directoryFile} illisible : ${error} (seuls les comptes activés ici sont cherchables)`),
	});
	// Read in its own thread from now on: the service answers meanwhile.
	service.accounts.directory.load();
	if (!options.directoryFile) options.log('mssante-kiosk serve : pas d’annuaire national (--directory FICHIER) : seuls les comptes activés ici sont cherchables');
	if (!options.trustAnchorsPem.includes('BEGIN CERTIFICATE')) options.log('mssante-kiosk serve : aucune autorité de confiance (--trust-anchors) : aucune carte ne pourra être activée');
	const url = await service.listen(options.port, options.host);
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
	await service.close();
	options.log('mssante-kiosk serve : arrêté');
}
