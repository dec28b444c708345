/**
 * What every command's command line shares: the options the program reads before it knows the
 * command (`--lang`, `--help`), the check of a command's arguments against its option table, and
 * the one line a failure prints.
 */
import {type ParseArgsConfig, parseArgs} from 'node:util';
import type {Catalogue, Lang} from '../i18n/index.js';
import {FileInUseError} from '../storage/file-lock.js';
import {CorruptStoreError} from '../storage/json-store.js';

/** What the program tells a command about its command line, besides the command's own arguments. */
export type CommandLine = {
	/** `--lang`, when given. */
	lang: Lang | undefined;
	/** The data directory when `--data-dir` is not given. */
	defaultDataDir: string;
	/** The national directory's extraction dropped in a data directory, if there is one. */
	droppedDirectoryFile(dataDir: string): string | undefined;
};

/** A command's options, as node:util parseArgs reads them. */
export type OptionTable = NonNullable<ParseArgsConfig['options']>;

/** A mistake on the command line: printed with the usage, exit code 2. */
export class UsageError extends Error {}

/** A refusal to run that one line explains (no usage), with its exit code. */
export class CommandFailure extends Error {
	constructor(
		message: string,
		/** The process's exit code. */
		readonly exitCode: number,
	) {
		super(message);
	}
}

/** The options the program reads itself, wherever they are, and the arguments left for the command. */
export type SharedOptions = {
	/** `--lang VALUE` or `--lang=VALUE`, not yet checked. */
	lang?: string;
	/** `--help` or `-h`. */
	help: boolean;
	rest: string[];
};

/** Takes `--lang` and `--help`/`-h` out of `args` (up to a `--`, after which everything is an argument). */
export function takeSharedOptions(args: string[]): SharedOptions {
	const shared: SharedOptions = {help: false, rest: []};
	for (let index = 0; index < args.length; index++) {
		const arg = args[index] as string;
		if (arg === '--') {
			shared.rest.push(...args.slice(index));
			break;
		}
		if (arg === '--help' || arg === '-h') shared.help = true;
		else if (arg.startsWith('--lang=')) shared.lang = arg.slice('--lang='.length);
		// A missing value reads as an empty one, which is refused like any other wrong language.
		else if (arg === '--lang') shared.lang = args[++index] ?? '';
		else shared.rest.push(arg);
	}
	return shared;
}

/** `--lang`'s value as a language; a usage error when it is not one. */
export function languageOf(value: string | undefined, t: Catalogue['cli']): Lang | undefined {
	if (value === undefined || value === 'fr' || value === 'en') return value;
	throw new UsageError(t.langExpected(value));
}

/**
 * Checks each option of `args` against the command's table, so that a mistake is said in the
 * user's language and names the command (node:util's strict mode says it in English): an option
 * of another command, a value missing or given to a switch.
 */
export function checkOptions(args: string[], options: OptionTable, command: string, t: Catalogue['cli']): void {
	const {tokens} = parseArgs({args, options, strict: false, allowPositionals: true, tokens: true});
	for (const token of tokens) {
		if (token.kind !== 'option') continue;
		const option = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
		if (!option) throw new UsageError(t.unknownOption(token.rawName, command));
		if (option.type === 'boolean' && token.value !== undefined) throw new UsageError(t.noValueExpected(token.rawName));
		// `--port --json`: an option where the value should be means it was forgotten (strict mode refuses it too).
		const forgotten = token.value === undefined || (!token.inlineValue && token.value.startsWith('-'));
		if (option.type === 'string' && forgotten) throw new UsageError(t.valueExpected(token.rawName));
	}
}

/** The one line that says why the program stops: a data file held by another process or unreadable, or anything else. */
export function failureMessage(error: unknown, t: Catalogue['cli']): string {
	if (error instanceof FileInUseError) return t.inUse(error.path, error.pid);
	if (error instanceof CorruptStoreError) return t.corrupt(error.path);
	return t.failed(error instanceof Error ? error.message : String(error));
}
