// The outbox: mail the service "sends" when no SMTP server is configured, as files to read.
import {randomUUID} from 'node:crypto';
import {mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs';
import path from 'node:path';

/** A message the backend sent. */
export type OutboxMessage = {to: string; subject: string; text: string};

/**
 * Where the embedded backend "sends" mail: one RFC 5322 text file per message, so a person can
 * read what went out (`<dataDir>/outbox/`). Written to a temporary name then renamed, so a
 * reader never sees half a message.
 */
export class Outbox {
	// Orders messages written within the same millisecond.
	private sequence = 0;

	constructor(readonly dir: string) {
		mkdirSync(dir, {recursive: true, mode: 0o700});
	}

	send(message: OutboxMessage, from = 'ne-pas-repondre@mssante.fr'): string {
		this.sequence++;
		const id = `${new Date().toISOString().replace(/[:.]/g, '-')}-${String(this.sequence).padStart(6, '0')}-${randomUUID().slice(0, 8)}`;
		const file = path.join(this.dir, `${id}.eml`);
		const content = [
			`From: ${from}`,
			`To: ${message.to}`,
			`Subject: =?UTF-8?B?${Buffer.from(message.subject).toString('base64')}?=`,
			`Date: ${new Date().toUTCString()}`,
			'MIME-Version: 1.0',
			'Content-Type: text/plain; charset=UTF-8',
			'Content-Transfer-Encoding: 8bit',
			'',
			message.text,
			'',
		].join('\r\n');
		writeFileSync(`${file}.tmp`, content, {mode: 0o600});
		renameSync(`${file}.tmp`, file);
		return file;
	}

	/** Messages sent so far, oldest first (file names sort by time). */
	list(): Array<{file: string; content: string}> {
		return readdirSync(this.dir)
			.filter(name => name.endsWith('.eml'))
			.sort()
			.map(name => ({file: name, content: readFileSync(path.join(this.dir, name), 'utf8')}));
	}
}
