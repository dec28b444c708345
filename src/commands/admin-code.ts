/**
 * `mssante-kiosk admin-code`: sets the administrator's code that leaves `--kiosk` (Ctrl+Q). The
 * code is read from the terminal without echo (typed twice), or from the first line of standard
 * input when it is not a terminal (provisioning scripts), never from the command line (visible in
 * `ps`); only its salted hash reaches settings.json.
 */
import path from 'node:path';
import {createInterface} from 'node:readline';
import {parseArgs} from 'node:util';
import {CommandFailure, type CommandLine} from '../contract/cli/command-line.js';
import {catalogues, type Catalogue, type Lang} from '../contract/i18n/index.js';
import {ADMIN_CODE_MIN_LENGTH, hashAdminCode} from '../services/admin-code.js';
import {openSettings, SETTINGS_FILE} from '../services/settings.js';

const ADMIN_CODE_OPTIONS = {
	/** Whose settings: the kiosk's data directory. */
	'data-dir': {type: 'string'},
} as const;

/** What `admin-code` was asked for. */
type AdminCodeArguments = {dataDir: string; lang?: Lang};

/** Where the code is typed: a terminal (no echo) or a pipe. */
export type CodeInput = {
	input: NodeJS.ReadableStream & {isTTY?: boolean; setRawMode?: (raw: boolean) => unknown};
	output: NodeJS.WritableStream;
};

/** Lines typed on a terminal in raw mode, one after each prompt, echoed as nothing; Ctrl+C or Ctrl+D gives up (null). */
function hiddenLines(io: CodeInput, prompts: string[]): Promise<string[] | null> {
	const {input, output} = io;
	output.write(prompts[0] ?? '');
	input.setRawMode?.(true);
	input.resume();
	return new Promise(resolve => {
		const lines: string[] = [];
		let typed = '';
		const finish = (result: string[] | null) => {
			input.removeListener('data', onData);
			input.setRawMode?.(false);
			input.pause();
			resolve(result);
		};
		const onData = (chunk: Buffer | string) => {
			for (const character of String(chunk)) {
				if (character === '\u0003' || character === '\u0004') {
					output.write('\n');
					return finish(null);
				}
				if (character === '\r' || character === '\n') {
					lines.push(typed);
					typed = '';
					output.write('\n');
					if (lines.length === prompts.length) return finish(lines);
					output.write(prompts[lines.length] ?? '');
				} else if (character === '\u007F' || character === '\b') typed = [...typed].slice(0, -1).join('');
				else if (character >= ' ') typed += character;
			}
		};
		input.on('data', onData);
	});
}

/** The first line of a pipe. */
async function firstLine(input: NodeJS.ReadableStream): Promise<string | null> {
	const lines = createInterface({input, crlfDelay: Number.POSITIVE_INFINITY});
	for await (const line of lines) {
		lines.close();
		return line;
	}
	return null;
}

/** The new code: typed twice on a terminal, the first line of a pipe; a CommandFailure when it will not do. */
export async function readNewCode(io: CodeInput, t: Catalogue['cli']): Promise<string> {
	let code: string | null;
	if (io.input.isTTY) {
		const lines = await hiddenLines(io, [t.adminCodePrompt, t.adminCodeAgain]);
		if (lines && lines[0] !== lines[1]) throw new CommandFailure(t.adminCodeMismatch, 1);
		code = lines?.[0] ?? null;
	} else {
		code = await firstLine(io.input);
	}
	if (code === null) throw new CommandFailure(t.adminCodeNone, 1);
	if ([...code].length < ADMIN_CODE_MIN_LENGTH) throw new CommandFailure(t.adminCodeTooShort(ADMIN_CODE_MIN_LENGTH), 1);
	return code;
}

/** Stores the hash of `code` in the data directory's settings (refused while a kiosk holds them). */
export async function setAdminCode(dataDir: string, code: string): Promise<void> {
	const store = await openSettings(dataDir);
	try {
		store.db.data.adminCodeHash = await hashAdminCode(code);
		await store.db.write();
	} finally {
		await store.close();
	}
}

/** `mssante-kiosk admin-code`, for the program's entry. */
export const adminCodeCommand = {
	options: ADMIN_CODE_OPTIONS,
	parse(args: string[], cli: CommandLine): AdminCodeArguments {
		const {values, positionals} = parseArgs({args, options: ADMIN_CODE_OPTIONS, strict: true, allowPositionals: true});
		if (positionals.length > 0) throw new Error(catalogues[cli.lang ?? 'fr'].cli.unknownCommand(['admin-code', ...positionals].join(' ')));
		return {dataDir: path.resolve(values['data-dir'] ?? cli.defaultDataDir), lang: cli.lang};
	},
	async run({dataDir, lang}: AdminCodeArguments): Promise<number> {
		const t = catalogues[lang ?? 'fr'].cli;
		// The prompts on stderr: stdout says what was done, for a script.
		await setAdminCode(dataDir, await readNewCode({input: process.stdin, output: process.stderr}, t));
		process.stdout.write(`${t.adminCodeSaved(path.join(dataDir, SETTINGS_FILE))}\n`);
		return 0;
	},
};
