import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import * as z from 'zod/mini';
import {BackendError, STATUS_OF} from '../../contract/api/errors.js';
import type {AccountService} from '../accounts/account-service.js';
import type {CardProof} from '../../contract/domain/account.js';
import {ChallengeStore} from '../auth/challenges.js';
import {codeMessage, maskEmail, maskMobile, type MailSender, type SmsSender} from '../delivery/delivery.js';
import {OneTimeCodeError, OneTimeCodes, type OneTimeCodeBinding, type OneTimeCodePurpose} from '../auth/one-time-codes.js';
import {checkEmail, checkMobile} from '../../contract/rules/contact-rules.js';
import {createHash, randomBytes} from 'node:crypto';
import type {x509} from '../../contract/certificate/cps-certificate.js';
import {directoryQuerySchema, requestSchemas} from '../../contract/api/schemas.js';
import {OPERATION_NAMES, OPERATIONS, type Operation} from '../../contract/api/operations.js';

const ROUTES = OPERATION_NAMES.map(operation => ({operation, ...OPERATIONS[operation]}));
import {DIRECTORY_OFFSET_MAX} from '../../contract/domain/directory.js';

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
			parameters: [
				...[...route.path.matchAll(/:(\w+)/g)].map(([, name]) => ({name, in: 'path', required: true, schema: {type: 'string'}})),
				...(route.operation === 'directory' ? Object.keys(directoryQuerySchema.shape).map(name => ({name, in: 'query', required: false, schema: {type: 'string'}})) : []),
			],
			...(schema ? {requestBody: {required: true, content: {'application/json': {schema: z.toJSONSchema(schema)}}}} : {}),
			responses: {
				'200': {description: 'OK'},
				default: {description: 'Erreur : {code, message, details?}', content: {'application/json': {schema: {type: 'object', required: ['code', 'message'], properties: {code: {type: 'string', enum: Object.keys(STATUS_OF)}, message: {type: 'string'}, details: {type: 'object'}}}}}},
			},
		};
	}
	return {openapi: '3.1.0', info: {title: 'mssante-kiosk — service d’activation', version: '1'}, paths};
}

function sha256(text: string): string {
	return createHash('sha256').update(text).digest('hex');
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
	/** Clock of the challenges, codes and sessions (tests). */
	now?: () => number;
	/** How codes by e-mail leave the service (SMTP, or the outbox). */
	mail: MailSender;
	/** How codes by SMS leave the service (a gateway, or the outbox). */
	sms: SmsSender;
};

// A session of "Me connecter sans carte CPS": long enough to change one's settings.
const SESSION_TTL_MS = 15 * 60 * 1000;
// A verified channel must be used by an activation within this time.
const VERIFIED_TTL_MS = 30 * 60 * 1000;

/**
 * The activation service over HTTP: versioned JSON API under /v1, bodies validated, errors
 * `{code, message}`. Every operation tied to a practitioner checks a card proof first and hands
 * the account service the identity of the verified certificate — never one the client sent.
 */
export class BackendServer {
	private readonly server: Server;
	// Built on first request, not when the embedded service starts with the kiosk.
	private openApi: Record<string, unknown> | undefined;
	private readonly challenges: ChallengeStore;
	private readonly codes: OneTimeCodes;
	private readonly now: () => number;
	/** Channels a code was sent to, by verification id; `verified` once the code came back. */
	private readonly verifications = new Map<string, {nationalId: string; channel: 'sms' | 'mail'; destination: string; verified: boolean; expiresAt: number}>();
	/** Sign-ins waiting for their code. */
	private readonly signIns = new Map<string, {address: string; destination: string}>();
	/**
	 * Sessions by SHA-256 of their token (the token itself is never stored): `account` from a
	 * sign-in without the card (may change the account), `directory` from a card proof (may see
	 * published mobiles in the directory, nothing more).
	 */
	private readonly sessions = new Map<string, {address: string; expiresAt: number; scope: 'account' | 'directory'}>();

