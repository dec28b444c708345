// The service's routes and handlers against the contract's operation table, without HTTP.
import {describe, expect, test} from 'vitest';
import {BackendError} from '../../src/contract/api/errors.js';
import {OPERATION_NAMES, OPERATIONS} from '../../src/contract/api/operations.js';
import {route} from '../../src/server/http/router.js';
import {HANDLERS} from '../../src/server/routes/handlers.js';

describe('routes', () => {
	test('the handler table has one handler for every operation of the contract, and nothing else', () => {
		expect(Object.keys(HANDLERS).sort()).toEqual([...OPERATION_NAMES].sort());
		for (const operation of OPERATION_NAMES) expect(HANDLERS[operation], operation).toBeTypeOf('function');
	});

	test("every operation's method and path lead to it, with its path parameters decoded", () => {
		for (const operation of OPERATION_NAMES) {
			const {method, path} = OPERATIONS[operation];
			expect(route(method, path.replace(/:\w+/g, 'a%40b.fr'))).toEqual({operation, params: Object.fromEntries([...path.matchAll(/:(\w+)/g)].map(([, name]) => [name, 'a@b.fr']))});
		}
	});

	test('another method, another path, an empty or extra segment: no route', () => {
		expect(route('DELETE', '/v1/health')).toBeNull();
		expect(route('GET', '/v1/health/')).toBeNull();
		expect(route('PUT', '/v1/accounts/')).toBeNull();
		expect(route('PUT', '/v1/accounts/a/b')).toBeNull();
		expect(route('GET', '/v2/health')).toBeNull();
	});

	test('a malformed percent-encoding in a parameter is refused as invalid-request', () => {
		expect(() => route('PUT', '/v1/accounts/%E0%A4%A')).toThrow(expect.objectContaining({code: 'invalid-request'}));
		expect(() => route('PUT', '/v1/accounts/%E0%A4%A')).toThrow(BackendError);
	});
});
