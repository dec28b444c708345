import {inspect} from 'node:util';
import {describe, expect, test} from 'vitest';
import {OneTimeCodeError, OneTimeCodes, type OneTimeCodeBinding} from '../../src/server/auth/one-time-codes.js';

const MINUTE = 60_000;

function clock(start = 1_750_000_000_000) {
	let time = start;
	return {now: () => time, advance: (ms: number) => void (time += ms)};
}

const signIn: OneTimeCodeBinding = {purpose: 'sign-in', subject: 'jean.dupont@medecin.mssante.fr', destination: 'jean.dupont@exemple.fr'};

/** A code that is not `code` (same length, digits only). */
function otherThan(code: string): string {
	return String((Number(code) + 1) % 1_000_000).padStart(6, '0');
}

/** Everything the instance holds, as text, through both usual ways of dumping an object. */
function dump(codes: OneTimeCodes): string {
	const state = codes as unknown as {pending: Map<string, unknown>; current: Map<string, unknown>; sends: Map<string, unknown>};
	return [
		inspect(codes, {depth: Infinity, showHidden: true, maxArrayLength: Infinity, maxStringLength: Infinity}),
		JSON.stringify(codes),
		JSON.stringify([...state.pending], (_key, value: unknown) => value),
		JSON.stringify([...state.current]),
		JSON.stringify([...state.sends]),
	].join('\n');
}

/** `code` as a whole number in `text` (not a run inside a longer number such as a timestamp). */
function containsCode(text: string, code: string): boolean {
	return new RegExp(`(?<!\\d)${code}(?!\\d)`).test(text);
}