	constructor(
		private readonly backend: AccountService,
		private readonly options: BackendServerOptions,
	) {
		this.now = options.now ?? Date.now;
		this.challenges = new ChallengeStore(this.now);
		this.codes = new OneTimeCodes({now: this.now});
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

	/** The destination as stored: a checked e-mail, or a French mobile in E.164. */
	private destinationOf(channel: 'sms' | 'mail', destination: string): string {
		const checked = channel === 'sms' ? checkMobile(destination) : checkEmail(destination);
		if (!checked.ok || checked.value === undefined) throw new BackendError('invalid-request', 'Destination du code invalide', {destination: [checked.ok ? 'required' : checked.problem]});
		return checked.value;
	}

	/** Issues a code bound to its purpose, subject and destination, and sends it; returns where to, masked. */
	private async sendCode(purpose: OneTimeCodePurpose, subject: string, channel: 'sms' | 'mail', destination: string, who: {address?: string; nationalId?: string}) {
		let issued;
		try {
			issued = this.codes.issue({purpose, subject, destination});
		} catch (error) {
			if (error instanceof OneTimeCodeError) throw new BackendError('rate-limited', `Trop de codes demandés : réessayez dans ${Math.ceil(error.retryAfterMs / 1000)} s`);
			throw error;
		}
		const message = codeMessage(issued.code, purpose, this.codes.ttlMs);
		try {
			if (channel === 'sms') await this.options.sms.send({to: destination, text: message.sms});
			else await this.options.mail.send({to: destination, subject: message.subject, text: message.text});
		} catch {
			await this.backend.audit.record({action: 'code-sent', outcome: 'refused', channel, ...who, detail: 'delivery'});
			throw new BackendError('unavailable', channel === 'sms' ? 'Envoi du SMS impossible pour le moment' : 'Envoi du mail impossible pour le moment');
		}
		await this.backend.audit.record({action: 'code-sent', outcome: 'ok', channel, ...who});
		return {id: issued.requestId, channel, destination: channel === 'sms' ? maskMobile(destination) : maskEmail(destination)};
	}

	private checkCode(id: string, code: string, binding: OneTimeCodeBinding, who: {address?: string; nationalId?: string; channel?: 'sms' | 'mail'}): void {
		const verdict = this.codes.verify(id, code, binding);
		void this.backend.audit.record({action: 'code-checked', outcome: verdict === 'ok' ? 'ok' : 'refused', ...who, ...(verdict === 'ok' ? {} : {detail: verdict})});
		if (verdict === 'wrong') throw new BackendError('code-refused', 'Code incorrect');
		if (verdict !== 'ok') throw new BackendError('code-expired', verdict === 'exhausted' ? 'Trop d’essais : demandez un nouveau code' : 'Code expiré : demandez-en un nouveau');
	}

	/** The activation's preferred channel received a code that came back, for this card. */
	private requireVerifiedChannel(verificationId: string, nationalId: string, options: {otpChannel: 'sms' | 'mail'; email: string; mobile?: string}): void {
		const verification = this.verifications.get(verificationId);
		const wanted = this.whereCodesGo(options);
		if (!verification || !verification.verified || verification.expiresAt <= this.now() || verification.nationalId !== nationalId || verification.channel !== options.otpChannel || verification.destination !== wanted) {
			throw new BackendError('channel-not-verified', 'Le mode de réception favori n’a pas été vérifié par un code');
		}
	}

	/** Where codes go with these options: the e-mail, or the mobile in E.164. */
	private whereCodesGo(options: {otpChannel: string; email: string; mobile?: string}): string | undefined {
		const destination = options.otpChannel === 'sms' ? checkMobile(options.mobile ?? '') : checkEmail(options.email);
		return destination.ok ? destination.value : undefined;
	}

	/** Whether an update changes where codes go (which must then be verified first). */
	private changesChannel(before: {otpChannel: string; email: string; mobile?: string}, after: {otpChannel: string; email: string; mobile?: string}): boolean {
		return before.otpChannel !== after.otpChannel || this.whereCodesGo(before) !== this.whereCodesGo(after);
	}

	/** Whether the request carries a live session of an existing account (`Authorization: Bearer`). */
	private async signedIn(request: IncomingMessage): Promise<boolean> {
		const token = /^Bearer ([A-Za-z0-9_-]{20,128})$/.exec(request.headers.authorization ?? '')?.[1];
		const session = token ? this.sessions.get(sha256(token)) : undefined;
		if (!session || session.expiresAt <= this.now()) return false;
		return (await this.backend.accountAt(session.address)) !== null;
	}

	private async prove(proof: CardProof) {
		const {parseAnchors, verifyCardProof} = await import('../auth/card-proof.js');
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
					this.openApi ??= openApiDocument();
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
				case 'verifyChannel': {
					const {proof, channel, destination} = validated('verifyChannel', await readJson(request));
					const identity = await this.prove(proof);
					const checked = this.destinationOf(channel, destination);
					const sent = await this.sendCode('verify-channel', identity.nationalId, channel, checked, {nationalId: identity.nationalId});
					this.verifications.set(sent.id, {nationalId: identity.nationalId, channel, destination: checked, verified: false, expiresAt: this.now() + VERIFIED_TTL_MS});
					send(response, 200, sent);
					return;
				}
				case 'confirmChannel': {
					const {verificationId, code} = validated('confirmChannel', await readJson(request));
					const pending = this.verifications.get(verificationId);
					if (!pending) throw new BackendError('code-expired', 'Code inconnu ou expiré : demandez-en un nouveau');
					this.checkCode(verificationId, code, {purpose: 'verify-channel', subject: pending.nationalId, destination: pending.destination}, {nationalId: pending.nationalId, channel: pending.channel});
					pending.verified = true;
					send(response, 200, {verified: true});
					return;
				}
				case 'activate': {
					const {proof, verificationId, ...activation} = validated('activate', await readJson(request));
					const identity = await this.prove(proof);
					this.requireVerifiedChannel(verificationId, identity.nationalId, activation.options);
					send(response, 201, await this.backend.activate({...activation, identity}));
					return;
				}
				case 'signIn': {
					const body = validated('signIn', await readJson(request));
					const account = await this.backend.checkSignIn(body.address, body.password);
					if (!account) {
						await this.backend.audit.record({action: 'sign-in', outcome: 'refused', address: body.address, detail: 'sign-in-refused'});
						throw new BackendError('sign-in-refused', 'Adresse ou mot de passe incorrect');
					}
					const {otpChannel: channel, email, mobile} = account.options;
					const destination = channel === 'sms' && mobile ? mobile : email;
					const sent = await this.sendCode('sign-in', account.address, channel === 'sms' && mobile ? 'sms' : 'mail', destination, {address: account.address});
					this.signIns.set(sent.id, {address: account.address, destination});
					send(response, 200, sent);
					return;
				}
				case 'confirmSignIn': {
					const {signInId, code} = validated('confirmSignIn', await readJson(request));
					const pending = this.signIns.get(signInId);
					if (!pending) throw new BackendError('code-expired', 'Code inconnu ou expiré : reconnectez-vous');
					this.checkCode(signInId, code, {purpose: 'sign-in', subject: pending.address, destination: pending.destination}, {address: pending.address});
					this.signIns.delete(signInId);
					const session = randomBytes(32).toString('base64url');
					this.sessions.set(sha256(session), {address: pending.address, expiresAt: this.now() + SESSION_TTL_MS, scope: 'account'});
					await this.backend.audit.record({action: 'sign-in', outcome: 'ok', address: pending.address});
					const account = await this.backend.accountAt(pending.address);
					if (!account) throw new BackendError('not-found', 'Compte introuvable');
					send(response, 200, {session, account});
					return;
				}
				case 'update': {
					const body = validated('update', await readJson(request));
					const target = params['address'] ?? '';
					let holder = null;
					if (body.proof) holder = await this.prove(body.proof);
					else {
						const session = body.session ? this.sessions.get(sha256(body.session)) : undefined;
						if (!session || session.scope !== 'account' || session.expiresAt <= this.now() || session.address !== target.toLowerCase()) throw new BackendError('sign-in-refused', 'Session expirée : reconnectez-vous');
					}
					const current = await this.backend.accountAt(target);
					if (current && this.changesChannel(current.options, body.options)) {
						// Where codes go decides who can sign in without the card: a new destination must
						// have received a code, and only the card holder may change it.
						if (!holder) throw new BackendError('channel-not-verified', 'Changer le mode de réception des codes nécessite la carte CPS');
						this.requireVerifiedChannel(body.verificationId ?? '', holder.nationalId, body.options);
					}
					send(response, 200, await this.backend.update(target, holder, {options: body.options, password: body.password}));
					return;
				}
				case 'openSession': {
					const {proof} = validated('openSession', await readJson(request));
					const account = await this.backend.accountFor((await this.prove(proof)).nationalId);
					if (!account) throw new BackendError('not-found', 'Aucun compte activé pour cette carte');
					const session = randomBytes(32).toString('base64url');
					this.sessions.set(sha256(session), {address: account.address, expiresAt: this.now() + SESSION_TTL_MS, scope: 'directory'});
					send(response, 200, {session});
					return;
				}
				case 'directory': {
					const parsed = directoryQuerySchema.safeParse(Object.fromEntries(url.searchParams));
					if (!parsed.success) throw new BackendError('invalid-request', 'Recherche invalide', {query: parsed.error.issues.map(issue => `${issue.path.join('.')}: ${issue.message}`)});
					const {q, profession, place, city, offset, limit} = parsed.data;
					const query = {text: q, profession, place, city, offset, limit};
					if ((query.offset ?? 0) > DIRECTORY_OFFSET_MAX) throw new BackendError('invalid-request', `Recherche invalide : au-delà de ${DIRECTORY_OFFSET_MAX} résultats, précisez la recherche`, {query: ['offset']});
					send(response, 200, await this.backend.searchDirectory(query, {signedIn: await this.signedIn(request)}));
					return;
				}
				case 'directoryStatus':
					this.backend.directory.load();
					send(response, 200, this.backend.directory.state);
					return;
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
