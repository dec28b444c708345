import {readFileSync} from 'node:fs';
import path from 'node:path';
import {parseArgs} from 'node:util';
import type {CommandLine} from '../../contract/cli/command-line.js';
import {catalogues, type Catalogue, type Lang} from '../../contract/i18n/index.js';
import {createActivationService, type ActivationServiceOptions} from '../activation-service.js';
import {httpSmsGateway, smtpMailSender, type HttpSmsGatewayOptions, type SmtpOptions} from '../delivery/delivery.js';
import {describeReport} from './directory.js';

/** Options of `mssante-kiosk serve`. */
export type ServeOptions = {
	/** Folder of the SQLite database (without `databaseUrl`), `outbox/` and `audit.log`. */
	dataDir: string;
	/** PostgreSQL shared by several instances; absent: SQLite in `dataDir` (one instance). */
	databaseUrl?: string;
	/** Connections kept to PostgreSQL. */
	poolSize?: number;
	port: number;
	/** Address to listen on; 127.0.0.1 unless kiosks on other machines must reach it. */
	host: string;
	/** Load balancers in front, whose `X-Forwarded-For` names the client. */
	trustedProxies?: string[];
	/** Challenges one client may ask a minute (kiosks behind one address share it). */
	challengesPerMinute?: number;
	/** The service's certificate and key (PEM): HTTPS instead of HTTP. */
	tls?: {cert: string; key: string};
	/** PEM certificates of the authorities whose cards are accepted. */
	trustAnchorsPem: string;
	/** Intermediate authorities, CRL files and the revocation policy of card certificates. */
	cardTrust?: ActivationServiceOptions['cardTrust'];
	/** SMTP server for codes and invitations; the outbox under `dataDir` when absent. */
	smtp?: SmtpOptions;
	/** SMS gateway; the outbox when absent. */
	smsGateway?: HttpSmsGatewayOptions;
	/** The national directory's extraction; absent: the accounts activated here only. */
	directoryFile?: string;
	/** Language of the messages. */
	lang: Lang;
	/** Where the one-line start and stop messages go. */
	log: (line: string) => void;
};

/**
 * The activation service for many kiosks: the embedded backend's logic behind the HTTP API,
 * until SIGTERM or SIGINT, which stop it gracefully (new connections refused, /v1/ready 503, the
 * requests in progress answered, the store released: BackendServer.close); a second signal ends
 * it at once. Resolves once it has stopped.
 */
export async function serve(options: ServeOptions): Promise<void> {
	const t = catalogues[options.lang].serve;
	const log = (message: string) => options.log(t.log(message));
	const directoryFile = options.directoryFile ?? '';
	const service = await createActivationService({
		dataDir: options.dataDir,
		databaseUrl: options.databaseUrl,
		poolSize: options.poolSize,
		trustAnchorsPem: options.trustAnchorsPem,
		cardTrust: options.cardTrust,
		trustedProxies: options.trustedProxies,
		challengesPerMinute: options.challengesPerMinute,
		tls: options.tls,
		mail: options.smtp ? smtpMailSender(options.smtp) : undefined,
		sms: options.smsGateway ? httpSmsGateway(options.smsGateway) : undefined,
		directory: options.directoryFile ? {kind: 'file', path: options.directoryFile} : null,
		onDirectoryLoaded: (report, buildMs) => {
			log(t.directoryReady(directoryFile, buildMs));
			for (const line of describeReport(report, options.lang)) log(line);
		},
		onDirectoryFailed: error => log(t.directoryFailed(directoryFile, error)),
	});
	// Read in its own thread from now on: the service answers meanwhile.
	service.accounts.directory.load();
	if (!options.directoryFile) log(t.noDirectory);
	if (!options.trustAnchorsPem.includes('BEGIN CERTIFICATE')) log(t.noTrustAnchors);
	const url = await service.listen(options.port, options.host);
	log(t.listening(url, options.dataDir));
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
	log(t.stopped);
}

