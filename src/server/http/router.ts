// The routes of the activation API, derived from the contract's operation table: a request's
// method and path give its operation and its path parameters, decoded.
import {BackendError} from '../../contract/api/errors.js';
import {OPERATION_NAMES, OPERATIONS, type Operation} from '../../contract/api/operations.js';

/** A request matched to an operation: its `:name` path parameters, percent-decoded. */
export type RouteMatch = {operation: Operation; params: Record<string, string>};

/** A segment of a path: a literal, or the name of a parameter (`:address`). */
type Segment = {literal: string} | {param: string};

const ROUTES = OPERATION_NAMES.map(operation => ({
	operation,
	method: OPERATIONS[operation].method,
	segments: OPERATIONS[operation].path.split('/').map((segment): Segment => (segment.startsWith(':') ? {param: segment.slice(1)} : {literal: segment})),
}));

/**
 * The operation of `method` on `pathname` (as sent, still percent-encoded), the table's first
 * match; null when none. A parameter is a whole, non-empty segment; one whose percent-encoding
 * is malformed is refused as `invalid-request`.
 */
export function route(method: string, pathname: string): RouteMatch | null {
	const sent = pathname.split('/');
	const found = ROUTES.find(
		candidate =>
			candidate.method === method &&
			candidate.segments.length === sent.length &&
			candidate.segments.every((segment, index) => ('literal' in segment ? segment.literal === sent[index] : sent[index] !== '')),
	);
	if (!found) return null;
	const params: Record<string, string> = {};
	found.segments.forEach((segment, index) => {
		if ('param' in segment) params[segment.param] = decoded(sent[index] ?? '');
	});
	return {operation: found.operation, params};
}

function decoded(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		throw new BackendError('invalid-request', 'Chemin de requête : encodage invalide');
	}
}
