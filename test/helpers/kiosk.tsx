import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {App, type AppProps} from '../../src/app.js';
import type {Browser} from '../../src/hardware/browser.js';
import {DemoCard, type DemoCardOptions} from '../../src/hardware/demo-card.js';
import type {BackendClient} from '../../src/services/backend-client.js';
import {EmbeddedBackend} from '../../src/services/embedded-backend.js';
import {HttpBackendClient} from '../../src/services/http-backend-client.js';
import {BackendServer} from '../../src/server/http-server.js';
import {outboxSmsSender, type MailSender} from '../../src/server/delivery.js';
import {loadTexts, readAsset} from '../../src/services/assets.js';
import {DEFAULT_SETTINGS} from '../../src/services/settings.js';
import type {DirectorySource} from '../../src/server/directory/directory-service.js';
import {Pilot} from './pilot.js';

/** Stand-in for the workstation's browser (tests never start a real one): records what it opens. */
export function recordingBrowser(available = false): Browser & {opened: string[]} {
	const opened: string[] = [];
	return {opened, available: async () => available, open: async url => void opened.push(url)};
}

/** Options of a test kiosk. */
export type TestKioskOptions = {
	card?: DemoCardOptions;
	/** Wraps the kiosk's HTTP client (fault injection). */
	wrapBackend?: (client: BackendClient) => BackendClient;
	props?: Partial<AppProps>;
	/** How the backend sends mail (default: the outbox). */
	mail?: MailSender;
	/** Authorities the backend trusts (default: the demo CA, for the demo card). */
	trustAnchorsPem?: string;
	/** The workstation has a graphical browser. */
	browserAvailable?: boolean;
	columns?: number;
	rows?: number;
	/** The national directory the backend searches (default: none, the accounts activated here only). */
	directory?: DirectorySource;
};

/** The kiosk on the demo card and a real embedded backend in a fresh data directory. */
export async function startKiosk(options: TestKioskOptions = {}) {
	const dataDir = mkdtempSync(path.join(tmpdir(), 'mssante-test-'));
	const backend = await EmbeddedBackend.open({dataDir, mail: options.mail, directory: options.directory});
	// The kiosk talks to the backend over real HTTP on loopback, as in the program.
	const server = new BackendServer(backend, {trustAnchorsPem: options.trustAnchorsPem ?? readAsset('demo-pki/ca.pem'), mail: backend.mail, sms: outboxSmsSender(backend.outbox)});
	const url = await server.listen(0);
	const client = new HttpBackendClient(url, {retryDelayMs: 50});
	const card = new DemoCard(options.card);
	const browser = recordingBrowser(options.browserAvailable);
	const pilot = new Pilot(
		<App
			monitor={card}
			token={card}
			demoCard={card}
			backend={options.wrapBackend ? options.wrapBackend(client) : client}
			browser={browser}
			lang="fr"
			theme={{unicode: true, color: false}}
			settings={DEFAULT_SETTINGS}
			texts={loadTexts(options.props?.lang ?? 'fr')}
			kioskMode={false}
			onExit={() => undefined}
			{...options.props}
		/>,
		{columns: options.columns ?? 80, rows: options.rows ?? 24},
	);
	await pilot.waitFor('MSSanté');
	return {
		pilot,
		card,
		/** The embedded backend behind the HTTP server, for inspection. */
		backend,
		server,
		/** Base URL of the server. */
		url,
		browser,
		dataDir,
		async stop() {
			pilot.unmount();
			await server.close();
			await backend.close();
			rmSync(dataDir, {recursive: true, force: true});
		},
	};
}
