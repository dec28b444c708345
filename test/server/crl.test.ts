// The CRL reader (src/server/auth/crl.ts) against @peculiar/x509's: the same issuer, dates,
// serial numbers and signature; and its speed on a list of IGC-Santé's size.
import {beforeAll, expect, test} from 'vitest';
import {webcrypto} from 'node:crypto';
import {x509} from '../../src/contract/certificate/cps-certificate.js';
import {readCrl} from '../../src/server/auth/crl.js';
import {parseCrls} from '../../src/server/auth/revocation.js';
import {createLargeTestCrl, createTestAuthority, createTestCrl, issueTestCard, type TestAuthority} from '../harness/pki.js';

let authority: TestAuthority;
beforeAll(async () => {
	authority = await createTestAuthority();
});

test('what @peculiar/x509 reads in a CRL, crl.ts reads too: issuer, dates, every serial (high bit set too), the signature', async () => {
	const serials = Array.from({length: 300}, (_, index) => (index % 3 === 0 ? `ff${index.toString(16)}` : `0${(index + 1).toString(16)}1`));
	const der = await createTestCrl(authority, serials);
	const reference = new x509.X509Crl(der);
	const list = readCrl(der);
	expect(list.issuer).toBe(reference.issuer);
	expect(list.thisUpdate.getTime()).toBe(Math.floor(reference.thisUpdate.getTime() / 1000) * 1000);
	expect(list.nextUpdate?.getTime()).toBe(reference.nextUpdate?.getTime());
	expect(list.size).toBe(reference.entries.length);
	for (const entry of reference.entries) expect(list.lists(entry.serialNumber)).toBe(true);
	const card = await issueTestCard(authority);
	expect(list.lists(card.certificate.serialNumber)).toBe(false);
	expect(await reference.verify({publicKey: authority.certificate}, webcrypto as unknown as Crypto)).toBe(true);
	expect(list.signedBy(authority.certificate)).toBe(true);
	expect(list.signedBy((await createTestAuthority()).certificate)).toBe(false);
	// PEM reads the same.
	const pem = `-----BEGIN X509 CRL-----\n${Buffer.from(der).toString('base64')}\n-----END X509 CRL-----\n`;
	expect(parseCrls(pem)[0]?.size).toBe(300);
	// A tampered list is not signed.
	const tampered = new Uint8Array(der);
	tampered[tampered.length - 300] = (tampered[tampered.length - 300] as number) ^ 1;
	expect(() => readCrl(tampered).signedBy(authority.certificate)).not.toThrow();
	expect(readCrl(tampered).signedBy(authority.certificate)).toBe(false);
	expect(() => readCrl(new Uint8Array([0x30, 0x82, 0xff]))).toThrow();
});

test('a list of 150,000 revoked cards is read in well under a second', async () => {
	const der = await createLargeTestCrl(authority, 150_000);
	const started = performance.now();
	const list = readCrl(der);
	const readMs = performance.now() - started;
	const verifyStarted = performance.now();
	expect(list.signedBy(authority.certificate)).toBe(true);
	const verifyMs = performance.now() - verifyStarted;
	expect(list.size).toBe(150_000);
	expect(list.lists('5000000249f')).toBe(true);
	console.log(`[crl] 150,000 entries, ${(der.byteLength / 1e6).toFixed(1)} MB: read ${readMs.toFixed(0)} ms, signature ${verifyMs.toFixed(0)} ms`);
	expect(readMs).toBeLessThan(1500);
});

test('a truncated or corrupted list is refused with an error, never read wrong or hung on', async () => {
	const der = await createTestCrl(authority, ['1234', '5678']);
	for (let length = 0; length < der.length; length += 7) expect(() => readCrl(der.subarray(0, length))).toThrow(Error);
	for (let index = 0; index < der.length; index += 3) {
		const corrupted = new Uint8Array(der);
		corrupted[index] = (corrupted[index] as number) ^ 0xff;
		try {
			const list = readCrl(corrupted);
			// Read despite the change: then its signature must not hold.
			expect(list.signedBy(authority.certificate)).toBe(false);
		} catch (error) {
			expect(error).toBeInstanceOf(Error);
		}
	}
});