describe('OneTimeCodes', () => {
	test('a code issued verifies once', () => {
		const codes = new OneTimeCodes();
		const {requestId, code} = codes.issue(signIn);
		expect(code).toMatch(/^\d{6}$/);
		expect(codes.verify(requestId, code, signIn)).toBe('ok');
	});

	test('single use: the same code a second time is unknown', () => {
		const codes = new OneTimeCodes();
		const {requestId, code} = codes.issue(signIn);
		expect(codes.verify(requestId, code, signIn)).toBe('ok');
		expect(codes.verify(requestId, code, signIn)).toBe('unknown');
	});

	test('an unknown request id is unknown', () => {
		const codes = new OneTimeCodes();
		const {code} = codes.issue(signIn);
		expect(codes.verify('00000000-0000-4000-8000-000000000000', code, signIn)).toBe('unknown');
	});

	test('5 wrong tries invalidate the code, the right one included', () => {
		const codes = new OneTimeCodes();
		const {requestId, code} = codes.issue(signIn);
		const wrong = otherThan(code);
		expect(codes.triesLeft(requestId)).toBe(5);
		for (let i = 1; i <= 4; i++) {
			expect(codes.verify(requestId, wrong, signIn)).toBe('wrong');
			expect(codes.triesLeft(requestId)).toBe(5 - i);
		}
		expect(codes.verify(requestId, wrong, signIn)).toBe('exhausted');
		expect(codes.verify(requestId, code, signIn)).toBe('exhausted');
		expect(codes.verify(requestId, wrong, signIn)).toBe('exhausted');
	});

	test('a right code after fewer than 5 wrong tries still works', () => {
		const codes = new OneTimeCodes();
		const {requestId, code} = codes.issue(signIn);
		for (let i = 0; i < 4; i++) expect(codes.verify(requestId, otherThan(code), signIn)).toBe('wrong');
		expect(codes.verify(requestId, code, signIn)).toBe('ok');
	});

	test('malformed input counts as a wrong try and never matches', () => {
		const codes = new OneTimeCodes();
		const {requestId, code} = codes.issue(signIn);
		for (const typed of ['', '12345', '1234567', 'abcdef', `${code}0`]) {
			expect(codes.verify(requestId, typed, signIn)).not.toBe('ok');
		}
		expect(codes.verify(requestId, code, signIn)).toBe('exhausted');
	});

	test('spaces typed inside the code are ignored', () => {
		const codes = new OneTimeCodes();
		const {requestId, code} = codes.issue(signIn);
		expect(codes.verify(requestId, ` ${code.slice(0, 3)} ${code.slice(3)} `, signIn)).toBe('ok');
	});

	test('expiry: valid until the ttl, expired from then on (injected clock)', () => {
		const time = clock();
		const codes = new OneTimeCodes({now: time.now});
		const first = codes.issue(signIn);
		time.advance(10 * MINUTE - 1);
		expect(codes.verify(first.requestId, first.code, signIn)).toBe('ok');

		time.advance(MINUTE);
		const second = codes.issue(signIn);
		time.advance(10 * MINUTE);
		expect(codes.verify(second.requestId, second.code, signIn)).toBe('expired');
		expect(codes.verify(second.requestId, otherThan(second.code), signIn)).toBe('expired');
	});

	test('a shorter ttl is honoured; more than 10 minutes is refused', () => {
		const time = clock();
		const codes = new OneTimeCodes({now: time.now, ttlMs: 2 * MINUTE});
		const {requestId, code, expiresAt} = codes.issue(signIn);
		expect(expiresAt).toBe(time.now() + 2 * MINUTE);
		time.advance(2 * MINUTE);
		expect(codes.verify(requestId, code, signIn)).toBe('expired');
		expect(() => new OneTimeCodes({ttlMs: 10 * MINUTE + 1})).toThrow(RangeError);
		expect(() => new OneTimeCodes({ttlMs: 0})).toThrow(RangeError);
	});

	test('bound to its request: another purpose, subject or destination never verifies', () => {
		const codes = new OneTimeCodes();
		const {requestId, code} = codes.issue(signIn);
		const others: OneTimeCodeBinding[] = [
			{...signIn, purpose: 'verify-channel'},
			{...signIn, subject: 'marie.curie@medecin.mssante.fr'},
			{...signIn, destination: '+33612345678'},
			{...signIn, destination: 'JEAN.DUPONT@exemple.fr'},
			// A `:` cannot move a field boundary.
			{purpose: 'sign-in', subject: `${signIn.subject}:x`, destination: signIn.destination.slice(0)},
		];
		for (const other of others) {
			for (let i = 0; i < 10; i++) expect(codes.verify(requestId, code, other)).toBe('unknown');
		}
		// Tries under another binding neither consumed nor exhausted the code.
		expect(codes.verify(requestId, code, signIn)).toBe('ok');
	});

	test('codes for different bindings are independent', () => {
		const codes = new OneTimeCodes();
		const channel: OneTimeCodeBinding = {purpose: 'verify-channel', subject: '810002813839', destination: '+33612345678'};
		const a = codes.issue(signIn);
		const b = codes.issue(channel);
		expect(codes.verify(a.requestId, b.code, signIn)).toBe(a.code === b.code ? 'ok' : 'wrong');
		expect(codes.verify(b.requestId, b.code, channel)).toBe('ok');
	});

	test('resend rate limit: 60 s between codes, a new code replaces the previous one, 5 per hour', () => {
		const time = clock();
		const codes = new OneTimeCodes({now: time.now});
		const first = codes.issue(signIn);

		time.advance(20_000);
		let refusal: unknown;
		try {
			codes.issue(signIn);
		} catch (error) {
			refusal = error;
		}
		expect(refusal).toBeInstanceOf(OneTimeCodeError);
		expect((refusal as OneTimeCodeError).code).toBe('rate-limited');
		expect((refusal as OneTimeCodeError).retryAfterMs).toBe(40_000);
		expect((refusal as OneTimeCodeError).message).not.toContain(first.code);

		time.advance(40_000);
		const second = codes.issue(signIn);
		expect(second.nextIssueAt - time.now()).toBe(MINUTE);
		expect(codes.verify(first.requestId, first.code, signIn)).toBe('unknown');
		expect(codes.verify(second.requestId, second.code, signIn)).toBe('ok');

		// Sends 3, 4, 5 a minute apart; the 6th within the hour is refused until the first ages out.
		// Each code says when the next may be asked: a minute later, then when the hour allows.
		for (let i = 3; i <= 5; i++) {
			time.advance(MINUTE);
			const issued = codes.issue(signIn);
			expect(issued.nextIssueAt - time.now()).toBe(i < 5 ? MINUTE : 56 * MINUTE);
		}
		time.advance(MINUTE);
		const sixth = (() => {
			try {
				codes.issue(signIn);
				return undefined;
			} catch (error) {
				return error as OneTimeCodeError;
			}
		})();
		expect(sixth).toBeInstanceOf(OneTimeCodeError);
		// First send at t0, now t0 + 5 min: it leaves the window at t0 + 60 min.
		expect(sixth!.retryAfterMs).toBe(55 * MINUTE);
		time.advance(55 * MINUTE - 1);
		expect(() => codes.issue(signIn)).toThrow(OneTimeCodeError);
		time.advance(1);
		expect(codes.issue(signIn).code).toMatch(/^\d{6}$/);
	});

	test('the rate limit is per binding', () => {
		const codes = new OneTimeCodes();
		codes.issue(signIn);
		expect(() => codes.issue(signIn)).toThrow(OneTimeCodeError);
		expect(() => codes.issue({...signIn, purpose: 'verify-channel'})).not.toThrow();
		expect(() => codes.issue({...signIn, destination: '+33612345678'})).not.toThrow();
		expect(() => codes.issue({...signIn, subject: 'autre@medecin.mssante.fr'})).not.toThrow();
	});

	test('codes are 6 random digits, stored only hashed', () => {
		const codes = new OneTimeCodes();
		const issued: Array<{requestId: string; code: string; subject: string}> = [];
		for (let i = 0; i < 200; i++) {
			const subject = `praticien-${i}@medecin.mssante.fr`;
			issued.push({...codes.issue({purpose: 'sign-in', subject, destination: `praticien-${i}@exemple.fr`}), subject});
		}
		for (const {code} of issued) expect(code).toMatch(/^\d{6}$/);
		expect(new Set(issued.map(({code}) => code)).size).toBeGreaterThan(1);

		const state = dump(codes);
		// The state does hold the 200 pending requests…
		for (const {requestId} of issued) expect(state).toContain(requestId);
		// …but none of their codes.
		const leaked = issued.filter(({code}) => containsCode(state, code));
		expect(leaked).toEqual([]);

		// And they all still verify: the state is enough without the code.
		for (const {requestId, code, subject} of issued) {
			const destination = subject.replace('@medecin.mssante.fr', '@exemple.fr');
			expect(codes.verify(requestId, code, {purpose: 'sign-in', subject, destination})).toBe('ok');
		}
	});

	test('two instances (two processes) do not share a hash key', () => {
		const time = clock();
		const a = new OneTimeCodes({now: time.now});
		const b = new OneTimeCodes({now: time.now});
		const issued = a.issue(signIn);
		const macA = [...(a as unknown as {pending: Map<string, {mac: Buffer}>}).pending.values()][0]!.mac;
		// Force the same request id and code into b: its stored HMAC differs.
		const fromB = (b as unknown as {mac(requestId: string, code: string): Buffer}).mac(issued.requestId, issued.code);
		expect(macA.length).toBe(32);
		expect(fromB.equals(macA)).toBe(false);
	});

	test('the comparison is of fixed-length HMACs: any input length is handled without throwing', () => {
		const codes = new OneTimeCodes();
		const {requestId, code} = codes.issue(signIn);
		expect(codes.verify(requestId, 'x'.repeat(10_000), signIn)).toBe('wrong');
		expect(codes.verify(requestId, '\u0000', signIn)).toBe('wrong');
		expect(codes.verify(requestId, code, signIn)).toBe('ok');
	});
});
