// Passwords as the service stores them: scrypt hashes, checked in constant time.
import {randomBytes, scrypt, timingSafeEqual, type ScryptOptions} from 'node:crypto';

// N=2^15, r=8, p=1: OWASP's scrypt floor; ≈ 32 MiB and ≈ 60–100 ms per hash on this machine.
const PARAMS = {N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024} satisfies ScryptOptions;
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, params: ScryptOptions): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		scrypt(password.normalize('NFC'), salt, KEY_LENGTH, params, (error, key) => (error ? reject(error) : resolve(key)));
	});
}

/** `scrypt$N$r$p$salt$hash` (base64): the only form in which a password is ever stored. */
export async function hashPassword(password: string): Promise<string> {
	const salt = randomBytes(16);
	const key = await derive(password, salt, PARAMS);
	return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Constant-time check of a password against a stored hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
	const [scheme, n, r, p, salt, hash] = stored.split('$');
	if (scheme !== 'scrypt' || !salt || !hash) return false;
	const expected = Buffer.from(hash, 'base64');
	const key = await derive(password, Buffer.from(salt, 'base64'), {N: Number(n), r: Number(r), p: Number(p), maxmem: PARAMS.maxmem});
	return key.length === expected.length && timingSafeEqual(key, expected);
}
