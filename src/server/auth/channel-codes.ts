// One-time codes as the API uses them: sent to a practitioner's channel and checked back, both
// audited; and where an account's options send codes, which decides who can sign in without the card.
import {BackendError} from '../../contract/api/errors.js';
import type {CodeSent} from '../../contract/domain/account.js';
import type {Lang} from '../../contract/i18n/index.js';
import {checkEmail, checkMobile, type Checked} from '../../contract/rules/contact-rules.js';
import type {AuditLog} from '../audit-log.js';
import type {Kysely} from 'kysely';
import {maskEmail, maskMobile} from '../delivery/delivery.js';
import type {MessageQueue} from '../delivery/message-queue.js';
import type {Tables} from '../database/tables.js';
import type {AuthState} from './auth-state.js';
import {OneTimeCodeError, type OneTimeCodeBinding, type OneTimeCodePurpose, type OneTimeCodes} from './one-time-codes.js';
import {destinationKey} from './quotas.js';

/** Who a code is for, as the audit log records it. */
type Holder = {address?: string; nationalId?: string};

/** The options that say where codes go. */
type CodeOptions = {otpChannel: string; email: string; mobile?: string};

/** A code to send: what for, who asks, where to, in which language. */
type CodeRequest = {purpose: OneTimeCodePurpose; subject: string; channel: 'sms' | 'mail'; destination: string; holder: Holder; lang?: Lang};

/** What sending and checking codes needs. */
export type ChannelCodesOptions = {
	db: Kysely<Tables>;
	codes: OneTimeCodes;
	/** Where codes wait to leave the service, sent after the commit. */
	messages: MessageQueue;
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
	 * where to, masked, and when another may be asked. `remember` records, in the same transaction
	 * as the code and its message, the state the code is for: neither exists without the other.
	 * Too soon: `rate-limited` with the seconds to wait. Not sent: `unavailable`, and the code is
	 * taken back (it neither arrives later nor counts against the resend limit).
	 */
	async send(request: CodeRequest, remember: (transaction: Kysely<Tables>, id: string) => Promise<void>): Promise<CodeSent> {
		const {codes, messages, db} = this.options;
		const {purpose, subject, channel, destination, holder, lang = 'fr'} = request;
		await codes.prepared();
		let queued;
		try {
			queued = await db.transaction().execute(async transaction => {
				// Bound to the destination as the limits count it: `Victime@Exemple.fr` is `victime@exemple.fr`'s resend wait.
				const issued = await codes.issueIn(transaction, {purpose, subject, destination: destinationKey(destination)});
				await remember(transaction, issued.requestId);
				const message = await messages.enqueue(transaction, {kind: 'code', channel, to: destination, requestId: issued.requestId, purpose, ttlMs: codes.ttlMs, lang, holder}, issued.expiresAt);
				return {issued, message};
			});
		} catch (error) {
			if (!(error instanceof OneTimeCodeError)) throw error;
			const retryAfterSeconds = seconds(error.retryAfterMs);
			throw new BackendError('rate-limited', `Trop de codes demandés : réessayez dans ${retryAfterSeconds} s`, undefined, {retryAfterSeconds});
		}
		const {issued, message} = queued;
		if (!(await messages.deliver(message, transaction => codes.withdraw(transaction, issued.requestId)))) {
			throw new BackendError('unavailable', channel === 'sms' ? 'Envoi du SMS impossible pour le moment' : 'Envoi du mail impossible pour le moment');
		}
		return {
			id: issued.requestId,
			channel,
			destination: channel === 'sms' ? maskMobile(destination) : maskEmail(destination),
			resendAfterSeconds: seconds(issued.nextIssueAt - this.options.now()),
		};
	}

	/**
	 * Refuses (`rate-limited`, with the seconds to wait) a code that `send` would refuse now for its
	 * resend limits, before the caller counts it against its daily quotas: asking again too soon
	 * uses up nothing.
	 */
	async refuseTooSoon(request: Pick<CodeRequest, 'purpose' | 'subject' | 'destination'>): Promise<void> {
		const waitMs = await this.options.codes.waitBeforeIssue({purpose: request.purpose, subject: request.subject, destination: destinationKey(request.destination)});
		if (waitMs > 0) {
			const retryAfterSeconds = seconds(waitMs);
			throw new BackendError('rate-limited', `Trop de codes demandés : réessayez dans ${retryAfterSeconds} s`, undefined, {retryAfterSeconds});
		}
	}

	/** Checks a code typed back; refused: wrong (`code-refused`, with the tries left), expired, used up or unknown (`code-expired`). */
	async check(id: string, code: string, binding: OneTimeCodeBinding, holder: Holder & {channel?: 'sms' | 'mail'}): Promise<void> {
		const {codes} = this.options;
		const verdict = await codes.verify(id, code, {...binding, destination: destinationKey(binding.destination)});
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

/** The mobile (E.164) of `options` if one of these verifications, for this card, received a code on it. */
export async function mobileVerifiedBy(auth: AuthState, nationalId: string, options: {mobile?: string}, verificationIds: Array<string | undefined>): Promise<string | undefined> {
	const mobile = checkMobile(options.mobile ?? '');
	if (!mobile.ok || mobile.value === undefined) return undefined;
	for (const id of verificationIds) {
		const verification = id ? await auth.verifiedChannel(id) : undefined;
		if (verification?.nationalId === nationalId && verification.channel === 'sms' && verification.destination === mobile.value) return mobile.value;
	}
	return undefined;
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
