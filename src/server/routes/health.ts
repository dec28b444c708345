// Operations about the service itself: whether it answers, whether it can serve, and its OpenAPI document.
import {BackendError} from '../../contract/api/errors.js';
import {openApiDocument} from '../http/openapi.js';
import type {Handlers} from './context.js';

// Built on first request, not when the embedded service starts with the kiosk.
let document: Record<string, unknown> | undefined;

/** `GET /v1/health`, `GET /v1/ready`, `GET /v1/openapi.json`. */
export const healthRoutes: Handlers<'health' | 'ready' | 'openapi'> = {
	health: () => ({status: 'ok'}),
	ready: async (_input, {accounts}) => {
		// Migrations ran before the service listened: reachable means ready.
		if (!(await accounts.ready())) throw new BackendError('unavailable', 'Base de données injoignable');
		return {status: 'ready'};
	},
	openapi: () => (document ??= openApiDocument()),
};
