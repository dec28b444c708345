import * as z from 'zod/mini';
import type {BackendErrorCode} from '../services/backend-client.js';
import {MAILBOX_TYPES} from '../services/directory-query.js';

// Schemas of the activation API, shared by the server (validation) and the kiosk's client.
// zod/mini: the embedded server starts with the kiosk, before its first frame.

const identitySchema = z.object({
	civilite: z.optional(z.string().check(z.maxLength(20))),
	givenName: z.string().check(z.minLength(1), z.maxLength(100)),
	surname: z.string().check(z.minLength(1), z.maxLength(100)),
	profession: z.string().check(z.minLength(1), z.maxLength(100)),
	professionCode: z.optional(z.string().check(z.maxLength(4))),
	nationalId: z.string().check(z.regex(/^[0-9A-Z]{6,20}$/)),
	idType: z.enum(['RPPS', 'ADELI']),
});

const optionsSchema = z.object({
	email: z.string().check(z.maxLength(254)),
	mobile: z.optional(z.string().check(z.maxLength(32))),
	otpChannel: z.enum(['sms', 'mail']),
	notify: z.boolean(),
	publishMobile: z.boolean(),
	listeRouge: z.boolean(),
	paperless: z.boolean(),
});

const proofSchema = z.object({
	challengeId: z.string().check(z.regex(/^[0-9a-f-]{36}$/)),
	signature: z.string().check(z.maxLength(2048), z.regex(/^[A-Za-z0-9+/=]+$/)),
	certificate: z.string().check(z.maxLength(16_384), z.regex(/^[A-Za-z0-9+/=]+$/)),
});

const uuid = z.string().check(z.regex(/^[0-9a-f-]{36}$/));
const code = z.string().check(z.regex(/^\d{6}$/));

const address = z.string().check(z.maxLength(320), z.regex(/^[^\s@]+@[a-z0-9.-]+$/));
// The policy's own limit is 128 characters; a longer body is refused by the policy, not cut.
const password = z.string().check(z.maxLength(1024));

/** Request bodies, by operation. */
export const requestSchemas = {
	availability: z.object({addresses: z.array(address).check(z.minLength(1), z.maxLength(8))}),
	lookup: z.object({proof: proofSchema}),
	verifyChannel: z.object({proof: proofSchema, channel: z.enum(['sms', 'mail']), destination: z.string().check(z.maxLength(254))}),
	confirmChannel: z.object({verificationId: uuid, code}),
	activate: z.object({requestId: uuid, proof: proofSchema, verificationId: uuid, address, password, options: optionsSchema}),
	signIn: z.object({address, password}),
	confirmSignIn: z.object({signInId: uuid, code}),
	update: z.object({proof: z.optional(proofSchema), session: z.optional(z.string().check(z.maxLength(128))), verificationId: z.optional(uuid), options: optionsSchema, password: z.optional(password)}),
	invite: z.object({proof: proofSchema, emails: z.array(z.string().check(z.maxLength(254))).check(z.minLength(1), z.maxLength(20))}),
	openSession: z.object({proof: proofSchema}),
};

const digits = (max: number) => z.string().check(z.regex(new RegExp(`^\\d{1,${max}}$`)));

/** Query string of `GET /v1/directory` (every parameter optional). */
export const directoryQuerySchema = z.object({
	q: z.optional(z.string().check(z.maxLength(100))),
	profession: z.optional(z.string().check(z.regex(/^[0-9A-Z]{0,4}$/))),
	place: z.optional(z.string().check(z.regex(/^(\d{0,5}|2[ABab])$/))),
	city: z.optional(z.string().check(z.maxLength(60))),
	offset: z.optional(digits(6)),
	limit: z.optional(digits(3)),
});

const directoryEntrySchema = z.object({
	type: z.enum(MAILBOX_TYPES),
	address: z.string(),
	civility: z.string(),
	surname: z.string(),
	givenName: z.string(),
	professionCode: z.string(),
	profession: z.string(),
	specialty: z.string(),
	organisation: z.string(),
	service: z.string(),
	street: z.string(),
	postalCode: z.string(),
	city: z.string(),
	departement: z.string(),
	mobile: z.optional(z.string()),
});

const directoryStateSchema = z.object({
	phase: z.enum(['idle', 'loading', 'ready', 'failed', 'none']),
	progress: z.number(),
	entries: z.number(),
	error: z.optional(z.string()),
	professions: z.array(z.object({code: z.string(), label: z.string(), count: z.number()})),
});

