// Operations about the service itself: whether it answers, and its OpenAPI document.
import {openApiDocument} from '../http/openapi.js';
import type {Handlers} from './context.js';

// Built on first request, not when the embedded service starts with the kiosk.
let document: Record<string, unknown> | undefined;

/** `GET /v1/health`, `GET /v1/openapi.json`. */
export const healthRoutes: Handlers<'health' | 'openapi'> = {
	health: () => ({status: 'ok'}),
	openapi: () => (document ??= openApiDocument()),
};
