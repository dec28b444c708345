import {parsePhoneNumberFromString} from 'libphonenumber-js/min';

/** Why a field is refused; screens translate the code, the backend returns it. */
export type FieldProblem =
	| 'required'
	| 'email-invalid'
	/** More than one address in one field (`a,b@x`, `a@x b@y`): a code would go to an address the screen does not show. */
	| 'email-several'
	| 'email-mssante'
	| 'mobile-invalid'
	| 'mobile-not-mobile'
	| 'password-mismatch'
	| 'sms-needs-mobile'
	| 'publish-needs-mobile'
	| 'liste-rouge-and-publish';

export type Checked<T> = {ok: true; value: T} | {ok: false; problem: FieldProblem};

// Deliberately simple, but exactly one address: a dot-atom local part (letters of any script,
// digits and RFC 5322's atext — no comma, quote, bracket, space or control character, which mail
// software reads as several addresses or a display name), one @, a dotted domain of LDH labels.
// The address is verified for real by sending it a code (activation backend).
const ATEXT = "[\\p{L}\\p{M}\\p{N}!#$%&'*+/=?^_`{|}~-]+";
const EMAIL = new RegExp(`^${ATEXT}(?:\\.${ATEXT})*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$`, 'iu');
/** A list of addresses: a comma or semicolon, or spaces between two addresses. */
const SEVERAL = /[,;]|@\S*\s+\S*@/;

/** The usual (non-secure) e-mail address: exactly one, valid, and not under `mssante.fr`. */
export function checkEmail(input: string): Checked<string> {
	const email = input.trim();
	if (email === '') return {ok: false, problem: 'required'};
	if (SEVERAL.test(email)) return {ok: false, problem: 'email-several'};
	if (!EMAIL.test(email) || email.length > 254) return {ok: false, problem: 'email-invalid'};
	const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
	if (domain === 'mssante.fr' || domain.endsWith('.mssante.fr')) return {ok: false, problem: 'email-mssante'};
	return {ok: true, value: email};
}

/**
 * The regions of the French numbering plan, by country calling code: a national number (`0…`)
 * dialled in France may belong to any of them. Overseas mobiles have their own ranges
 * (Réunion 0692/0693, Mayotte 0639, Guadeloupe 0690/0691, Guyane 0694, Martinique 0696/0697),
 * whose true E.164 form carries the region's code, not +33.
 */
const FRENCH_PLAN = {FR: '33', RE: '262', YT: '262', GP: '590', GF: '594', MQ: '596'} as const;
type FrenchRegion = keyof typeof FRENCH_PLAN;
const OVERSEAS: FrenchRegion[] = ['RE', 'YT', 'GP', 'GF', 'MQ'];
const isFrenchRegion = (country: string | undefined): country is FrenchRegion => country !== undefined && Object.hasOwn(FRENCH_PLAN, country);

/**
 * A mobile of the French numbering plan (06/07, metropolitan or overseas) in any usual writing,
 * as E.164 with its true country code: `0692 12 34 56`, `+33 692 12 34 56` and `+262 692 12 34 56`
 * are all `+262692123456`. Empty stays undefined (optional field).
 */
export function checkMobile(input: string): Checked<string | undefined> {
	if (input.trim() === '') return {ok: true, value: undefined};
	let phone = parsePhoneNumberFromString(input, 'FR');
	if (!isFrenchRegion(phone?.country) || !phone?.isValid()) return {ok: false, problem: 'mobile-invalid'};
	// libphonenumber files a national 0692… (or +33 692…) under +33: its range is overseas.
	if (phone.country === 'FR') {
		const national = `0${phone.nationalNumber}`;
		phone = OVERSEAS.map(region => parsePhoneNumberFromString(national, region)).find(overseas => overseas?.isValid()) ?? phone;
	}
	if (!/^[67]\d{8}$/.test(phone.nationalNumber)) return {ok: false, problem: 'mobile-not-mobile'};
	return {ok: true, value: phone.number};
}

/** The national form of a mobile of the French numbering plan: `+33612345678` → `06 12 34 56 78`, `+262692123456` → `06 92 12 34 56`. */
export function formatMobile(e164: string): string {
	const code = Object.values(FRENCH_PLAN).find(prefix => e164.startsWith(`+${prefix}`) && e164.length === prefix.length + 10);
	if (code === undefined) return e164;
	return `0${e164.slice(code.length + 1)}`.replace(/(\d{2})(?=\d)/g, '$1 ');
}