/** The options of `mssante-kiosk serve`. */
const SERVE_OPTIONS = {
	/** TCP port, 8080 by default; 0: any free one. */
	port: {type: 'string'},
	/** Address to listen on, 127.0.0.1 by default. */
	host: {type: 'string'},
	'data-dir': {type: 'string'},
	/** PostgreSQL shared by several instances (`postgres://…`; or MSSANTE_DATABASE_URL, which keeps its password out of `ps`). */
	database: {type: 'string'},
	/** Connections kept to PostgreSQL, 10 by default. */
	'pool-size': {type: 'string'},
	/** PEM file of the authorities whose cards are accepted. */
	'trust-anchors': {type: 'string'},
	/** PEM file of the intermediate authorities between the anchors and the cards (e.g. AC IGC-SANTE FORT PERSONNES). */
	intermediates: {type: 'string'},
	/** A CRL file (DER or PEM), used beside those the certificates name; may be repeated. */
	crl: {type: 'string', multiple: true},
	/** Refuse a card when no CRL covers a certificate of its path (by default one that names no distribution point is not checked). */
	'require-revocation': {type: 'boolean'},
	/** The national directory's extraction, else the one dropped in the data directory. */
	directory: {type: 'string'},
	/** SMTP server for codes and invitations (user and password from the environment). */
	'smtp-host': {type: 'string'},
	/** 587 by default. */
	'smtp-port': {type: 'string'},
	'mail-from': {type: 'string'},
	/** URL of the SMS gateway (token from the environment). */
	'sms-gateway': {type: 'string'},
	/** Load balancers in front (comma-separated addresses): the client is the last address of their X-Forwarded-For. */
	'trusted-proxy': {type: 'string'},
	/** Challenges one client may ask a minute, 60 by default (availability checks ×2, searches ×10): raise it for kiosks behind one address. */
	'client-rate': {type: 'string'},
	/** The service's own certificate (PEM, chain included): `serve` answers HTTPS. */
	'tls-cert': {type: 'string'},
	/** Its private key (PEM). */
	'tls-key': {type: 'string'},
	/** A TLS proxy is in front: listening in clear text on a non-loopback address is then allowed. */
	'tls-proxy': {type: 'boolean'},
} as const;

/** What `serve` was asked for; files are read and secrets taken from the environment when it runs. */
type ServeArguments = Omit<ServeOptions, 'trustAnchorsPem' | 'cardTrust' | 'smtp' | 'smsGateway' | 'log'> & {
	trustAnchorsFile?: string;
	intermediatesFile?: string;
	crlFiles?: string[];
	requireRevocation?: boolean;
	smtp?: Pick<SmtpOptions, 'host' | 'port' | 'from'>;
	smsGatewayUrl?: string;
	tlsFiles?: {cert: string; key: string};
};

/** Whether `host` is this machine only (127.0.0.0/8, ::1, localhost). */
function isLoopback(host: string): boolean {
	return /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::1' || host === 'localhost';
}

/** A TCP port number (0: any free one), or undefined when `value` is not one. */
function portNumber(value: string): number | undefined {
	return /^\d+$/.test(value) && Number(value) < 65_536 ? Number(value) : undefined;
}

