import {passwordRules} from './password-policy.js';
import {checkEmail, checkMobile, type FieldProblem} from './contact-rules.js';

/** How the practitioner receives one-time codes. */
export type OtpChannel = 'sms' | 'mail';

/** The step-3 choices as stored by the backend (mobile in E.164). */
export type AccountOptions = {
	email: string;
	mobile?: string;
	otpChannel: OtpChannel;
	/** Notified on the usual address of each secure message received. */
	notify: boolean;
	/** Mobile published in the directory (authenticated users only). */
	publishMobile: boolean;
	/** Address and phone hidden from the directory. */
	listeRouge: boolean;
	/** No paper copy of what is received electronically. */
	paperless: boolean;
};

/** Step 3 as typed: raw strings, so that nothing the user typed is ever reformatted away. */
export type AccountForm = Omit<AccountOptions, 'mobile'> & {
	/** Signed in without the card: the current password, needed to change it. */
	currentPassword: string;
	password: string;
	passwordConfirm: string;
	mobile: string;
};

export type AccountField = keyof AccountForm;

export const EMPTY_ACCOUNT_FORM: AccountForm = {
	currentPassword: '',
	password: '',
	passwordConfirm: '',
	email: '',
	mobile: '',
	otpChannel: 'mail',
	notify: false,
	publishMobile: false,
	listeRouge: false,
	paperless: false,
};

/** Problems of the options, shared by the kiosk (per field) and the backend (whole request). */
export function optionProblems(options: {
	email: string;
	mobile?: string;
	otpChannel: OtpChannel;
	publishMobile: boolean;
	listeRouge: boolean;
}): Partial<Record<'email' | 'mobile' | 'otpChannel' | 'publishMobile', FieldProblem>> {
	const problems: Partial<Record<'email' | 'mobile' | 'otpChannel' | 'publishMobile', FieldProblem>> = {};
	const email = checkEmail(options.email);
	if (!email.ok) problems.email = email.problem;
	const mobile = checkMobile(options.mobile ?? '');
	if (!mobile.ok) problems.mobile = mobile.problem;
	const hasMobile = mobile.ok && mobile.value !== undefined;
	if (options.otpChannel === 'sms' && !hasMobile) problems.otpChannel = 'sms-needs-mobile';
	if (options.publishMobile && !hasMobile) problems.publishMobile = 'publish-needs-mobile';
	if (options.publishMobile && options.listeRouge) problems.publishMobile = 'liste-rouge-and-publish';
	return problems;
}

/**
 * Problems of the whole form. `passwordRequired` is false when editing an existing account,
 * where an empty password means "unchanged". The dictionary checks of the password policy are
 * asynchronous and added by the caller.
 */
export function formProblems(form: AccountForm, passwordRequired: boolean): Partial<Record<AccountField, FieldProblem | 'password-rules'>> {
	const problems: Partial<Record<AccountField, FieldProblem | 'password-rules'>> = optionProblems(form);
	const wantsPassword = passwordRequired || form.password !== '' || form.passwordConfirm !== '';
	if (wantsPassword) {
		if (form.password === '') problems.password = 'required';
		else if (!Object.values(passwordRules(form.password)).every(Boolean)) problems.password = 'password-rules';
		if (form.passwordConfirm !== form.password) problems.passwordConfirm = form.passwordConfirm === '' ? 'required' : 'password-mismatch';
	}
	return problems;
}

/** The options of a valid form, mobile in E.164. */
export function formOptions(form: Omit<AccountForm, 'currentPassword' | 'password' | 'passwordConfirm'>): AccountOptions {
	const mobile = checkMobile(form.mobile);
	return {
		email: form.email.trim(),
		mobile: mobile.ok ? mobile.value : undefined,
		otpChannel: form.otpChannel,
		notify: form.notify,
		publishMobile: form.publishMobile,
		listeRouge: form.listeRouge,
		paperless: form.paperless,
	};
}

/** The form to edit an existing account: options filled in, password left empty (= unchanged). */
export function formFromOptions(options: AccountOptions, formatMobile: (e164: string) => string): AccountForm {
	return {...EMPTY_ACCOUNT_FORM, ...options, mobile: options.mobile ? formatMobile(options.mobile) : ''};
}
