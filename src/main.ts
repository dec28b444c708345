/**
 * The program's entry. It picks the command (the first argument, unless that is an option: then
 * the kiosk), reads the options every command shares (`--help`, `--lang` for the messages),
 * loads that command's module only (`serve` never loads Ink), and turns a failure into one line
 * and an exit code: 2 for a mistake on the command line, 1 for a data file held by another
 * process or unreadable, 70 for anything else. Never a stack trace on a practitioner's screen.
 */
import {catalogues, type Catalogue} from './contract/i18n/index.js';
import {CommandFailure, UsageError, checkOptions, failureMessage, languageOf, takeSharedOptions, type CommandLine, type OptionTable} from './contract/cli/command-line.js';
import {defaultDataDir, droppedDirectoryFile} from './contract/storage/data-directory.js';
import {FileInUseError} from './contract/storage/file-lock.js';
import {CorruptStoreError} from './contract/storage/json-store.js';

/** What a command's module exports for the entry. */
type Command<Arguments> = {
	/** Its options, checked here so that a mistake names the command. */
	options: OptionTable;
	/** Reads its arguments (after the command's name); throws a clear message when they are wrong. */
	parse(args: string[], cli: CommandLine): Arguments;
	/** Runs it; resolves with the exit code, or with nothing when it leaves the process itself (the kiosk). */
	run(args: Arguments, cli: CommandLine): Promise<number | undefined>;
};

/** Checks, reads and runs a command's arguments; a mistake in them is a UsageError. */
async function execute<Arguments>(command: Command<Arguments>, name: string, args: string[], cli: CommandLine, t: Catalogue): Promise<number | undefined> {
	checkOptions(args, command.options, name, t.cli);
	let parsed: Arguments;
	try {
		parsed = command.parse(args, cli);
	} catch (error) {
		throw new UsageError((error as Error).message);
	}
	return command.run(parsed, cli);
}

/** Each command by its name, its module loaded only when it runs. */
const COMMANDS = new Map<string, (args: string[], cli: CommandLine, t: Catalogue) => Promise<number | undefined>>([
	['doctor', async (args, cli, t) => execute((await import('./commands/doctor.js')).doctorCommand, 'mssante-kiosk doctor', args, cli, t)],
	['serve', async (args, cli, t) => execute((await import('./server/commands/serve.js')).serveCommand, 'mssante-kiosk serve', args, cli, t)],
	['directory', async (args, cli, t) => execute((await import('./server/commands/directory.js')).directoryCommand, 'mssante-kiosk directory', args, cli, t)],
	['audit', async (args, cli, t) => execute((await import('./server/commands/audit.js')).auditCommand, 'mssante-kiosk audit', args, cli, t)],
	['admin-code', async (args, cli, t) => execute((await import('./commands/admin-code.js')).adminCodeCommand, 'mssante-kiosk admin-code', args, cli, t)],
]);

/** The kiosk itself: no command name. */
async function kiosk(args: string[], cli: CommandLine, t: Catalogue): Promise<number | undefined> {
	return execute((await import('./commands/kiosk/kiosk-command.js')).kioskCommand, 'mssante-kiosk', args, cli, t);
}

/** The exit code of a failure, and the line that says why. */
function failure(error: unknown, t: Catalogue): {code: number; message: string} {
	if (error instanceof UsageError) return {code: 2, message: `${error.message}\n${t.cli.usage}`};
	if (error instanceof CommandFailure) return {code: error.exitCode, message: error.message};
	const code = error instanceof FileInUseError || error instanceof CorruptStoreError ? 1 : 70;
	return {code, message: failureMessage(error, t.cli)};
}

// Files created by the kiosk (settings, accounts, outbox) are for its own user only.
process.umask(0o077);
const shared = takeSharedOptions(process.argv.slice(2));
// Until --lang is known to be a language, messages are in French.
let t = catalogues.fr;
try {
	const lang = languageOf(shared.lang, t.cli);
	t = catalogues[lang ?? 'fr'];
	if (shared.help) {
		process.stdout.write(`${t.cli.usage}\n`);
	} else {
		const [first, ...rest] = shared.rest;
		const cli: CommandLine = {lang, defaultDataDir: defaultDataDir(process.env), droppedDirectoryFile};
		const isCommand = first !== undefined && !first.startsWith('-');
		const command = isCommand ? COMMANDS.get(first) : kiosk;
		if (!command) throw new UsageError(t.cli.unknownCommand(first ?? ''));
		const code = await command(isCommand ? rest : shared.rest, cli, t);
		if (code !== undefined) process.exitCode = code;
	}
} catch (error) {
	const {code, message} = failure(error, t);
	process.stderr.write(`${message}\n`);
	process.exit(code);
}
