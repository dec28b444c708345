import {createActivationService, type ActivationServiceOptions} from '../../server/activation-service.js';

/** The activation service running inside the kiosk's process. */
export type EmbeddedService = {
	/** Its base URL on loopback. */
	url: string;
	/** Replaces the authorities it trusts (see ActivationService.trust). */
	trust(trustAnchorsPem: string): void;
	close(): Promise<void>;
};

/**
 * The kiosk's default: the same HTTP service as `serve`, in this process, on 127.0.0.1 with an
 * ephemeral port; codes and invitations land in the outbox under the data directory. The only
 * kiosk module that reaches into the service.
 */
export async function startEmbeddedService(options: Pick<ActivationServiceOptions, 'dataDir' | 'trustAnchorsPem' | 'directory'>): Promise<EmbeddedService> {
	const service = await createActivationService(options);
	return {url: await service.listen(0, '127.0.0.1'), trust: pem => service.trust(pem), close: () => service.close()};
}
