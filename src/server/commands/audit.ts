/**
 * `mssante-kiosk audit`: for the people who run the service. Prints the audit trail (every
 * instance's, from the database) as JSON lines, oldest first, without starting the service: it
 * may run beside a kiosk or `serve` on the same data directory.
 */
import path from 'node:path';
import {parseArgs} from 'node:util';
import type {CommandLine} from '../../contract/cli/command-line.js';
import {catalogues, type Lang} from '../../contract/i18n/index.js';
import {stripControl} from '../../contract/text/sanitize.js';
import {AuditLog} from '../audit-log.js';
import {openDatabase} from '../database/database.js';
import {databaseUrlOf} from './serve.js';

/** The options of `mssante-kiosk audit`. */
const AUDIT_OPTIONS = {
	'data-dir': {type: 'string'},
	/** The PostgreSQL database of `serve --database` (or MSSANTE_DATABASE_URL). */
	database: {type: 'string'},
	/** Only the events from this day or instant on (ISO 8601: `2026-11-28`, `2026-11-28T14:00Z`). */
	since: {type: 'string'},
} as const;

/** What `audit` was asked for. */
type AuditArguments = {dataDir: string; databaseUrl?: string; since: number; lang: Lang};

/** `mssante-kiosk audit`, for the program's entry. */
export const auditCommand = {
	options: AUDIT_OPTIONS,
	parse(args: string[], cli: CommandLine): AuditArguments {
		const lang = cli.lang ?? 'fr';
		const t = catalogues[lang].cli;
		const {values, positionals} = parseArgs({args, options: AUDIT_OPTIONS, strict: true, allowPositionals: true});
		if (positionals.length > 0) throw new Error(t.unknownCommand(['audit', ...positionals].join(' ')));
		const since = values.since === undefined ? 0 : Date.parse(values.since);
		if (Number.isNaN(since)) throw new Error(t.dateExpected('--since', values.since ?? ''));
		return {dataDir: path.resolve(values['data-dir'] ?? cli.defaultDataDir), databaseUrl: databaseUrlOf(values.database, t), since, lang};
	},
	async run({dataDir, databaseUrl, since}: AuditArguments): Promise<number> {
		const database = await openDatabase({url: databaseUrl, dataDir, poolSize: 1});
		try {
			// Values came from requests: a control character must not reach the operator's terminal.
			for (const event of await new AuditLog(database.db).since(since)) process.stdout.write(`${stripControl(JSON.stringify(event))}\n`);
		} finally {
			await database.close();
		}
		return 0;
	},
};
