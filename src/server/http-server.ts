import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import * as z from 'zod/mini';
import {BackendError} from '../services/backend-client.js';
import type {EmbeddedBackend} from '../services/embedded-backend.js';
import type {CardProof} from '../services/backend-client.js';
import {ChallengeStore} from './challenges.js';
import type {x509} from '../hardware/cps-certificate.js';
import {ROUTES, STATUS_OF, requestSchemas, type Operation} from './api.js';

// A JSON body larger than this is refused before it is parsed.
const MAX_BODY_BYTES = 64 * 1024;

/** The OpenAPI document of the routes actually served (kept true by a test). */
export function openApiDocument(): Record<string, unknown> {
	const paths: Record<string, Record<string, unknown>> = {};
	for (const route of ROUTES) {
		const path = route.path.replace(/:(\w+)/g, '{$1}');
		const schema = route.operation in requestSchemas ? requestSchemas[route.operation as keyof typeof requestSchemas] : undefined;
		paths[path] ??= {};
		paths[path][route.method.toLowerCase()] = {
			operationId: route.operation,
			summary: route.summary,
			parameters: [...route.path.matchAll(/:(\w+)/g)].map(([, name]) => ({name, in: 'path', required: true, schema: {type: 'string'}})),
			...(schema ? {requestBody: {required: true, content: {'application/json': {schema: z.toJSONSchema(schema)}}}} : {}),
			responses: {
				'200': {description: 'OK'},
				default: {description: 'Erreur : {code, message, details?}', content: {'application/json': {schema: {type: 'object', required: ['code', 'message'], properties: {code: {type: 'string', enum: Object.keys(STATUS_OF)}, message: {type: 'string'}, details: {type: 'object'}}}}}},
			},
		};
	}
	return {openapi: '3.1.0', info: {title: 'mssante-kiosk — service d’activation', version: '1'}, paths};
}

function send(response: ServerResponse, status: number, body: unknown): void {
	const text = JSON.stringify(body);
	response.writeHead(status, {'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store'});
	response.end(text);
}

function sendError(response: ServerResponse, error: BackendError): void {
	send(response, STATUS_OF[error.code], {code: error.code, message: error.message, ...(error.details ? {details: error.details} : {})});
}

async function readJson(request: IncomingMessage): Promise<unknown> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of request) {
		size += (chunk as Buffer).length;
		if (size > MAX_BODY_BYTES) throw new BackendError('invalid-request', 'Corps de requête trop grand');
		chunks.push(chunk as Buffer);
	}
	try {
		return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
	} catch {
		throw new BackendError('invalid-request', 'Corps de requête : JSON invalide');
	}
}

function validated<K extends keyof typeof requestSchemas>(operation: K, body: unknown): z.infer<(typeof requestSchemas)[K]> {
	const result = requestSchemas[operation].safeParse(body);
	if (!result.success) {
		const details: Record<string, string[]> = {};
		for (const issue of result.error.issues) (details[issue.path.join('.') || '(corps)'] ??= []).push(issue.message);
		throw new BackendError('invalid-request', 'Requête invalide', details);
	}
	return result.data as z.infer<(typeof requestSchemas)[K]>;
}

/** Finds the route of a request, with its path parameters decoded. */
function match(method: string, pathname: string): {operation: Operation; params: Record<string, string>} | null {
	for (const route of ROUTES) {
		if (route.method !== method) continue;
		const names: string[] = [];
		const pattern = new RegExp(`^${route.path.replace(/:(\w+)/g, (_all, name: string) => (names.push(name), '([^/]+)'))}$`);
		const found = pattern.exec(pathname);
		if (found) return {operation: route.operation, params: Object.fromEntries(names.map((name, index) => [name, decodeURIComponent(found[index + 1] ?? '')]))};
	}
	return null;
}