/** The PostgreSQL database of `--database`, else of MSSANTE_DATABASE_URL; none (SQLite in the data directory) when both are absent or empty. */
export function databaseUrlOf(option: string | undefined, t: Catalogue['cli']): string | undefined {
	const url = option ?? (process.env['MSSANTE_DATABASE_URL'] || undefined);
	if (url !== undefined && !/^postgres(?:ql)?:\/\//.test(url)) throw new Error(t.databaseUrlExpected);
	return url;
}

/** `mssante-kiosk serve`, for the program's entry. */
export const serveCommand = {
	options: SERVE_OPTIONS,
	parse(args: string[], cli: CommandLine): ServeArguments {
		const lang = cli.lang ?? 'fr';
		const t = catalogues[lang].cli;
		const {values, positionals} = parseArgs({args, options: SERVE_OPTIONS, strict: true, allowPositionals: true});
		if (positionals.length > 0) throw new Error(t.unknownCommand(['serve', ...positionals].join(' ')));
		const port = portNumber(values.port ?? '8080');
		if (port === undefined) throw new Error(t.portExpected('--port', values.port ?? ''));
		const smtpPort = portNumber(values['smtp-port'] ?? '587');
		if (smtpPort === undefined) throw new Error(t.portExpected('--smtp-port', values['smtp-port'] ?? ''));
		const dataDir = path.resolve(values['data-dir'] ?? cli.defaultDataDir);
		const databaseUrl = databaseUrlOf(values.database, t);
		const poolSize = values['pool-size'] === undefined ? undefined : Number(values['pool-size']);
		if (poolSize !== undefined && !(Number.isInteger(poolSize) && poolSize >= 1 && poolSize <= 1000)) throw new Error(t.poolSizeExpected(values['pool-size'] ?? ''));
		const clientRate = values['client-rate'] === undefined ? undefined : Number(values['client-rate']);
		if (clientRate !== undefined && !(Number.isInteger(clientRate) && clientRate >= 1 && clientRate <= 100_000)) throw new Error(t.clientRateExpected(values['client-rate'] ?? ''));
		const cert = values['tls-cert'];
		const key = values['tls-key'];
		if ((cert === undefined) !== (key === undefined)) throw new Error(t.tlsPairExpected);
		const host = values.host ?? '127.0.0.1';
		// Passwords, sessions and card proofs cross this connection: in clear text only on this machine.
		if (cert === undefined && !values['tls-proxy'] && !isLoopback(host)) throw new Error(t.clearTextHost(host));
		return {
			dataDir,
			databaseUrl,
			poolSize,
			port,
			host,
			challengesPerMinute: clientRate,
			tlsFiles: cert !== undefined && key !== undefined ? {cert, key} : undefined,
			trustAnchorsFile: values['trust-anchors'],
			intermediatesFile: values.intermediates,
			crlFiles: values.crl,
			requireRevocation: values['require-revocation'],
			directoryFile: values.directory ?? cli.droppedDirectoryFile(dataDir),
			smtp: values['smtp-host'] ? {host: values['smtp-host'], port: smtpPort, from: values['mail-from'] ?? 'ne-pas-repondre@mssante.fr'} : undefined,
			smsGatewayUrl: values['sms-gateway'],
			trustedProxies: values['trusted-proxy']
				?.split(',')
				.map(address => address.trim())
				.filter(Boolean),
			lang,
		};
	},
	async run({trustAnchorsFile, intermediatesFile, crlFiles, requireRevocation, smtp, smsGatewayUrl, tlsFiles, ...options}: ServeArguments): Promise<number> {
		const crls = crlFiles?.map(file => new Uint8Array(readFileSync(file)));
		if (crls) {
			// An unreadable CRL file stops `serve` now, not every card proof later.
			const {parseCrls} = await import('../auth/revocation.js');
			for (const [index, crl] of crls.entries()) {
				let count = 0;
				try {
					count = parseCrls(crl).length;
				} catch {}
				if (count === 0) throw new Error(catalogues[options.lang].cli.crlUnreadable(crlFiles?.[index] ?? ''));
			}
		}
		await serve({
			...options,
			trustAnchorsPem: trustAnchorsFile ? readFileSync(trustAnchorsFile, 'utf8') : '',
			tls: tlsFiles ? {cert: readFileSync(tlsFiles.cert, 'utf8'), key: readFileSync(tlsFiles.key, 'utf8')} : undefined,
			cardTrust: {
				intermediatesPem: intermediatesFile ? readFileSync(intermediatesFile, 'utf8') : undefined,
				crls,
				requireRevocation,
			},
			// Secrets from the environment, never from the command line (visible in `ps`).
			smtp: smtp ? {...smtp, user: process.env['MSSANTE_SMTP_USER'], password: process.env['MSSANTE_SMTP_PASSWORD']} : undefined,
			smsGateway: smsGatewayUrl ? {url: smsGatewayUrl, token: process.env['MSSANTE_SMS_TOKEN']} : undefined,
			log: line => process.stdout.write(`${line}\n`),
		});
		return 0;
	},
};
