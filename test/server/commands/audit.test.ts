// `mssante-kiosk audit` on the built program: the audit trail of a service's data directory as JSON
// lines, filtered by --since, beside a running service, and a clear message for a wrong date.
import {execFile} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {afterAll, expect, test} from 'vitest';
import {AccountService} from '../../../src/server/accounts/account-service.js';

const run = promisify(execFile);
const folder = mkdtempSync(path.join(tmpdir(), 'mssante-audit-'));
afterAll(() => rmSync(folder, {recursive: true, force: true}));

/** `mssante-kiosk audit …`: exit code, stdout and stderr. */
async function audit(...args: string[]): Promise<{code: number; stdout: string; stderr: string}> {
	return run(process.execPath, ['bin/mssante-kiosk.js', 'audit', ...args], {env: {...process.env, MSSANTE_DATABASE_URL: ''}}).then(
		({stdout, stderr}) => ({code: 0, stdout, stderr}),
		(error: {code: number; stdout: string; stderr: string}) => ({code: error.code, stdout: error.stdout, stderr: error.stderr}),
	);
}

test('prints the events oldest first as JSON lines, only those since --since, while the service runs; controls never reach the terminal', async () => {
	let time = Date.parse('2026-11-27T10:00:00Z');
	const service = await AccountService.open({dataDir: folder, takenAddresses: [], now: () => time});
	try {
		await service.audit.record({action: 'sign-in', outcome: 'refused', address: 'jean.dupont@medecin.mssante.fr', detail: 'sign-in-refused'});
		time = Date.parse('2026-11-28T09:30:00Z');
		await service.audit.record({action: 'sign-in', outcome: 'refused', address: 'x\u001b[2J\u009b@exemple.fr', detail: 'sign-in-refused'});
		await service.audit.record({action: 'code-sent', outcome: 'ok', channel: 'mail', address: 'jean.dupont@medecin.mssante.fr'});

		const all = await audit('--data-dir', folder);
		expect(all.code).toBe(0);
		const events = all.stdout
			.trim()
			.split('\n')
			.map(line => JSON.parse(line) as Record<string, string>);
		expect(events.map(event => [event['at'], event['action'], event['outcome']])).toEqual([
			['2026-11-27T10:00:00.000Z', 'sign-in', 'refused'],
			['2026-11-28T09:30:00.000Z', 'sign-in', 'refused'],
			['2026-11-28T09:30:00.000Z', 'code-sent', 'ok'],
		]);
		expect(all.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);

		const today = await audit('--data-dir', folder, '--since', '2026-11-28');
		expect(today.stdout.trim().split('\n')).toHaveLength(2);
	} finally {
		await service.close();
	}
});

test('a --since that is not a date: one clear line, exit code 2, nothing printed', async () => {
	const wrong = await audit('--data-dir', folder, '--since', 'hier');
	expect(wrong.code).toBe(2);
	expect(wrong.stdout).toBe('');
	expect(wrong.stderr).toContain('--since attend une date ISO 8601, par exemple 2026-11-28 ou 2026-11-28T14:00Z (reçu : « hier »)');
});
