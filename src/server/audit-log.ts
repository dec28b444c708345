// The service's audit log: who did what and how it ended, one JSON line each, never a secret.
import {appendFile} from 'node:fs/promises';

/** One line of the audit log: who did what, when, and how it ended — never a secret. */
export type AuditEntry = {
	action: 'activate' | 'update' | 'invite' | 'sign-in' | 'code-sent' | 'code-checked';
	outcome: 'ok' | 'refused';
	address?: string;
	nationalId?: string;
	/** Channel of a one-time code. */
	channel?: 'sms' | 'mail';
	/** Why it was refused (an error code), or how many were sent. */
	detail?: string;
};

/**
 * Append-only JSON lines (`audit.log` in the data directory), for the people who run the
 * service: activations, changes, invitations, sign-ins, codes sent and checked. Passwords,
 * codes, PINs and signatures never reach it: entries are built from the fields above only.
 */
export class AuditLog {
	// Lines are appended in order even when requests overlap.
	private queue: Promise<void> = Promise.resolve();

	constructor(readonly path: string) {}

	record(entry: AuditEntry): Promise<void> {
		const line = `${JSON.stringify({at: new Date().toISOString(), ...entry})}\n`;
		this.queue = this.queue.then(() => appendFile(this.path, line, {mode: 0o600})).catch(() => undefined);
		return this.queue;
	}

	/** Resolves once every line recorded so far is written, so that a graceful stop loses none. */
	flushed(): Promise<void> {
		return this.queue;
	}
}
