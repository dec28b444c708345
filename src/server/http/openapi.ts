// The OpenAPI document of the activation API, derived from the contract's operation table: what
// is served is what is documented (kept true by a test).
import * as z from 'zod/mini';
import {STATUS_OF} from '../../contract/api/errors.js';
import {OPERATION_NAMES, OPERATIONS, type OperationSpec} from '../../contract/api/operations.js';

const ERROR_RESPONSE = {
	description: 'Erreur : {code, message, details?, retryAfterSeconds? (429), triesLeft? (code incorrect)}',
	content: {
		'application/json': {
			schema: {
				type: 'object',
				required: ['code', 'message'],
				properties: {code: {type: 'string', enum: Object.keys(STATUS_OF)}, message: {type: 'string'}, details: {type: 'object'}, retryAfterSeconds: {type: 'integer'}, triesLeft: {type: 'integer'}},
			},
		},
	},
};

/** The OpenAPI 3.1 document of every operation: path and query parameters, body schemas, statuses. */
export function openApiDocument(): Record<string, unknown> {
	const paths: Record<string, Record<string, unknown>> = {};
	for (const operation of OPERATION_NAMES) {
		const spec: OperationSpec = OPERATIONS[operation];
		const path = spec.path.replace(/:(\w+)/g, '{$1}');
		paths[path] ??= {};
		paths[path][spec.method.toLowerCase()] = {
			operationId: operation,
			summary: spec.summary,
			parameters: [
				...[...spec.path.matchAll(/:(\w+)/g)].map(([, name]) => ({name, in: 'path', required: true, schema: {type: 'string'}})),
				...(spec.query instanceof z.ZodMiniObject ? Object.keys(spec.query.shape).map(name => ({name, in: 'query', required: false, schema: {type: 'string'}})) : []),
			],
			...(spec.body ? {requestBody: {required: true, content: {'application/json': {schema: z.toJSONSchema(spec.body)}}}} : {}),
			responses: {[String(spec.status ?? 200)]: {description: 'OK'}, default: ERROR_RESPONSE},
		};
	}
	return {openapi: '3.1.0', info: {title: 'mssante-kiosk — service d’activation', version: '1'}, paths};
}
