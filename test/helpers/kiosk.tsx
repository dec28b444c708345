// A test kiosk: the App on the demo card, talking over loopback HTTP to a real service in a fresh data directory.
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import type {ReactElement} from 'react';
import {App, type AppProps} from '../../src/app.js';
import type {Browser} from '../../src/hardware/browser.js';
import {DemoCard, type DemoCardOptions} from '../../src/hardware/demo-card.js';
import type {ApiClient} from '../../src/contract/api/operations.js';
import {createActivationService, type ActivationService, type ActivationServiceOptions} from '../../src/server/activation-service.js';
import {createApiClient} from '../../src/services/api-client.js';
import type {MailSender} from '../../src/server/delivery/delivery.js';
import {loadTexts, readAsset} from '../../src/contract/storage/assets.js';
import {DEFAULT_SETTINGS} from '../../src/services/settings.js';
import type {DirectorySource} from '../../src/server/directory/directory-service.js';
import {Pilot} from './pilot.js';

/** Stand-in for the workstation's browser (tests never start a real one): records what it opens. */
function recordingBrowser(available = false): Browser & {opened: string[]} {
	const opened: string[] = [];
	return {opened, available: async () => available, open: async url => void opened.push(url)};
}

/** Options of a test kiosk. */
export type TestKioskOptions = {
	card?: DemoCardOptions;
	/** Wraps the kiosk's HTTP client (fault injection). */
	wrapBackend?: (client: ApiClient) => ApiClient;
	props?: Partial<AppProps>;
	/** How the backend sends mail (default: the outbox). */
	mail?: MailSender;
	/** Authorities the backend trusts (default: the demo CA, for the demo card). */
	trustAnchorsPem?: string;
	/** The workstation has a graphical browser. */
	browserAvailable?: boolean;
	columns?: number;
	rows?: number;
	/** Ink's screen-reader mode: the pilot's frames are the spoken text. */
	screenReader?: boolean;
	/** Draws the App's props inside another root (the program's KioskRoot, which follows the card stack). */
	root?: (app: AppProps) => ReactElement;
	/** The national directory the backend searches (default: none, the accounts activated here only). */
	directory?: DirectorySource;
	/** Limits of the service's one-time codes (default: SPEC §8's). */
	codes?: ActivationServiceOptions['codes'];
};

/** The kiosk on the demo card and a real embedded backend in a fresh data directory. */
export async function startKiosk(options: TestKioskOptions = {}) {
	const dataDir = mkdtempSync(path.join(tmpdir(), 'mssante-test-'));
	const trustAnchorsPem = options.trustAnchorsPem ?? readAsset('demo-pki/ca.pem');
	const service = await createActivationService({dataDir, trustAnchorsPem, mail: options.mail, directory: options.directory, codes: options.codes});
	// The kiosk talks to the service over real HTTP on loopback, as in the program.
	const url = await service.listen(0);
	const client = createApiClient(url, {retryDelayMs: 50});
	const card = new DemoCard(options.card);
	const browser = recordingBrowser(options.browserAvailable);
	const app = (
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
		/>
	);
	const pilot = new Pilot(options.root ? options.root(app.props) : app, {columns: options.columns ?? 80, rows: options.rows ?? 24}, {screenReader: options.screenReader});
	await pilot.waitFor('MSSanté');
	return {
		pilot,
		card,
		/** The account service behind the HTTP API, for inspection. */
		backend: service.accounts,
		/** The activation service the kiosk talks to (a test may stop it and start another, see `restart`). */
		service,
		/** Base URL of the server. */
		url,
		/** Starts the service again on the same data directory and port (after `service.close()`). */
		async restart(): Promise<ActivationService> {
			this.service = await createActivationService({dataDir, trustAnchorsPem, mail: options.mail, directory: options.directory, codes: options.codes});
			await this.service.listen(Number(new URL(url).port));
			return this.service;
		},
		browser,
		dataDir,
		async stop() {
			pilot.unmount();
			await this.service.close();
			rmSync(dataDir, {recursive: true, force: true});
		},
	};
}
