import {describe, expect, test} from 'vitest';
import {EMPTY_ACCOUNT_FORM, formOptions, formProblems, formFromOptions, optionProblems, type AccountForm} from '../../src/contract/rules/account-rules.js';
import {checkEmail, checkMobile, formatMobile} from '../../src/contract/rules/contact-rules.js';

describe('checkEmail', () => {
	test('accepts a usual address, trimmed', () => {
		expect(checkEmail('jean.dupont@exemple.fr')).toEqual({ok: true, value: 'jean.dupont@exemple.fr'});
		expect(checkEmail('  j.d+kiosk@sub.exemple.com ')).toEqual({ok: true, value: 'j.d+kiosk@sub.exemple.com'});
	});

	test('empty is required', () => {
		expect(checkEmail('')).toEqual({ok: false, problem: 'required'});
		expect(checkEmail('   ')).toEqual({ok: false, problem: 'required'});
	});

	test.each([
		'jean.dupont',
		'jean@',
		'@exemple.fr',
		'jean dupont@exemple.fr',
		'jean@@exemple.fr',
		'jean@exemple',
		'jean@exemple.f',
		'jean@-exemple.fr',
		'jean@exemple..fr',
		`${'a'.repeat(250)}@exemple.fr`,
	])('refuses %s as invalid', input => {
		expect(checkEmail(input)).toEqual({ok: false, problem: 'email-invalid'});
	});

	test.each(['a,b@exemple.fr', 'a@exemple.fr,b@exemple.fr', 'a;b@exemple.fr', 'a@exemple.fr b@exemple.org', '"a,b"@exemple.fr'])('refuses %s: exactly one address per field', input => {
		expect(checkEmail(input)).toEqual({ok: false, problem: 'email-several'});
	});

	test.each(['a<b@exemple.fr>', 'Jean <jean@exemple.fr>', '"jean"@exemple.fr', 'jean\u001b[31m@exemple.fr', 'jean\u0007@exemple.fr', 'a..b@exemple.fr', '.a@exemple.fr', 'a@b@exemple.fr'])(
		'refuses %j: no display name, quote, bracket or control character in an address',
		input => {
			expect(checkEmail(input)).toEqual({ok: false, problem: 'email-invalid'});
		},
	);

	test('accepts letters of any script and the usual signs in the local part', () => {
		expect(checkEmail('jérôme.o’neil@exemple.fr').ok).toBe(false);
		expect(checkEmail("jérôme.o'neil+kiosque@exemple.fr")).toEqual({ok: true, value: "jérôme.o'neil+kiosque@exemple.fr"});
	});

	test('refuses mssante.fr and its sub-domains, in any case', () => {
		expect(checkEmail('x@mssante.fr')).toEqual({ok: false, problem: 'email-mssante'});
		expect(checkEmail('x@medecin.mssante.fr')).toEqual({ok: false, problem: 'email-mssante'});
		expect(checkEmail('x@pro.mssante.fr')).toEqual({ok: false, problem: 'email-mssante'});
		expect(checkEmail('X@MSSANTE.FR')).toEqual({ok: false, problem: 'email-mssante'});
	});

	test('accepts a domain merely ending with the same letters', () => {
		expect(checkEmail('x@notmssante.fr')).toEqual({ok: true, value: 'x@notmssante.fr'});
		expect(checkEmail('x@mssante.fr.exemple.com')).toEqual({ok: true, value: 'x@mssante.fr.exemple.com'});
	});
});

