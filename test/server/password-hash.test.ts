import {describe, expect, test} from 'vitest';
import {hashPassword, verifyPassword} from '../../src/server/accounts/password-hash.js';

describe('password hash', () => {
	test('format is scrypt$N$r$p$salt$hash and never contains the password', async () => {
		const hash = await hashPassword('Kiosque#Sante2026');
		expect(hash.startsWith('scrypt$')).toBe(true);
		const parts = hash.split('$');
		expect(parts).toHaveLength(6);
		expect(Number(parts[1])).toBeGreaterThanOrEqual(2 ** 15);
		expect(Buffer.from(parts[4] ?? '', 'base64')).toHaveLength(16);
		expect(Buffer.from(parts[5] ?? '', 'base64')).toHaveLength(32);
		expect(hash).not.toContain('Kiosque');
	});

	test('verify: true for the right password, false otherwise', async () => {
		const hash = await hashPassword('Kiosque#Sante2026');
		expect(await verifyPassword('Kiosque#Sante2026', hash)).toBe(true);
		expect(await verifyPassword('Kiosque#Sante2027', hash)).toBe(false);
		expect(await verifyPassword('kiosque#sante2026', hash)).toBe(false);
		expect(await verifyPassword('', hash)).toBe(false);
	});

	test('verify refuses a malformed stored value', async () => {
		expect(await verifyPassword('Kiosque#Sante2026', 'Kiosque#Sante2026')).toBe(false);
		expect(await verifyPassword('x', 'argon2id$1$2$3$abc$def')).toBe(false);
	});

	test('two hashes of the same password differ (random salt) and both verify', async () => {
		const [first, second] = await Promise.all([hashPassword('Kiosque#Sante2026'), hashPassword('Kiosque#Sante2026')]);
		expect(first).not.toBe(second);
		expect(first.split('$')[4]).not.toBe(second.split('$')[4]);
		expect(await verifyPassword('Kiosque#Sante2026', first)).toBe(true);
		expect(await verifyPassword('Kiosque#Sante2026', second)).toBe(true);
	});

	test('a long password is not truncated by the hash', async () => {
		const long = `Xq7#${'a'.repeat(124)}`;
		const hash = await hashPassword(long);
		expect(await verifyPassword(`${long}b`, hash)).toBe(false);
		expect(await verifyPassword(long.slice(0, 127), hash)).toBe(false);
		expect(await verifyPassword(long, hash)).toBe(true);
	});
});