/** Options of the HTTP service. */
export type BackendServerOptions = {
	/**
	 * PEM certificates of the authorities whose card certificates are accepted (the IGC-Santé CA
	 * issuing CPS certificates; the demo CA only on the demo card; the test CA in tests). Empty:
	 * no card can prove anything.
	 */
	trustAnchorsPem: string;
	/** Clock of the challenges (tests). */
	now?: () => number;
};

/**
 * The activation service over HTTP: versioned JSON API under /v1, bodies validated, errors
 * `{code, message}`. Every operation tied to a practitioner checks a card proof first and hands
 * the account service the identity of the verified certificate — never one the client sent.
 */
export class BackendServer {
	private readonly server: Server;
	private readonly openApi = openApiDocument();
	private readonly challenges: ChallengeStore;

	constructor(
		private readonly backend: EmbeddedBackend,
		private readonly options: BackendServerOptions,
	) {
		this.challenges = new ChallengeStore(options.now);
		this.server = createServer((request, response) => {
			void this.handle(request, response);
		});
		// Kiosks keep connections open between calls; a graceful stop must not wait for them.
		this.server.keepAliveTimeout = 5000;
	}

	/** Listens on `host:port` (port 0: an ephemeral one); resolves with the base URL. */
	listen(port: number, host = '127.0.0.1'): Promise<string> {
		return new Promise((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(port, host, () => {
				const {address, port: bound} = this.server.address() as AddressInfo;
				resolve(`http://${address.includes(':') ? `[${address}]` : address}:${bound}`);
			});
		});
	}

	/** Stops accepting connections, lets requests in progress finish, then closes idle ones. */
	close(): Promise<void> {
		return new Promise(resolve => {
			this.server.close(() => resolve());
			this.server.closeIdleConnections();
		});
	}

	private anchors: Array<InstanceType<typeof x509.X509Certificate>> | undefined;

	private async prove(proof: CardProof) {
		const {parseAnchors, verifyCardProof} = await import('./card-proof.js');
		this.anchors ??= parseAnchors(this.options.trustAnchorsPem);
		return verifyCardProof(proof, this.challenges, this.anchors);
	}

	private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
		try {
			const url = new URL(request.url ?? '/', 'http://localhost');
			const route = match(request.method ?? 'GET', url.pathname);
			if (!route) throw new BackendError('not-found', `Aucune route ${request.method} ${url.pathname}`);
			const {operation, params} = route;
			switch (operation) {
				case 'health':
					send(response, 200, {status: 'ok'});
					return;
				case 'openapi':
					send(response, 200, this.openApi);
					return;
				case 'challenge':
					send(response, 200, this.challenges.issue());
					return;
				case 'availability': {
					const {addresses} = validated('availability', await readJson(request));
					send(response, 200, {results: await this.backend.availability(addresses)});
					return;
				}
				case 'lookup': {
					const identity = await this.prove(validated('lookup', await readJson(request)).proof);
					const account = await this.backend.accountFor(identity.nationalId);
					if (!account) throw new BackendError('not-found', 'Aucun compte activé pour cette carte');
					send(response, 200, account);
					return;
				}
				case 'activate': {
					const {proof, ...activation} = validated('activate', await readJson(request));
					send(response, 201, await this.backend.activate({...activation, identity: await this.prove(proof)}));
					return;
				}
				case 'update': {
					const body = validated('update', await readJson(request));
					send(response, 200, await this.backend.update(params['address'] ?? '', await this.prove(body.proof), {options: body.options, password: body.password}));
					return;
				}
				case 'invite': {
					const {proof, emails} = validated('invite', await readJson(request));
					const account = await this.backend.accountFor((await this.prove(proof)).nationalId);
					if (!account) throw new BackendError('not-found', 'Aucun compte activé pour cette carte');
					send(response, 200, await this.backend.invite(account.address, emails));
					return;
				}
			}
		} catch (error) {
			if (error instanceof BackendError) sendError(response, error);
			// Anything else is a fault of the service: no detail leaves it.
			else sendError(response, new BackendError('unavailable', 'Erreur interne du service d’activation'));
		}
	}
}
