// The administrator's code that lets `--kiosk` be left (Ctrl+Q): kept in the settings as a salted
// scrypt hash only, so that the settings file never holds the code itself.
import {randomBytes, scrypt, timingSafeEqual, type ScryptOptions} from 'node:crypto';

/** Shortest code accepted: the hash sits in a readable file, a short code would be found by trying them all. */
export const ADMIN_CODE_MIN_LENGTH = 8;

/** scrypt's cost parameters (N = 2^14: about 50 ms a try on this machine). */
const COST = {N: 16_384, r: 8, p: 1};
const KEY_LENGTH = 32;

/** What `adminCodeHash` holds: `scrypt$N$r$p$salt$hash`, salt and hash in base64. */
export const ADMIN_CODE_HASH = /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/;

function derive(code: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
	return new Promise((resolve, reject) => scrypt(code.normalize('NFC'), salt, KEY_LENGTH, {...options, maxmem: 64 * 1024 * 1024}, (error, key) => (error ? reject(error) : resolve(key))));
}

/** The code's salted hash, as `adminCodeHash` stores it. */
export async function hashAdminCode(code: string): Promise<string> {
	const salt = randomBytes(16);
	const key = await derive(code, salt, COST);
	return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Whether `code` is the one `stored` was made from (false for a stored value that is not such a hash). */
export async function checkAdminCode(code: string, stored: string): Promise<boolean> {
	if (!ADMIN_CODE_HASH.test(stored)) return false;
	const [, N, r, p, salt, hash] = stored.split('$') as [string, string, string, string, string, string];
	const expected = Buffer.from(hash, 'base64');
	const key = await derive(code, Buffer.from(salt, 'base64'), {N: Number(N), r: Number(r), p: Number(p)});
	return key.length === expected.length && timingSafeEqual(key, expected);
}
