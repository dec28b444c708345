// One-time codes as the API uses them: sent to a practitioner's channel and checked back, both
// audited; and where an account's options send codes, which decides who can sign in without the card.
import {BackendError} from '../../contract/api/errors.js';
import type {CodeSent} from '../../contract/domain/account.js';
import type {Lang} from '../../contract/i18n/index.js';
import {checkEmail, checkMobile, type Checked} from '../../contract/rules/contact-rules.js';
import type {AuditLog} from '../audit-log.js';
import {codeMessage, maskEmail, maskMobile, type MailSender, type SmsSender} from '../delivery/delivery.js';
import type {AuthState} from './auth-state.js';
import {OneTimeCodeError, type OneTimeCodeBinding, type OneTimeCodePurpose, type OneTimeCodes} from './one-time-codes.js';

/** Who a code is for, as the audit log records it. */
type Holder = {address?: string; nationalId?: string};

/** The options that say where codes go. */
type CodeOptions = {otpChannel: string; email: string; mobile?: string};

/** What sending and checking codes needs. */
export type ChannelCodesOptions = {
	codes: OneTimeCodes;
	/** How codes by e-mail leave the service. */
	mail: MailSender;
	/** How codes by SMS leave the service. */
	sms: SmsSender;
	audit: AuditLog;
	/** Where channel verifications are remembered. */
	auth: AuthState;
	/** The clock the codes are issued by. */
	now: () => number;
};

/** Codes sent to channels and checked back, with the audit trail of both. */
export class ChannelCodes {
	constructor(private readonly options: ChannelCodesOptions) {}

	/**
	 * Issues a code bound to its purpose, subject and destination, and sends it in `lang`; returns
	 * where to, masked, and when another may be asked. Too soon: `rate-limited` with the seconds to wait.
	 */
	async send(purpose: OneTimeCodePurpose, subject: string, channel: 'sms' | 'mail', destination: string, holder: Holder, lang: Lang = 'fr'): Promise<CodeSent> {
		const {codes, audit} = this.options;
		let issued;
		try {
			issued = await codes.issue({purpose, subject, destination});
		} catch (error) {
			if (!(error instanceof OneTimeCodeError)) throw error;
			const retryAfterSeconds = seconds(error.retryAfterMs);
			throw new BackendError('rate-limited', `Trop de codes demandés : réessayez dans ${retryAfterSeconds} s`, undefined, {retryAfterSeconds});
		}
		const message = codeMessage(issued.code, purpose, codes.ttlMs, lang);
		try {
			if (channel === 'sms') await this.options.sms.send({to: destination, text: message.sms});
			else await this.options.mail.send({to: destination, subject: message.subject, text: message.text});
		} catch {
			await audit.record({action: 'code-sent', outcome: 'refused', channel, ...holder, detail: 'delivery'});
			throw new BackendError('unavailable', channel === 'sms' ? 'Envoi du SMS impossible pour le moment' : 'Envoi du mail impossible pour le moment');
		}
		await audit.record({action: 'code-sent', outcome: 'ok', channel, ...holder});
		return {
			id: issued.requestId,
			channel,
			destination: channel === 'sms' ? maskMobile(destination) : maskEmail(destination),
			resendAfterSeconds: seconds(issued.nextIssueAt - this.options.now()),
		};
	}

	/** Checks a code typed back; refused: wrong (`code-refused`, with the tries left), expired, used up or unknown (`code-expired`). */
	async check(id: string, code: string, binding: OneTimeCodeBinding, holder: Holder & {channel?: 'sms' | 'mail'}): Promise<void> {
		const {codes} = this.options;
		const verdict = await codes.verify(id, code, binding);
		void this.options.audit.record({action: 'code-checked', outcome: verdict === 'ok' ? 'ok' : 'refused', ...holder, ...(verdict === 'ok' ? {} : {detail: verdict})});
		if (verdict === 'wrong') {
			const triesLeft = await codes.triesLeft(id);
			throw new BackendError('code-refused', `Code incorrect : ${triesLeft} essai(s) restant(s)`, undefined, {triesLeft});
		}
		if (verdict !== 'ok') throw new BackendError('code-expired', verdict === 'exhausted' ? 'Trop d’essais : demandez un nouveau code' : 'Code expiré : demandez-en un nouveau');
	}

	/** Refuses (`channel-not-verified`) unless the options' channel received a code that came back, for this card. */
	async requireVerified(verificationId: string, nationalId: string, options: CodeOptions & {otpChannel: 'sms' | 'mail'}): Promise<void> {
		const verification = await this.options.auth.verifiedChannel(verificationId);
		if (!verification || verification.nationalId !== nationalId || verification.channel !== options.otpChannel || verification.destination !== whereCodesGo(options)) {
			throw new BackendError('channel-not-verified', 'Le mode de réception favori n’a pas été vérifié par un code');
		}
	}
}

/** Milliseconds to whole seconds, rounded up: never says "0 s" while it is still too soon. */
function seconds(ms: number): number {
	return Math.max(0, Math.ceil(ms / 1000));
}

/** The destination as stored: a checked e-mail, or a French mobile in E.164. */
export function checkedDestination(channel: 'sms' | 'mail', destination: string): string {
	const checked = channel === 'sms' ? checkMobile(destination) : checkEmail(destination);
	if (!checked.ok || checked.value === undefined) throw new BackendError('invalid-request', 'Destination du code invalide', {destination: [checked.ok ? 'required' : checked.problem]});
	return checked.value;
}

/** Where codes go with these options: the e-mail, or the mobile in E.164. */
function whereCodesGo(options: CodeOptions): string | undefined {
	const destination = options.otpChannel === 'sms' ? checkMobile(options.mobile ?? '') : checkEmail(options.email);
	return destination.ok ? destination.value : undefined;
}

/**
 * Whether an update changes the contact details — e-mail, mobile or where codes go — which only
 * the card holder may do (ASVS 7.5.1: re-authentication before changing a phone or an e-mail).
 */
export function changesContact(before: CodeOptions, after: CodeOptions): boolean {
	const email = (options: CodeOptions) => checkEmail(options.email);
	const mobile = (options: CodeOptions) => checkMobile(options.mobile ?? '');
	const same = (a: Checked<string | undefined>, b: Checked<string | undefined>) => (a.ok ? a.value : a.problem) === (b.ok ? b.value : b.problem);
	return before.otpChannel !== after.otpChannel || !same(email(before), email(after)) || !same(mobile(before), mobile(after));
}

/** Whether an update changes where codes go (which must then be verified first). */
export function changesChannel(before: CodeOptions, after: CodeOptions): boolean {
	return before.otpChannel !== after.otpChannel || whereCodesGo(before) !== whereCodesGo(after);
}
