import {describe, expect, test} from 'vitest';
import {MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, MIN_PASSWORD_SCORE, assessPassword, passwordRules, type PasswordContext} from '../../src/contract/rules/password-policy.js';

const HOLDER: PasswordContext = {givenName: 'Marie-Hélène', surname: 'LEFÈVRE-DURAND', nationalId: '10003816529'};

describe('passwordRules (the seed checklist)', () => {
	test('all four rules met', () => {
		expect(passwordRules('Abcdefg1')).toEqual({length: true, upper: true, lower: true, digit: true});
	});

	test('each rule alone can fail', () => {
		expect(passwordRules('Abcdef1')).toEqual({length: false, upper: true, lower: true, digit: true});
		expect(passwordRules('abcdefg1')).toEqual({length: true, upper: false, lower: true, digit: true});
		expect(passwordRules('ABCDEFG1')).toEqual({length: true, upper: true, lower: false, digit: true});
		expect(passwordRules('Abcdefgh')).toEqual({length: true, upper: true, lower: true, digit: false});
		expect(passwordRules('')).toEqual({length: false, upper: false, lower: false, digit: false});
	});

	test('accented letters count as upper / lower case', () => {
		expect(passwordRules('ÉLÈVE123é')).toEqual({length: true, upper: true, lower: true, digit: true});
	});

	test('length counts characters, not UTF-16 units', () => {
		expect(MIN_PASSWORD_LENGTH).toBe(8);
		// 7 emoji = 14 UTF-16 units but 7 characters.
		expect(passwordRules('😀'.repeat(7)).length).toBe(false);
		expect(passwordRules('😀'.repeat(8)).length).toBe(true);
	});
});

describe('assessPassword', () => {
	test.each(['Azerty123', 'Password1', 'Motdepasse1'])('%s is refused as common', async password => {
		const {problems} = await assessPassword(password);
		expect(problems).toContain('common');
	});

	test('the holder’s surname without accents is refused as personal', async () => {
		const {problems} = await assessPassword('Lefevre!2024x', HOLDER);
		expect(problems).toEqual(['personal']);
	});

	test('the holder’s given name part, any case, is refused as personal', async () => {
		const {problems} = await assessPassword('xHELENE#9247q', HOLDER);
		expect(problems).toContain('personal');
	});

	test('the same password without a holder context is not personal', async () => {
		const {problems} = await assessPassword('Lefevre!2024x');
		expect(problems).not.toContain('personal');
	});

	test('a surname with a ligature (Œ) is refused as personal, written either way', async () => {
		const holder: PasswordContext = {givenName: 'Jean', surname: 'BŒUF', nationalId: '10001234567'};
		expect((await assessPassword('Boeuf#2024xqz', holder)).problems).toContain('personal');
		expect((await assessPassword('Bœuf#2024xqzt', holder)).problems).toContain('personal');
	});

	test('the national identifier is refused as personal', async () => {
		const {problems} = await assessPassword('Kq#10003816529z', HOLDER);
		expect(problems).toContain('personal');
	});

	test('the seed rules are reported', async () => {
		const {problems} = await assessPassword('azerty');
		expect(problems).toEqual(expect.arrayContaining(['too-short', 'no-upper', 'no-digit']));
		expect(problems).not.toContain('no-lower');
	});

	test('128 characters accepted, 129 refused as too long: never truncated', async () => {
		expect(MAX_PASSWORD_LENGTH).toBe(128);
		const accepted = `Xq7#${'a'.repeat(124)}`;
		expect(accepted).toHaveLength(128);
		expect((await assessPassword(accepted)).problems).toEqual([]);

		// Same first 128 characters: a truncating policy would accept it.
		const tooLong = `${accepted}b`;
		expect(tooLong).toHaveLength(129);
		const {problems} = await assessPassword(tooLong);
		expect(problems).toContain('too-long');
	});

	test('129 characters of a strong password are still too long', async () => {
		const {problems} = await assessPassword(`Kiosque#Sante2026${'xY9!'.repeat(28)}`);
		expect(problems).toEqual(['too-long']);
	});

	test('a strong password has no problem and a score ≥ 2', async () => {
		const {problems, score} = await assessPassword('Kiosque#Sante2026', HOLDER);
		expect(problems).toEqual([]);
		expect(score).toBeGreaterThanOrEqual(MIN_PASSWORD_SCORE);
		expect(MIN_PASSWORD_SCORE).toBe(2);
	});
});
