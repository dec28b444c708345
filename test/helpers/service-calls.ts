// Calls to a running activation service (a built `serve`, or behind HAProxy) as the e2e tests make
// them: JSON over HTTP, card proofs signed with a test card's key, and the mail in the outboxes.
import {webcrypto} from 'node:crypto';
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {RSA_SIGNING, type TestPki} from '../harness/pki.js';

/** One JSON call to `base`; `session` as a bearer token. Never throws on an answer that is not JSON. */
export async function call(base: string, method: string, route: string, body?: unknown, session?: string): Promise<{status: number; json: Record<string, unknown>}> {
	const response = await fetch(`${base}${route}`, {
		method,
		headers: {'content-type': 'application/json', ...(session ? {authorization: `Bearer ${session}`} : {})},
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return {status: response.status, json: (await response.json().catch(() => ({}))) as Record<string, unknown>};
}

/** A proof of `holder`'s card, on a challenge issued by `base`. */
export async function proof(base: string, holder: TestPki) {
	const {json} = await call(base, 'POST', '/v1/challenges', {});
	const signature = await webcrypto.subtle.sign(RSA_SIGNING, holder.privateKey, Buffer.from(String(json['challenge']), 'base64'));
	return {challengeId: json['challengeId'], signature: Buffer.from(signature).toString('base64'), certificate: Buffer.from(holder.certificateDer).toString('base64')};
}

/** Every mail the instances of these data directories put in their outboxes, each outbox oldest first. */
export function outboxMails(dataDirs: string[]): Array<{content: string}> {
	return dataDirs.flatMap(dataDir => {
		const outbox = path.join(dataDir, 'outbox');
		return existsSync(outbox)
			? readdirSync(outbox)
					.filter(name => name.endsWith('.eml'))
					.sort()
					.map(name => ({content: readFileSync(path.join(outbox, name), 'utf8')}))
			: [];
	});
}
