// The activation service's composition root: its accounts behind its HTTP API, put together
// once for the kiosk's embedded service, `serve` and the tests.
import {AccountService} from './accounts/account-service.js';
import type {MailSender, SmsSender} from './delivery/delivery.js';
import type {DirectorySource} from './directory/directory-service.js';
import type {ImportReport} from './directory/extraction.js';
import {BackendServer, type BackendServerOptions} from './http/server.js';
import type {RouteContextOptions} from './routes/context.js';

/** Options of the activation service, embedded in the kiosk, run by `serve`, or started by a test. */
export type ActivationServiceOptions = {
	/** Folder of the SQLite database (when no `databaseUrl`), the outbox folder and the directory's import report. */
	dataDir: string;
	/** A PostgreSQL database shared by several instances (`postgres://…`); absent: SQLite in `dataDir`. */
	databaseUrl?: string;
	/** Connections kept to PostgreSQL (default 10). */
	poolSize?: number;
	/**
	 * PEM certificates of the authorities whose card certificates are accepted (the IGC-Santé CA
	 * in production; the demo CA on the demo card; the test CA in tests). Empty: no card can prove anything.
	 */
	trustAnchorsPem: string;
	/**
	 * Beyond the anchors: the intermediate authorities of the card certificates' paths, CRLs
	 * configured as files, and how revocation is checked (default: the CRLs the certificates name,
	 * fetched over HTTP; see README, "Card trust").
	 */
	cardTrust?: RouteContextOptions['cardTrust'];
	/** How codes and invitations by e-mail leave the service (default: the outbox under `dataDir`). */
	mail?: MailSender;
	/** How codes by SMS leave the service (default: the outbox under `dataDir`). */
	sms?: SmsSender;
	/** The national directory (a file, or generated for the demo); absent: the accounts activated here only. */
	directory?: DirectorySource | null;
	/** Addresses already used nationally (default: `data/taken-addresses.json`). */
	takenAddresses?: string[];
	/** Clock of the challenges, codes and sessions (tests). */
	now?: () => number;
	/** Addresses of the load balancers in front, whose `X-Forwarded-For` names the client (per-client limits). */
	trustedProxies?: string[];
	/** The service's certificate and key (PEM): HTTPS instead of HTTP. */
	tls?: BackendServerOptions['tls'];
	/** Challenges one client may ask a minute (default 60); availability checks and searches follow. */
	challengesPerMinute?: number;
	/** Limits on connections and slow requests (defaults: BackendServerOptions'). */
	connections?: Pick<BackendServerOptions, 'maxConnections' | 'connectionsPerClient' | 'requestTimeoutMs' | 'headersTimeoutMs'>;
	/** Limits of the one-time codes (default: SPEC §8's; tests shorten the wait between two codes). */
	codes?: RouteContextOptions['codes'];
	/** Told when the national directory has been read (its report is also saved as `annuaire-import.json`). */
	onDirectoryLoaded?: (report: ImportReport, buildMs: number) => void;
	/** Told when the national directory could not be read. */
	onDirectoryFailed?: (error: string) => void;
	/** How long allocating an address waits for the national directory still being read, in ms (default 5 s; then 503). */
	directoryWaitMs?: number;
};

/** The activation service, wired: its accounts behind its HTTP API. */
export type ActivationService = {
	/** The account service behind the API (tests and diagnostics inspect it). */
	accounts: AccountService;
	/** Listens on `host:port` (port 0: an ephemeral one); resolves with the base URL. */
	listen(port: number, host?: string): Promise<string>;
	/**
	 * From now on, trusts only these authorities (PEM; empty: none) for card certificates: the
	 * kiosk's embedded service leaves the demo CA for the configured ones when real cards take over.
	 */
	trust(trustAnchorsPem: string): void;
	/** Stops accepting requests, lets those in progress finish, then releases the store (once, however often called). */
	close(): Promise<void>;
};

/**
 * The one place where the service is put together: the embedded default, `serve` and the tests
 * all start it here, so they run the same service.
 */
export async function createActivationService(options: ActivationServiceOptions): Promise<ActivationService> {
	const accounts = await AccountService.open({
		dataDir: options.dataDir,
		databaseUrl: options.databaseUrl,
		poolSize: options.poolSize,
		takenAddresses: options.takenAddresses,
		mail: options.mail,
		sms: options.sms,
		now: options.now,
		directory: options.directory,
		onDirectoryLoaded: options.onDirectoryLoaded,
		onDirectoryFailed: options.onDirectoryFailed,
		directoryWaitMs: options.directoryWaitMs,
	});
	const server = new BackendServer(accounts, {
		trustAnchorsPem: options.trustAnchorsPem,
		cardTrust: options.cardTrust,
		now: options.now,
		codes: options.codes,
		trustedProxies: options.trustedProxies,
		tls: options.tls,
		challengesPerMinute: options.challengesPerMinute,
		...options.connections,
	});
	let closed: Promise<void> | undefined;
	return {
		accounts,
		listen: (port, host) => server.listen(port, host),
		trust: trustAnchorsPem => server.trust(trustAnchorsPem),
		close: () =>
			(closed ??= (async () => {
				await server.close();
				await accounts.close();
			})()),
	};
}
