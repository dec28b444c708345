import {parsePhoneNumberFromString} from 'libphonenumber-js/min';

/** Why a field is refused; screens translate the code, the backend returns it. */
export type FieldProblem =
	| 'required'
	| 'email-invalid'
	| 'email-mssante'
	| 'mobile-invalid'
	| 'mobile-not-mobile'
	| 'password-mismatch'
	| 'sms-needs-mobile'
	| 'publish-needs-mobile'
	| 'liste-rouge-and-publish';

export type Checked<T> = {ok: true; value: T} | {ok: false; problem: FieldProblem};

// Deliberately simple: one @, no spaces, a dotted domain of LDH labels. The address is
// verified for real by sending it a code (activation backend).
const EMAIL = /^[^\s@]+@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** The usual (non-secure) e-mail address: valid, and not under `mssante.fr`. */
export function checkEmail(input: string): Checked<string> {
	const email = input.trim();
	if (email === '') return {ok: false, problem: 'required'};
	if (!EMAIL.test(email) || email.length > 254) return {ok: false, problem: 'email-invalid'};
	const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
	if (domain === 'mssante.fr' || domain.endsWith('.mssante.fr')) return {ok: false, problem: 'email-mssante'};
	return {ok: true, value: email};
}

/** A French mobile (06/07) in any usual writing, as E.164; empty stays undefined (optional field). */
export function checkMobile(input: string): Checked<string | undefined> {
	if (input.trim() === '') return {ok: true, value: undefined};
	const phone = parsePhoneNumberFromString(input, 'FR');
	if (phone?.country !== 'FR' || !phone.isValid()) return {ok: false, problem: 'mobile-invalid'};
	if (!/^[67]\d{8}$/.test(phone.nationalNumber)) return {ok: false, problem: 'mobile-not-mobile'};
	return {ok: true, value: phone.number};
}

/** `+33612345678` → `06 12 34 56 78`. */
export function formatMobile(e164: string): string {
	const national = `0${e164.replace(/^\+33/, '')}`;
	return national.replace(/(\d{2})(?=\d)/g, '$1 ');
}