/** Answers, checked by the kiosk: a backend answering nonsense is "unavailable", never a crash. */
export const responseSchemas = {
	account: z.object({address, identity: identitySchema, options: optionsSchema, createdAt: z.string(), updatedAt: z.string()}),
	availability: z.object({results: z.array(z.object({requested: address, available: address}))}),
	invite: z.object({sent: z.number().check(z.int(), z.minimum(0))}),
	challenge: z.object({challengeId: z.string(), challenge: z.string(), expiresAt: z.string()}),
	codeSent: z.object({id: z.string(), channel: z.enum(['sms', 'mail']), destination: z.string()}),
	confirmed: z.object({verified: z.literal(true)}),
	signedIn: z.object({session: z.string(), account: z.object({address, identity: identitySchema, options: optionsSchema, createdAt: z.string(), updatedAt: z.string()})}),
	error: z.object({code: z.string(), message: z.string(), details: z.optional(z.record(z.string(), z.array(z.string())))}),
	directoryPage: z.object({total: z.number(), offset: z.number(), entries: z.array(directoryEntrySchema), state: directoryStateSchema}),
	directoryState: directoryStateSchema,
	session: z.object({session: z.string()}),
};

/** HTTP status of each stable error code. */
export const STATUS_OF: Record<BackendErrorCode, number> = {
	'invalid-request': 400,
	'password-policy': 422,
	'address-taken': 409,
	'address-not-allowed': 403,
	'already-activated': 409,
	'not-found': 404,
	'card-proof': 401,
	'sign-in-refused': 401,
	'code-refused': 401,
	'code-expired': 410,
	'rate-limited': 429,
	'channel-not-verified': 403,
	unavailable: 503,
};

/** Route table: method, path pattern (`:name` parameters), operation. The OpenAPI document follows it. */
export const ROUTES = [
	{method: 'GET', path: '/v1/health', operation: 'health', summary: 'Le service répond.'},
	{method: 'GET', path: '/v1/openapi.json', operation: 'openapi', summary: 'Ce document.'},
	{method: 'POST', path: '/v1/challenges', operation: 'challenge', summary: 'Défi à usage unique (2 min) que la carte signe pour prouver sa présence.'},
	{method: 'POST', path: '/v1/addresses/availability', operation: 'availability', summary: 'Disponibilité des adresses proposées (suffixe numérique le plus petit libre).'},
	{method: 'POST', path: '/v1/accounts/lookup', operation: 'lookup', summary: 'Compte déjà activé pour la carte prouvée.'},
	{method: 'POST', path: '/v1/verifications', operation: 'verifyChannel', summary: 'Envoie un code au mode de réception choisi, pour le vérifier avant l’activation.'},
	{method: 'POST', path: '/v1/verifications/confirm', operation: 'confirmChannel', summary: 'Confirme le code reçu : le mode de réception est vérifié.'},
	{method: 'POST', path: '/v1/activations', operation: 'activate', summary: 'Activation pour la carte prouvée, mode de réception vérifié, idempotente par requestId.'},
	{method: 'POST', path: '/v1/sign-in', operation: 'signIn', summary: 'Connexion sans carte : adresse et mot de passe, puis un code au mode de réception favori.'},
	{method: 'POST', path: '/v1/sign-in/confirm', operation: 'confirmSignIn', summary: 'Code de connexion : une session (15 min) pour modifier le compte.'},
	{method: 'PUT', path: '/v1/accounts/:address', operation: 'update', summary: 'Modification du compte, par la carte prouvée ou une session de connexion sans carte.'},
	{method: 'POST', path: '/v1/invitations', operation: 'invite', summary: 'Invitations envoyées aux confrères depuis le compte de la carte prouvée.'},
	{method: 'POST', path: '/v1/sessions', operation: 'openSession', summary: 'Session (15 min) du titulaire d’un compte, par sa carte : voir les mobiles publiés dans l’annuaire.'},
	{method: 'GET', path: '/v1/directory', operation: 'directory', summary: 'Recherche dans l’annuaire (q, profession, place, city, offset, limit) ; mobiles publiés pour une session (Authorization: Bearer).'},
	{method: 'GET', path: '/v1/directory/status', operation: 'directoryStatus', summary: 'État de l’annuaire : chargement du fichier national, nombre d’adresses, professions présentes.'},
] as const;

export type Operation = (typeof ROUTES)[number]['operation'];
