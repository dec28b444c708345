import {readFileSync} from 'node:fs';
import type {ApiClient} from '../../contract/api/operations.js';
import {NATIONAL_SIZE} from '../../contract/domain/directory.js';
import {readAsset} from '../../contract/storage/assets.js';
import {deferredApiClient} from '../../services/deferred-api-client.js';
import type {EmbeddedService} from './embedded-service.js';

/** Where the kiosk's activation service is. */
export type BackendChoice = {
	/** A remote service; none: the embedded one, in this process. */
	backendUrl?: string;
	/** The embedded service's data (accounts, outbox, audit log). */
	dataDir: string;
	/** On the demo card, the embedded service trusts the demo CA and has a generated national directory. */
	demoCard: boolean;
	/** Authorities the embedded service trusts for real cards. */
	trustAnchorsFile?: string;
	/** The national directory's extraction for the embedded service, if any. */
	directoryFile: () => string | undefined;
};

/** The activation service as the kiosk sees it: a client at once, the service itself after the first frame. */
export type KioskBackend = {
	/** Its calls wait until the service is reached (or fail as "unavailable" if it cannot be). */
	client: ApiClient;
	/** Reaches or starts the service, once the first frame is out; rejects with why it cannot. */
	start(): Promise<void>;
	/**
	 * Real cards replace the demo card (the default mode's switch): the embedded service stops
	 * trusting the demo CA, whose key is public, and trusts the configured authorities instead.
	 */
	useRealCards(): void;
	/** Stops the embedded service, if one was started. */
	close(): Promise<void>;
};

/**
 * The activation service is reached (or started, when embedded) after the first frame: its HTTP
 * server, schemas and store are not needed before the practitioner has typed a PIN.
 */
export function deferredBackend(choice: BackendChoice): KioskBackend {
	let embedded: EmbeddedService | undefined;
	let realCards = false;
	const realAuthorities = () => (choice.trustAnchorsFile ? readFileSync(choice.trustAnchorsFile, 'utf8') : '');
	const connect = async () => {
		const {createApiClient} = await import('../../services/api-client.js');
		if (choice.backendUrl) return createApiClient(choice.backendUrl);
		const {startEmbeddedService} = await import('./embedded-service.js');
		// The same HTTP service, in this process, on loopback with an ephemeral port. It trusts the
		// demo CA only while the demo card serves (its key is public); real cards need the configured authorities.
		const trustAnchorsPem = choice.demoCard && !realCards ? readAsset('demo-pki/ca.pem') : realAuthorities();
		// The national directory: the configured file, else the one dropped in the data directory,
		// else (demo card only) a generated national-size one, made in the directory's own thread.
		const directoryFile = choice.directoryFile();
		const directory = directoryFile ? {kind: 'file' as const, path: directoryFile} : choice.demoCard ? {kind: 'generated' as const, rows: NATIONAL_SIZE} : null;
		embedded = await startEmbeddedService({dataDir: choice.dataDir, trustAnchorsPem, directory});
		return createApiClient(embedded.url);
	};
	let afterFirstFrame!: () => void;
	const ready = new Promise<void>(resolve => (afterFirstFrame = resolve)).then(connect);
	return {
		client: deferredApiClient(ready),
		start() {
			afterFirstFrame();
			return ready.then(() => undefined);
		},
		useRealCards() {
			realCards = true;
			embedded?.trust(realAuthorities());
		},
		close: async () => embedded?.close(),
	};
}
