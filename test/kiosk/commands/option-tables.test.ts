// Each command's own option table and checks, in-process: what the program's entry does with the
// arguments before a command runs (test/kiosk/commands/program.test.ts runs the built program).
import {describe, expect, test} from 'vitest';
import {catalogues} from '../../../src/contract/i18n/index.js';
import {UsageError, checkOptions, languageOf, takeSharedOptions, type CommandLine, type OptionTable} from '../../../src/contract/cli/command-line.js';
import {adminCodeCommand} from '../../../src/commands/admin-code.js';
import {doctorCommand} from '../../../src/commands/doctor.js';
import {kioskCommand} from '../../../src/commands/kiosk/kiosk-command.js';
import {auditCommand} from '../../../src/server/commands/audit.js';
import {directoryCommand} from '../../../src/server/commands/directory.js';
import {serveCommand} from '../../../src/server/commands/serve.js';

const fr = catalogues.fr.cli;
const en = catalogues.en.cli;
const cli = (lang?: 'fr' | 'en'): CommandLine => ({lang, defaultDataDir: '/tmp/mssante-default', droppedDirectoryFile: () => undefined});

const COMMANDS: Array<[string, {options: OptionTable}]> = [
	['mssante-kiosk', kioskCommand],
	['mssante-kiosk doctor', doctorCommand],
	['mssante-kiosk serve', serveCommand],
	['mssante-kiosk directory', directoryCommand],
	['mssante-kiosk audit', auditCommand],
	['mssante-kiosk admin-code', adminCodeCommand],
];

/** The message `run` throws, or undefined when it does not throw. */
function thrown(run: () => unknown): string | undefined {
	try {
		run();
	} catch (error) {
		return (error as Error).message;
	}
	return undefined;
}

describe('each command has its own options', () => {
	test.each(COMMANDS)('%s refuses every option of the other commands, naming itself', (name, command) => {
		const others = new Set(COMMANDS.flatMap(([, other]) => Object.keys(other.options)).filter(option => !Object.hasOwn(command.options, option)));
		expect(others.size).toBeGreaterThan(0);
		for (const option of others) {
			const args = [`--${option}`, ...(COMMANDS.some(([, other]) => other.options[option]?.type === 'string') ? ['x'] : [])];
			expect(() => checkOptions(args, command.options, name, fr)).toThrow(UsageError);
			expect(thrown(() => checkOptions(args, command.options, name, fr))).toBe(`--${option} : option inconnue de « ${name} »`);
			expect(thrown(() => checkOptions(args, command.options, name, en))).toBe(`--${option}: not an option of "${name}"`);
		}
	});

	test('a value is checked against the option: missing, forgotten before another option, or given to a switch', () => {
		expect(thrown(() => checkOptions(['--port'], serveCommand.options, 'mssante-kiosk serve', fr))).toBe('--port : valeur attendue');
		expect(thrown(() => checkOptions(['--port', '--host', 'h'], serveCommand.options, 'mssante-kiosk serve', fr))).toBe('--port : valeur attendue');
		expect(thrown(() => checkOptions(['--json=yes'], doctorCommand.options, 'mssante-kiosk doctor', en))).toBe('--json: takes no value');
		expect(thrown(() => checkOptions(['--port=0', '--host', '::1'], serveCommand.options, 'mssante-kiosk serve', fr))).toBeUndefined();
	});
});

describe('--lang and --help, read before the command', () => {
	test('taken out wherever they are, up to --', () => {
		expect(takeSharedOptions(['serve', '--lang', 'en', '--port', '0', '-h'])).toEqual({lang: 'en', help: true, rest: ['serve', '--port', '0']});
		expect(takeSharedOptions(['--lang=fr', 'doctor', '--', '--help'])).toEqual({lang: 'fr', help: false, rest: ['doctor', '--', '--help']});
		expect(takeSharedOptions(['--lang'])).toEqual({lang: '', help: false, rest: []});
	});

	test('--lang is fr or en', () => {
		expect(languageOf(undefined, fr)).toBeUndefined();
		expect(languageOf('en', fr)).toBe('en');
		expect(thrown(() => languageOf('de', fr))).toBe('--lang : fr ou en attendu, pas « de »');
	});
});

