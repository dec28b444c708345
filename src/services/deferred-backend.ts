import {BackendError, type BackendClient} from './backend-client.js';

/**
 * A BackendClient whose real client is still starting (the embedded service starts after the
 * kiosk's first frame). Calls wait for it; if it could not start, they fail as "unavailable".
 */
export function deferredBackend(ready: Promise<BackendClient>): BackendClient {
	// The failure is reported once by whoever started it; calls only need a BackendError.
	const client = ready.catch((error: unknown) => {
		throw new BackendError('unavailable', (error as Error).message);
	});
	client.catch(() => undefined);
	return {
		challenge: async () => (await client).challenge(),
		availability: async addresses => (await client).availability(addresses),
		accountFor: async proof => (await client).accountFor(proof),
		verifyChannel: async (proof, channel, destination) => (await client).verifyChannel(proof, channel, destination),
		confirmChannel: async (id, code) => (await client).confirmChannel(id, code),
		activate: async request => (await client).activate(request),
		signIn: async (address, password) => (await client).signIn(address, password),
		confirmSignIn: async (id, code) => (await client).confirmSignIn(id, code),
		update: async (address, auth, update) => (await client).update(address, auth, update),
		invite: async (proof, emails) => (await client).invite(proof, emails),
		openSession: async proof => (await client).openSession(proof),
		searchDirectory: async (query, session) => (await client).searchDirectory(query, session),
		directoryStatus: async () => (await client).directoryStatus(),
		close: async () => (await client.catch(() => null))?.close(),
	};
}
