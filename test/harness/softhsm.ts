import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {execa} from 'execa';
import type {TestPki} from './pki.js';

/** SoftHSM2's PKCS#11 module as Debian installs it. */
const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';

/** Label of the key and certificate on a CPS card, which the kiosk looks the certificate up by. */
export const CPS_AUTH_LABEL = "Certificat d'Authentification CPS";

/** CKA_ID shared by the key and the certificate, so a PKCS#11 client can pair them. */
const CPS_AUTH_ID = '01';

/** A provisioned SoftHSM2 token; `env` must be in the environment of whoever loads the module. */
export type SoftHsmToken = {
	modulePath: string;
	env: {SOFTHSM2_CONF: string};
	tokenLabel: string;
	pin: string;
	soPin: string;
	/** The temporary directory holding the configuration and the token store. */
	dir: string;
	/** Deletes the token and its configuration. */
	cleanup(): Promise<void>;
};

/**
 * Provisions a CPS-like SoftHSM2 token from a test PKI: a private token store under a fresh
 * temporary directory (so tests never touch /var/lib/softhsm nor each other), initialised with
 * the user PIN (default `1234`), holding the private key and the authentication certificate
 * under the CPS label with one CKA_ID. The token is addressed by label everywhere because
 * SoftHSM moves it to a random slot id once initialised. Tools run through execa with argument
 * arrays, never a shell (the label has an apostrophe).
 */
export async function provisionSoftHsm(pki: Pick<TestPki, 'certificateDer' | 'privateKeyPkcs8'>, options: {pin?: string; soPin?: string; label?: string} = {}): Promise<SoftHsmToken> {
	const pin = options.pin ?? '1234';
	const soPin = options.soPin ?? '12345678';
	const tokenLabel = options.label ?? 'CPS-TEST';

	const dir = await mkdtemp(path.join(tmpdir(), 'mssante-softhsm-'));
	const cleanup = async (): Promise<void> => {
		await rm(dir, {recursive: true, force: true});
	};

	try {
		const tokenDir = path.join(dir, 'tokens');
		await mkdir(tokenDir, {mode: 0o700});
		const confPath = path.join(dir, 'softhsm2.conf');
		await writeFile(confPath, `directories.tokendir = ${tokenDir}\nobjectstore.backend = file\nlog.level = ERROR\n`, {mode: 0o600});
		const env = {SOFTHSM2_CONF: confPath};

		await execa('softhsm2-util', ['--init-token', '--free', '--label', tokenLabel, '--pin', pin, '--so-pin', soPin], {env});

		const tool = (args: string[]) => execa('pkcs11-tool', ['--module', SOFTHSM_MODULE, '--token-label', tokenLabel, '--login', '--pin', pin, ...args], {env});

		// The key material only exists on disk for the time of the import, readable by us alone.
		const keyPath = path.join(dir, 'key.p8.der');
		const certPath = path.join(dir, 'cert.der');
		try {
			await writeFile(keyPath, pki.privateKeyPkcs8, {mode: 0o600});
			await writeFile(certPath, pki.certificateDer, {mode: 0o600});
			await tool(['--write-object', keyPath, '--type', 'privkey', '--id', CPS_AUTH_ID, '--label', CPS_AUTH_LABEL]);
			await tool(['--write-object', certPath, '--type', 'cert', '--id', CPS_AUTH_ID, '--label', CPS_AUTH_LABEL]);
		} finally {
			await rm(keyPath, {force: true});
			await rm(certPath, {force: true});
		}

		// A silent import failure would only surface later as a confusing "no certificate".
		const {stdout} = await tool(['--list-objects']);
		for (const kind of ['Private Key Object', 'Certificate Object']) {
			const found = stdout.split(/\n(?=\S)/).some(block => block.startsWith(kind) && block.includes(`label:      ${CPS_AUTH_LABEL}`) && block.includes(`ID:         ${CPS_AUTH_ID}`));
			if (!found) throw new Error(`SoftHSM token ${tokenLabel}: ${kind} "${CPS_AUTH_LABEL}" missing after import. pkcs11-tool --list-objects said:\n${stdout}`);
		}

		return {modulePath: SOFTHSM_MODULE, env, tokenLabel, pin, soPin, dir, cleanup};
	} catch (error) {
		await cleanup();
		throw error;
	}
}

/**
 * Provisions a token and points this process at it: SoftHSM reads SOFTHSM2_CONF with getenv(),
 * so the variable must be in this process's environment (a worker's `env` would not reach it).
 * `cleanup()` also removes the variable.
 */
export async function useSoftHsmInThisProcess(pki: Parameters<typeof provisionSoftHsm>[0]): Promise<SoftHsmToken> {
	const token = await provisionSoftHsm(pki);
	process.env['SOFTHSM2_CONF'] = token.env.SOFTHSM2_CONF;
	return {
		...token,
		async cleanup() {
			delete process.env['SOFTHSM2_CONF'];
			await token.cleanup();
		},
	};
}