describe('the kiosk', () => {
	test('its arguments, with the data directory resolved', () => {
		expect(kioskCommand.parse(['--demo', '--kiosk', '--backend', 'http://127.0.0.1:8080', '--pkcs11-token-label', 'T'], cli('en'))).toEqual({
			lang: 'en',
			dataDir: '/tmp/mssante-default',
			cardMode: 'demo',
			kioskMode: true,
			pkcs11Module: undefined,
			tokenLabel: 'T',
			backendUrl: 'http://127.0.0.1:8080',
			trustAnchorsFile: undefined,
			directoryFile: undefined,
		});
		expect(kioskCommand.parse(['--no-demo', '--data-dir', '/srv/kiosk'], cli())).toMatchObject({cardMode: 'real', dataDir: '/srv/kiosk', kioskMode: false});
	});

	test('--demo and --no-demo exclude each other; --backend is an http(s) URL; no stray word', () => {
		expect(thrown(() => kioskCommand.parse(['--demo', '--no-demo'], cli()))).toBe('--demo et --no-demo s’excluent');
		expect(thrown(() => kioskCommand.parse(['--demo', '--no-demo'], cli('en')))).toBe('--demo and --no-demo exclude each other');
		expect(thrown(() => kioskCommand.parse(['--backend', 'ftp://x'], cli()))).toBe('--backend : URL http(s) attendue, pas « ftp://x »');
		expect(thrown(() => kioskCommand.parse(['--demo', 'serve'], cli()))).toBe('commande inconnue : serve');
	});
});

describe('doctor', () => {
	test('--json, the module, the data directory; the language left to the settings unless given', () => {
		expect(doctorCommand.parse(['--json', '--pkcs11-module', '/m.so', '--data-dir', '/d'], cli())).toEqual({json: true, pkcs11Module: '/m.so', dataDir: '/d', lang: undefined});
		expect(doctorCommand.parse([], cli('en'))).toEqual({json: false, pkcs11Module: undefined, dataDir: '/tmp/mssante-default', lang: 'en'});
		expect(thrown(() => doctorCommand.parse(['now'], cli()))).toBe('commande inconnue : doctor now');
	});
});

describe('serve', () => {
	test('defaults: port 8080 on 127.0.0.1, the data directory, no SMTP or SMS gateway', () => {
		expect(serveCommand.parse([], cli())).toMatchObject({port: 8080, host: '127.0.0.1', dataDir: '/tmp/mssante-default', lang: 'fr', smtp: undefined, smsGatewayUrl: undefined});
		expect(serveCommand.parse(['--smtp-host', 'smtp.example', '--port', '0'], cli('en'))).toMatchObject({
			port: 0,
			lang: 'en',
			smtp: {host: 'smtp.example', port: 587, from: 'ne-pas-repondre@mssante.fr'},
		});
	});

	test('--port and --smtp-port are port numbers', () => {
		expect(thrown(() => serveCommand.parse(['--port', '65536'], cli()))).toBe('--port : numéro de port attendu, pas « 65536 »');
		expect(thrown(() => serveCommand.parse(['--port', 'http'], cli('en')))).toBe('--port: a port number is expected, not "http"');
		expect(thrown(() => serveCommand.parse(['--smtp-host', 'h', '--smtp-port', 'x'], cli()))).toBe('--smtp-port : numéro de port attendu, pas « x »');
	});
});

describe('directory', () => {
	test('generate: --out, whole --rows and --seed', () => {
		expect(directoryCommand.parse(['generate', '--out', '/tmp/a.txt', '--rows', '500', '--seed', '7'], cli())).toEqual({action: 'generate', out: '/tmp/a.txt', rows: 500, seed: 7, lang: 'fr'});
		expect(thrown(() => directoryCommand.parse(['generate'], cli()))).toBe('directory generate : --out FICHIER attendu');
		expect(thrown(() => directoryCommand.parse(['generate', '--out', 'a', '--rows', '1e3'], cli()))).toBe('--rows : nombre entier attendu, pas « 1e3 »');
		expect(thrown(() => directoryCommand.parse(['generate', '--out', 'a', '--seed=-1'], cli('en')))).toBe('--seed: a whole number is expected, not "-1"');
	});

	test('check: one file, --json', () => {
		expect(directoryCommand.parse(['check', '--json', 'annuaire.txt'], cli('en'))).toEqual({action: 'check', file: 'annuaire.txt', json: true, lang: 'en'});
		expect(thrown(() => directoryCommand.parse(['check'], cli()))).toBe('directory check : FICHIER attendu');
		expect(thrown(() => directoryCommand.parse(['check', 'a', 'b'], cli()))).toBe('commande inconnue : directory check a b');
	});

	test('each action takes only its own options; an unknown action is named', () => {
		expect(thrown(() => directoryCommand.parse(['generate', '--out', 'a', '--json'], cli()))).toBe('--json : option inconnue de « mssante-kiosk directory generate »');
		expect(thrown(() => directoryCommand.parse(['check', 'a', '--rows', '3'], cli('en')))).toBe('--rows: not an option of "mssante-kiosk directory check"');
		expect(thrown(() => directoryCommand.parse([], cli()))).toBe('directory : generate ou check attendu');
		expect(thrown(() => directoryCommand.parse(['import'], cli('en')))).toBe('directory: generate or check expected, not "import"');
	});
});