describe('checkMobile', () => {
	test.each(['06 12 34 56 78', '06.12.34.56.78', '0612345678', '+33 6 12 34 56 78', '06-12-34-56-78', '+33612345678'])('%s → +33612345678', input => {
		expect(checkMobile(input)).toEqual({ok: true, value: '+33612345678'});
	});

	test('07 numbers are mobiles too', () => {
		expect(checkMobile('07 81 23 45 67')).toEqual({ok: true, value: '+33781234567'});
	});

	test('a landline is refused as not a mobile', () => {
		expect(checkMobile('01 23 45 67 89')).toEqual({ok: false, problem: 'mobile-not-mobile'});
		expect(checkMobile('+33 1 23 45 67 89')).toEqual({ok: false, problem: 'mobile-not-mobile'});
	});

	test.each(['abc', '12', '06 12 34 56 7', '06 12 34 56 78 90', '+44 7911 123456'])('%s is invalid', input => {
		expect(checkMobile(input)).toEqual({ok: false, problem: 'mobile-invalid'});
	});

	// Issue 10 item 14: the international Réunion form was refused while its national form was
	// accepted, and filed under +33. Both are one number, with its true country code.
	test.each(['0692 12 34 56', '06 92 12 34 56', '+262 692 12 34 56', '+262692123456', '00262 692 12 34 56', '+33 692 12 34 56'])('Réunion mobile %s → +262692123456', input => {
		expect(checkMobile(input)).toEqual({ok: true, value: '+262692123456'});
	});

	test.each([
		['0693 12 34 56', '+262693123456'],
		['0639 40 12 34', '+262639401234'],
		['0690 12 34 56', '+590690123456'],
		['0694 12 34 56', '+594694123456'],
		['+596 696 12 34 56', '+596696123456'],
	])('overseas mobile %s → %s (its own country code)', (input, e164) => {
		expect(checkMobile(input)).toEqual({ok: true, value: e164});
	});

	test('an overseas landline is refused as not a mobile', () => {
		expect(checkMobile('+262 262 12 34 56')).toEqual({ok: false, problem: 'mobile-not-mobile'});
	});

	test('empty is fine (optional field) and gives no value', () => {
		expect(checkMobile('')).toEqual({ok: true, value: undefined});
		expect(checkMobile('   ')).toEqual({ok: true, value: undefined});
	});
});

describe('formatMobile', () => {
	test('E.164 → national groups of two', () => {
		expect(formatMobile('+33612345678')).toBe('06 12 34 56 78');
		expect(formatMobile('+33781234567')).toBe('07 81 23 45 67');
	});

	test('overseas E.164 → the national form dialled in France', () => {
		expect(formatMobile('+262692123456')).toBe('06 92 12 34 56');
		expect(formatMobile('+590690123456')).toBe('06 90 12 34 56');
	});

	test('round-trips through checkMobile', () => {
		const checked = checkMobile('+33 6 12 34 56 78');
		expect(checked.ok && checked.value !== undefined && formatMobile(checked.value)).toBe('06 12 34 56 78');
	});
});

const validOptions = {email: 'jean@exemple.fr', mobile: '', otpChannel: 'mail', publishMobile: false, listeRouge: false} as const;

describe('optionProblems', () => {
	test('valid options have no problem', () => {
		expect(optionProblems(validOptions)).toEqual({});
		expect(optionProblems({...validOptions, mobile: '06 12 34 56 78', otpChannel: 'sms', publishMobile: true})).toEqual({});
		expect(optionProblems({...validOptions, mobile: undefined})).toEqual({});
	});

	test('SMS needs a mobile', () => {
		expect(optionProblems({...validOptions, otpChannel: 'sms'})).toEqual({otpChannel: 'sms-needs-mobile'});
	});

	test('SMS with an invalid mobile reports both', () => {
		expect(optionProblems({...validOptions, otpChannel: 'sms', mobile: '01 23 45 67 89'})).toEqual({
			mobile: 'mobile-not-mobile',
			otpChannel: 'sms-needs-mobile',
		});
	});

	test('publishing needs a mobile', () => {
		expect(optionProblems({...validOptions, publishMobile: true})).toEqual({publishMobile: 'publish-needs-mobile'});
	});

	test('liste rouge and publishing the mobile are refused together', () => {
		expect(optionProblems({...validOptions, mobile: '0612345678', publishMobile: true, listeRouge: true})).toEqual({
			publishMobile: 'liste-rouge-and-publish',
		});
	});

	test('liste rouge alone is fine', () => {
		expect(optionProblems({...validOptions, listeRouge: true})).toEqual({});
	});

	test('e-mail problems are reported', () => {
		expect(optionProblems({...validOptions, email: ''})).toEqual({email: 'required'});
		expect(optionProblems({...validOptions, email: 'x@medecin.mssante.fr'})).toEqual({email: 'email-mssante'});
	});
});

