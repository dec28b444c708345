import * as z from 'zod/mini';

// What no string of a request may hold: the service stores, mails, logs and shows them back (the
// kiosk prints them in a terminal), so a control character or a half of a UTF-16 pair is refused
// where it enters, with the field it was in, rather than cleaned somewhere downstream.

/** C0 (NUL…US), DEL and C1 (U+0080…U+009F, CSI U+009B included). */
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string is refused at the API's boundary (the message of the field's detail). */
export type TextProblem = 'control-character' | 'ill-formed-unicode';

/** What is wrong with `value` as a request's text, if anything. */
export function textProblem(value: string): TextProblem | undefined {
	if (LONE_SURROGATE.test(value)) return 'ill-formed-unicode';
	if (CONTROL.test(value)) return 'control-character';
	return undefined;
}

const wellFormed = z.refine<string>(value => !LONE_SURROGATE.test(value), {message: 'ill-formed-unicode' satisfies TextProblem});
const noControl = z.refine<string>(value => !CONTROL.test(value), {message: 'control-character' satisfies TextProblem});

type StringCheck = z.core.$ZodCheck<string>;

/**
 * A string field of a request: well-formed UTF-16, no control character, then `checks`. Every
 * string of every request schema is one of these (or a `secretText`): a refusal is a 400
 * `invalid-request` whose details name the field.
 */
export function text(...checks: StringCheck[]) {
	return z.string().check(wellFormed, noControl, ...checks);
}

/**
 * A password: well-formed UTF-16 then `checks`. Lone surrogates all became U+FFFD when hashed, so
 * two different passwords matched; other characters are the policy's to judge (never shown, never stored).
 */
export function secretText(...checks: StringCheck[]) {
	return z.string().check(wellFormed, ...checks);
}
