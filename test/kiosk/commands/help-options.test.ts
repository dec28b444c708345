// `--help` against what the program accepts and what the README documents: every option of every
// command's table, the options read before the command, and every option the README names.
import {readFileSync} from 'node:fs';
import {describe, expect, test} from 'vitest';
import {adminCodeCommand} from '../../../src/commands/admin-code.js';
import {doctorCommand} from '../../../src/commands/doctor.js';
import {kioskCommand} from '../../../src/commands/kiosk/kiosk-command.js';
import type {OptionTable} from '../../../src/contract/cli/command-line.js';
import {catalogues} from '../../../src/contract/i18n/index.js';
import {auditCommand} from '../../../src/server/commands/audit.js';
import {directoryCommand} from '../../../src/server/commands/directory.js';
import {serveCommand} from '../../../src/server/commands/serve.js';

const COMMANDS: Array<[string, {options: OptionTable}]> = [
	['mssante-kiosk', kioskCommand],
	['mssante-kiosk doctor', doctorCommand],
	['mssante-kiosk serve', serveCommand],
	['mssante-kiosk directory', directoryCommand],
	['mssante-kiosk audit', auditCommand],
	['mssante-kiosk admin-code', adminCodeCommand],
];

/** The usage's lines of a command: those naming it (`directory generate`, `directory check`) and their continuations. */
function linesOf(usage: string, command: string): string {
	const own = new RegExp(`${command}(?= |$)(?! (doctor|serve|directory|audit|admin-code)\\b)`);
	let mine = false;
	const picked: string[] = [];
	for (const line of usage.split('\n')) {
		if (line.includes('mssante-kiosk')) mine = own.test(line);
		if (mine) picked.push(line);
	}
	return picked.join('\n');
}

describe.each(['fr', 'en'] as const)('--help (%s)', lang => {
	const {usage} = catalogues[lang].cli;

	test.each(COMMANDS)('%s: each option it accepts is in the usage, on its own line', (name, command) => {
		const lines = linesOf(usage, name);
		expect(lines).not.toBe('');
		for (const option of Object.keys(command.options)) expect(lines, `--${option}`).toMatch(new RegExp(`--${option}\\b`));
	});

	test('the options read before the command: --lang, --help and -h', () => {
		for (const option of ['--lang', '--help', '-h']) expect(usage).toContain(option);
	});

	test('every option the README names', () => {
		const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
		const named = new Set(readme.match(/(?<![\w-])--[a-z][a-z0-9-]*/g));
		expect(named.size).toBeGreaterThan(10);
		for (const option of named) expect(usage, option).toMatch(new RegExp(`${option}\\b`));
	});
});
