// The activation service over HTTP: a request is routed to its operation, its body and query
// validated against the operation's schemas, and handed to the operation's handler; its answer
// is sent with the operation's status, a refusal as `{code, message, details?}`.
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import {createServer as createHttpsServer, type Server as HttpsServer} from 'node:https';
import type {AddressInfo} from 'node:net';
import * as z from 'zod/mini';
import {BackendError, STATUS_OF} from '../../contract/api/errors.js';
import {OPERATIONS, type InputOf, type Operation, type OperationSpec} from '../../contract/api/operations.js';
import type {AccountService} from '../accounts/account-service.js';
import {createRouteContext, type HandlerRequest, type RouteContext, type RouteContextOptions} from '../routes/context.js';
import {HANDLERS} from '../routes/handlers.js';
import {route} from './router.js';

// A JSON body larger than this is refused before it is parsed.
const MAX_BODY_BYTES = 64 * 1024;

// How long a graceful stop waits for the requests in progress before cutting their connections:
// under the 30 s a container orchestrator grants before SIGKILL, far above an activation's second.
const DRAIN_MS = 25_000;

/** Options of the HTTP service. */
export type BackendServerOptions = Omit<RouteContextOptions, 'now'> & {
	/** Clock of the challenges, codes and sessions (tests). */
	now?: () => number;
	/**
	 * Addresses of the proxies in front (a load balancer): from them, the client is the last
	 * address of `X-Forwarded-For`; from anyone else the header is ignored (it would let a client
	 * pick the address its limits are counted by).
	 */
	trustedProxies?: string[];
	/** The service's certificate (chain included) and private key, PEM: it answers HTTPS. */
	tls?: {cert: string; key: string};
	/** Connections open at once, all clients together (default 900: under the usual limit of 1,024 open files). */
	maxConnections?: number;
	/** Connections open at once from one client (default 64; a trusted proxy is not limited). */
	connectionsPerClient?: number;
	/** Time for a whole request, headers and body, before it is answered 408 and closed (default 15 s). */
	requestTimeoutMs?: number;
	/** Time for a request's headers (default 10 s). */
	headersTimeoutMs?: number;
};

/**
 * The activation service over HTTP: versioned JSON API under /v1, bodies validated, errors
 * `{code, message}`. Every operation tied to a practitioner checks a card proof first and hands
 * the account service the identity of the verified certificate — never one the client sent.
 */
export class BackendServer {
	private readonly server: Server | HttpsServer;
	private readonly scheme: 'http' | 'https';
	private readonly context: RouteContext;
	// Answers not sent yet: when the service stops, each says `Connection: close`.
	private readonly inProgress = new Set<ServerResponse>();
	private draining = false;
	private readonly trustedProxies: Set<string>;

