import * as z from 'zod/mini';
import {directoryQuerySchema, requestSchemas, responseSchemas} from './schemas.js';

/** One operation of the activation API: everything the client and the server derive from it. */
export type OperationSpec = {
	method: 'GET' | 'POST' | 'PUT';
	/** Path of the route; `:name` segments are parameters, taken from the input by the client. */
	path: string;
	/** One line for the OpenAPI document. */
	summary: string;
	/** Schema of the JSON body (POST, PUT); absent: the body is not read. */
	body?: z.ZodMiniType;
	/** Schema of the query string (GET). */
	query?: z.ZodMiniType;
	/** Schema of a successful answer (the kiosk checks every answer against it). */
	response: z.ZodMiniType;
	/** HTTP status of a success; 200 when absent. */
	status?: number;
	/** Safe to repeat after a network failure or a 503: the client retries it. */
	repeatable?: boolean;
	/** Takes an optional session as `Authorization: Bearer`. */
	bearer?: boolean;
};

/**
 * The activation API, declared once: the kiosk's client methods, the server's handler table and
 * the OpenAPI document are all derived from this table.
 */
export const OPERATIONS = {
	health: {method: 'GET', path: '/v1/health', summary: 'Le service répond (vivant).', response: z.object({status: z.literal('ok')}), repeatable: true},
	ready: {
		method: 'GET',
		path: '/v1/ready',
		summary: 'Le service peut répondre : base de données joignable, migrations appliquées (503 sinon).',
		response: z.object({status: z.literal('ready')}),
		repeatable: true,
	},
	openapi: {method: 'GET', path: '/v1/openapi.json', summary: 'Ce document.', response: z.record(z.string(), z.unknown()), repeatable: true},
	challenge: {
		method: 'POST',
		path: '/v1/challenges',
		summary: 'Défi à usage unique (2 min) que la carte signe pour prouver sa présence, pour une opération (purpose) : la preuve ne vaut que pour elle.',
		body: requestSchemas.challenge,
		response: responseSchemas.challenge,
		repeatable: true,
	},
	// Calls carrying a card proof are not repeated by the client: the proof's challenge is used up
	// by the first attempt. The kiosk's "Réessayer" signs a new one (same requestId).
	availability: {
		method: 'POST',
		path: '/v1/addresses/availability',
		summary: 'Disponibilité des adresses proposées à la carte prouvée, elles seules (suffixe numérique le plus petit libre).',
		body: requestSchemas.availability,
		response: responseSchemas.availability,
	},
	lookup: {method: 'POST', path: '/v1/accounts/lookup', summary: 'Compte déjà activé pour la carte prouvée.', body: requestSchemas.lookup, response: responseSchemas.account},
	verifyChannel: {
		method: 'POST',
		path: '/v1/verifications',
		summary: 'Envoie un code au mode de réception choisi, pour le vérifier avant l’activation.',
		body: requestSchemas.verifyChannel,
		response: responseSchemas.codeSent,
	},
	confirmChannel: {
		method: 'POST',
		path: '/v1/verifications/confirm',
		summary: 'Confirme le code reçu : le mode de réception est vérifié.',
		body: requestSchemas.confirmChannel,
		response: responseSchemas.confirmed,
	},
	activate: {
		method: 'POST',
		path: '/v1/activations',
		summary: 'Activation pour la carte prouvée, mode de réception vérifié, idempotente par requestId.',
		body: requestSchemas.activate,
		response: responseSchemas.account,
		status: 201,
	},
	signIn: {
		method: 'POST',
		path: '/v1/sign-in',
		summary: 'Connexion sans carte : adresse et mot de passe, puis un code au mode de réception favori.',
		body: requestSchemas.signIn,
		response: responseSchemas.codeSent,
	},
	confirmSignIn: {
		method: 'POST',
		path: '/v1/sign-in/confirm',
		summary: 'Code de connexion : une session (15 min) pour modifier le compte.',
		body: requestSchemas.confirmSignIn,
		response: responseSchemas.signedIn,
	},
	update: {
		method: 'PUT',
		path: '/v1/accounts/:address',
		summary: 'Modification du compte, par la carte prouvée ou une session de connexion sans carte.',
		body: requestSchemas.update,
		response: responseSchemas.account,
	},
	invite: {method: 'POST', path: '/v1/invitations', summary: 'Invitations envoyées aux confrères depuis le compte de la carte prouvée.', body: requestSchemas.invite, response: responseSchemas.invite},
	openSession: {
		method: 'POST',
		path: '/v1/sessions',
		summary: 'Session (15 min) du titulaire d’un compte, par sa carte : voir les mobiles publiés dans l’annuaire.',
		body: requestSchemas.openSession,
		response: responseSchemas.session,
	},
	directory: {
		method: 'GET',
		path: '/v1/directory',
		summary: 'Recherche dans l’annuaire (q, profession, place, city, offset, limit) ; mobiles publiés pour une session (Authorization: Bearer).',
		query: directoryQuerySchema,
		response: responseSchemas.directoryPage,
		repeatable: true,
		bearer: true,
	},
	directoryStatus: {
		method: 'GET',
		path: '/v1/directory/status',
		summary: 'État de l’annuaire : chargement du fichier national, nombre d’adresses, professions présentes.',
		response: responseSchemas.directoryState,
		repeatable: true,
	},
} as const satisfies Record<string, OperationSpec>;

export type Operation = keyof typeof OPERATIONS;

/** Every operation, in the table's order. */
export const OPERATION_NAMES = Object.keys(OPERATIONS) as Operation[];

type Spec<K extends Operation> = (typeof OPERATIONS)[K];

/** Names of the `:name` parameters of a path. */
type PathParameters<P extends string> = P extends `${string}:${infer Name}/${infer Rest}` ? Name | PathParameters<`/${Rest}`> : P extends `${string}:${infer Name}` ? Name : never;

/** What a caller gives an operation: its body, its query, and its path parameters, in one object. */
export type InputOf<K extends Operation> = (Spec<K> extends {body: infer B extends z.ZodMiniType} ? z.output<B> : unknown) &
	(Spec<K> extends {query: infer Q extends z.ZodMiniType} ? z.output<Q> : unknown) & {[N in PathParameters<Spec<K>['path']>]: string};

/** What an operation answers on success. */
export type OutputOf<K extends Operation> = z.output<Spec<K>['response']>;

/** Options of one call. */
export type CallOptions = {
	/** Session sent as `Authorization: Bearer` to the operations that take one. */
	session?: string | null;
	/** Abandons the request (the kiosk's session ended): not sent if not yet, not retried, its answer ignored. */
	signal?: AbortSignal;
};

/** The activation API as the kiosk calls it: one method per operation. */
export type ApiClient = {[K in Operation]: (input: InputOf<K>, options?: CallOptions) => Promise<OutputOf<K>>};