const validForm: AccountForm = {
	...EMPTY_ACCOUNT_FORM,
	password: 'Kiosque#Sante2026',
	passwordConfirm: 'Kiosque#Sante2026',
	email: 'jean@exemple.fr',
};

describe('formProblems', () => {
	test('a valid form has no problem', () => {
		expect(formProblems(validForm, true)).toEqual({});
	});

	test('the empty form in create mode: password and e-mail required (an empty confirmation matches the empty password)', () => {
		expect(formProblems(EMPTY_ACCOUNT_FORM, true)).toEqual({password: 'required', email: 'required'});
	});

	test('password mismatch', () => {
		expect(formProblems({...validForm, passwordConfirm: 'Kiosque#Sante2027'}, true)).toEqual({passwordConfirm: 'password-mismatch'});
	});

	test('password breaking the seed rules', () => {
		expect(formProblems({...validForm, password: 'kiosque1', passwordConfirm: 'kiosque1'}, true)).toEqual({password: 'password-rules'});
		expect(formProblems({...validForm, password: 'Kios1', passwordConfirm: 'Kios1'}, true)).toEqual({password: 'password-rules'});
	});

	test('edit mode: empty password means unchanged', () => {
		expect(formProblems({...validForm, password: '', passwordConfirm: ''}, false)).toEqual({});
	});

	test('edit mode: a password typed is checked like in create mode', () => {
		expect(formProblems({...validForm, password: 'Kiosque#Sante2026', passwordConfirm: ''}, false)).toEqual({passwordConfirm: 'required'});
		expect(formProblems({...validForm, password: '', passwordConfirm: 'Kiosque#Sante2026'}, false)).toEqual({
			password: 'required',
			passwordConfirm: 'password-mismatch',
		});
		expect(formProblems({...validForm, password: 'weak', passwordConfirm: 'weak'}, false)).toEqual({password: 'password-rules'});
	});

	test('option problems are included', () => {
		expect(formProblems({...validForm, otpChannel: 'sms', publishMobile: true}, true)).toEqual({
			otpChannel: 'sms-needs-mobile',
			publishMobile: 'publish-needs-mobile',
		});
	});
});

describe('formOptions / formFromOptions', () => {
	test('the mobile is stored as E.164 and the e-mail trimmed', () => {
		expect(formOptions({...validForm, email: ' jean@exemple.fr ', mobile: '06.12.34.56.78', otpChannel: 'sms', notify: true})).toEqual({
			email: 'jean@exemple.fr',
			mobile: '+33612345678',
			otpChannel: 'sms',
			notify: true,
			publishMobile: false,
			listeRouge: false,
			paperless: false,
		});
	});

	test('editing starts from the options with empty passwords (the current one too)', () => {
		const form = formFromOptions({email: 'jean@exemple.fr', mobile: '+33612345678', otpChannel: 'sms', notify: false, publishMobile: true, listeRouge: false, paperless: true}, formatMobile);
		expect(form).toEqual({
			currentPassword: '',
			password: '',
			passwordConfirm: '',
			email: 'jean@exemple.fr',
			mobile: '06 12 34 56 78',
			otpChannel: 'sms',
			notify: false,
			publishMobile: true,
			listeRouge: false,
			paperless: true,
		});
		expect(formProblems(form, false)).toEqual({});
	});
});