	constructor(accounts: AccountService, options: BackendServerOptions) {
		this.trustedProxies = new Set((options.trustedProxies ?? []).map(unmapped));
		this.context = createRouteContext(accounts, {...options, now: options.now ?? Date.now});
		const requestTimeout = options.requestTimeoutMs ?? 15_000;
		const headersTimeout = Math.min(requestTimeout, options.headersTimeoutMs ?? 10_000);
		// Slow bodies: a client sending a byte now and then is cut after requestTimeout, checked every second.
		const settings = {requestTimeout, headersTimeout, connectionsCheckingInterval: Math.min(1_000, headersTimeout)};
		const handler = (request: IncomingMessage, response: ServerResponse) => {
			// A request that reaches a stopping service on a kept-alive connection is answered, and its
			// connection closed after the answer: the client opens its next one elsewhere.
			if (this.draining) response.shouldKeepAlive = false;
			this.inProgress.add(response);
			response.once('close', () => this.inProgress.delete(response));
			void this.handle(request, response);
		};
		this.scheme = options.tls ? 'https' : 'http';
		this.server = options.tls ? createHttpsServer({...settings, cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2'}, handler) : createServer(settings, handler);
		// Kiosks keep connections open between calls; a graceful stop must not wait for them.
		this.server.keepAliveTimeout = 5000;
		this.server.maxConnections = options.maxConnections ?? 900;
		const perClient = options.connectionsPerClient ?? 64;
		const open = new Map<string, number>();
		this.server.on('connection', socket => {
			const client = unmapped(socket.remoteAddress ?? '');
			if (this.trustedProxies.has(client)) return;
			const count = (open.get(client) ?? 0) + 1;
			// One client holding many connections would leave none for the others.
			if (count > perClient) {
				socket.destroy();
				return;
			}
			open.set(client, count);
			socket.once('close', () => {
				const left = (open.get(client) ?? 1) - 1;
				if (left > 0) open.set(client, left);
				else open.delete(client);
			});
		});
	}

	/** From now on, trusts only these authorities (PEM) for card certificates. */
	trust(trustAnchorsPem: string): void {
		this.context.trust(trustAnchorsPem);
	}

	/** Listens on `host:port` (port 0: an ephemeral one); resolves with the base URL. */
	listen(port: number, host = '127.0.0.1'): Promise<string> {
		return new Promise((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(port, host, () => {
				const {address, port: bound} = this.server.address() as AddressInfo;
				resolve(`${this.scheme}://${address.includes(':') ? `[${address}]` : address}:${bound}`);
			});
		});
	}

	/**
	 * The graceful stop (SIGTERM): new connections are refused (a load balancer sends their requests
	 * to another instance), idle kept-alive ones closed at once; the requests in progress, and those
	 * arriving meanwhile on kept-alive connections, are answered with `Connection: close`
	 * (`/v1/ready` with 503: this instance is going). Resolves when the last connection is closed,
	 * or after DRAIN_MS, when the connections left are cut.
	 */
	close(): Promise<void> {
		this.context.stop();
		this.draining = true;
		// Without it, Node answers them `Connection: keep-alive` and keeps the connection until keepAliveTimeout.
		for (const response of this.inProgress) if (!response.headersSent) response.shouldKeepAlive = false;
		return new Promise(resolve => {
			const cut = setTimeout(() => this.server.closeAllConnections(), DRAIN_MS);
			cut.unref();
			this.server.close(() => {
				clearTimeout(cut);
				resolve();
			});
			this.server.closeIdleConnections();
		});
	}

	private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
		try {
			const url = new URL(request.url ?? '/', 'http://localhost');
			const found = route(request.method ?? 'GET', url.pathname);
			if (!found) throw new BackendError('not-found', `Aucune route ${request.method} ${url.pathname}`);
			// Stopping: alive (`/v1/health`), but no longer ready to take requests.
			if (this.draining && found.operation === 'ready') throw new BackendError('unavailable', 'Service en cours d’arrêt');
			const spec: OperationSpec = OPERATIONS[found.operation];
			const input = {
				...(spec.body ? validBody(spec.body, await readJson(request)) : {}),
				...(spec.query ? validQuery(spec.query, url.searchParams) : {}),
				...found.params,
			};
			const session = spec.bearer ? /^Bearer ([A-Za-z0-9_-]{20,128})$/.exec(request.headers.authorization ?? '')?.[1] : undefined;
			// The answer as the operation's schema publishes it: a field kept for the service's own use never leaves it.
			send(response, spec.status ?? 200, z.parse(spec.response, await this.answer(found.operation, input, {session, client: this.clientOf(request)})));
		} catch (error) {
			// Anything but a refusal is a fault of the service: no detail leaves it, but a database
			// out of reach is said as such (the client retries; the service recovers when it is back).
			sendError(
				response,
				error instanceof BackendError
					? error
					: new BackendError('unavailable', databaseUnreachable(error) ? 'Base de données injoignable : réessayez dans un instant' : 'Erreur interne du service d’activation'),
			);
		}
	}

	private answer<K extends Operation>(operation: K, input: object, request: HandlerRequest) {
		// The input was parsed by the schemas InputOf<K> is derived from, and the path matched the operation's.
		return HANDLERS[operation](input as InputOf<K>, this.context, request);
	}

	/** The client's address: the connection's, or, from a trusted proxy, the last one it forwarded for. */
	private clientOf(request: IncomingMessage): string {
		const peer = unmapped(request.socket.remoteAddress ?? '');
		if (!this.trustedProxies.has(peer)) return peer;
		const forwarded = String(request.headers['x-forwarded-for'] ?? '')
			.split(',')
			.map(address => address.trim())
			.filter(Boolean)
			.at(-1);
		return forwarded ? unmapped(forwarded) : peer;
	}
}

/** `::ffff:10.0.0.1` (an IPv4 client of a dual-stack socket) as `10.0.0.1`. */
function unmapped(address: string): string {
	return address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
}

/** Connection failures to the database: refused, reset, shut down by its administrator, or no answer. */
const DATABASE_GONE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006', 'SQLITE_BUSY']);

function databaseUnreachable(error: unknown): boolean {
	const {code, message} = (error ?? {}) as {code?: unknown; message?: unknown};
	return (typeof code === 'string' && DATABASE_GONE.has(code)) || (typeof message === 'string' && /Connection terminated|connection timeout/i.test(message));
}

function send(response: ServerResponse, status: number, body: unknown): void {
	const text = JSON.stringify(body);
	response.writeHead(status, {'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store'});
	response.end(text);
}

function sendError(response: ServerResponse, error: BackendError): void {
	// A client that knows only HTTP still learns when to ask again.
	if (error.facts.retryAfterSeconds !== undefined) response.setHeader('retry-after', String(error.facts.retryAfterSeconds));
	send(response, STATUS_OF[error.code], {code: error.code, message: error.message, ...(error.details ? {details: error.details} : {}), ...error.facts});
}

async function readJson(request: IncomingMessage): Promise<unknown> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of request) {
		size += (chunk as Buffer).length;
		if (size > MAX_BODY_BYTES) throw new BackendError('invalid-request', 'Corps de requête trop grand');
		chunks.push(chunk as Buffer);
	}
	// No body at all reads as an empty object: the schema then says what is missing.
	if (size === 0) return {};
	try {
		return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
	} catch {
		throw new BackendError('invalid-request', 'Corps de requête : JSON invalide');
	}
}

/** The body parsed by its schema; refused with the problems of each field. */
function validBody(schema: z.ZodMiniType, body: unknown): object {
	const result = schema.safeParse(body);
	if (!result.success) {
		const details: Record<string, string[]> = {};
		for (const issue of result.error.issues) (details[issue.path.join('.') || '(corps)'] ??= []).push(issue.message);
		throw new BackendError('invalid-request', 'Requête invalide', details);
	}
	return result.data as object;
}

/** The query string parsed by its schema (the one query is the directory search's). */
function validQuery(schema: z.ZodMiniType, parameters: URLSearchParams): object {
	const result = schema.safeParse(Object.fromEntries(parameters));
	if (!result.success) throw new BackendError('invalid-request', 'Recherche invalide', {query: result.error.issues.map(issue => `${issue.path.join('.')}: ${issue.message}`)});
	return result.data as object;
}
