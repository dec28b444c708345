// Every string of every request the contract declares is checked for control characters and
// lone surrogates (issue 12 item 13): a field added later without text() fails here.
import {describe, expect, test} from 'vitest';
import * as z from 'zod/mini';
import {OPERATIONS} from '../../src/contract/api/operations.js';

type Def = {type: string; shape?: Record<string, z.ZodMiniType>; element?: z.ZodMiniType; innerType?: z.ZodMiniType; in?: z.ZodMiniType};

/** The string leaves of a schema, by dotted path. */
function strings(schema: z.ZodMiniType, path: string[] = []): Array<[string, z.ZodMiniType]> {
	const def = (schema as unknown as {_zod: {def: Def}})._zod.def;
	switch (def.type) {
		case 'string':
			return [[path.join('.'), schema]];
		case 'object':
			return Object.entries(def.shape ?? {}).flatMap(([key, field]) => strings(field, [...path, key]));
		case 'array':
			return def.element ? strings(def.element, [...path, '0']) : [];
		case 'optional':
			return def.innerType ? strings(def.innerType, path) : [];
		case 'pipe':
			return def.in ? strings(def.in, path) : [];
		default:
			return [];
	}
}

const messages = (schema: z.ZodMiniType, value: string) => {
	const result = z.safeParse(schema, value);
	return result.success ? [] : result.error.issues.map(issue => issue.message);
};

const leaves = Object.entries(OPERATIONS).flatMap(([operation, spec]) =>
	['body' in spec ? spec.body : undefined, 'query' in spec ? spec.query : undefined].flatMap(schema =>
		schema ? strings(schema).map(([field, leaf]) => [`${operation} ${field}`, field, leaf] as const) : [],
	),
);

describe('every string of every request', () => {
	test('there are strings to check', () => {
		expect(leaves.length).toBeGreaterThan(20);
	});

	test.each(leaves)('%s: a lone surrogate is refused', (_name, _field, leaf) => {
		expect(messages(leaf, 'ab\ud800')).toContain('ill-formed-unicode');
	});

	// Passwords (secretText) keep other characters: the policy judges them, nothing shows or stores them.
	test.each(leaves.filter(([, field]) => !/password$/i.test(field)))('%s: a control character is refused', (_name, _field, leaf) => {
		for (const control of ['\u001b', '\u0007', '\u009b', '\u007f', '\u0000']) expect(messages(leaf, `a${control}b`)).toContain('control-character');
	});
});
