import {describe, expect, test} from 'vitest';
import {identityFromCertificate, professionCodeOf, x509} from '../../src/contract/certificate/cps-certificate.js';
import {createTestPki, DEFAULT_TEST_IDENTITY, type TestIdentity} from '../harness/pki.js';

/** The DER of a test certificate whose subject differs from the default in `changes`. */
async function certificateWith(changes: Partial<TestIdentity>): Promise<Uint8Array> {
	return (await createTestPki({...DEFAULT_TEST_IDENTITY, ...changes})).certificateDer;
}

describe('identityFromCertificate', () => {
	test('reads the harness certificate: RPPS, given name capitalised, surname kept, profession code', async () => {
		const pki = await createTestPki();
		const identity = identityFromCertificate(pki.certificateDer);
		expect(identity).toEqual({
			givenName: 'Marie-Hélène',
			surname: 'DUPONT-LAJOIE',
			profession: 'Médecin',
			professionCode: '10',
			idType: 'RPPS',
			nationalId: '10001234567',
		});
		// The certificate has no civilité: the field is absent, not an empty string.
		expect('civilite' in identity).toBe(false);
		// An ArrayBuffer is accepted as well as a Uint8Array.
		expect(identityFromCertificate(pki.certificate.rawData)).toEqual(identity);
	});

	test('reads the SPEC example subject CN=810002813839+SN=DONNAT-GADY+GN=ISABELLE', async () => {
		const der = await certificateWith({cn: '810002813839', sn: 'DONNAT-GADY', gn: 'ISABELLE'});
		expect(identityFromCertificate(der)).toMatchObject({givenName: 'Isabelle', surname: 'DONNAT-GADY', idType: 'RPPS', nationalId: '10002813839'});
	});

	test('a CN starting with 0 is an ADELI number, the rest of CN', async () => {
		const der = await certificateWith({cn: '0751234567', title: 'Infirmier'});
		expect(identityFromCertificate(der)).toMatchObject({idType: 'ADELI', nationalId: '751234567', profession: 'Infirmier', professionCode: '60'});
	});

	test('a CN starting with another digit throws a clear error', async () => {
		const der = await certificateWith({cn: '310001234567'});
		expect(() => identityFromCertificate(der)).toThrow(/Identifiant national inconnu.*CN=310001234567/);
	});

	test('an RPPS CN without exactly 11 digits after the 8 throws', async () => {
		expect(() => identityFromCertificate(new Uint8Array(0))).toThrow(/illisible/);
		const der = await certificateWith({cn: '81234'});
		expect(() => identityFromCertificate(der)).toThrow(/Identifiant national inconnu/);
	});

	test('control characters are stripped from every field', async () => {
		const der = await certificateWith({
			cn: '8100012\u00003456\u00077',
			sn: 'DUPONT\u001b-LAJOIE',
			gn: 'MARIE\u009b-HÉLÈNE',
			title: 'Infirm\u001bier\u0007',
		});
		expect(identityFromCertificate(der)).toEqual({
			givenName: 'Marie-Hélène',
			surname: 'DUPONT-LAJOIE',
			profession: 'Infirmier',
			professionCode: '60',
			idType: 'RPPS',
			nationalId: '10001234567',
		});
	});

	test('given names: each part after a hyphen, space or apostrophe is capitalised; a mixed-case name is kept', async () => {
		expect(identityFromCertificate(await certificateWith({gn: "JEAN PIERRE N'GOLO"})).givenName).toBe("Jean Pierre N'Golo");
		expect(identityFromCertificate(await certificateWith({gn: 'ÉLODIE'})).givenName).toBe('Élodie');
		expect(identityFromCertificate(await certificateWith({gn: 'Anne-Sophie'})).givenName).toBe('Anne-Sophie');
	});

	test('an unknown profession label is kept without a code', async () => {
		const identity = identityFromCertificate(await certificateWith({title: 'Audioprothésiste'}));
		expect(identity.profession).toBe('Audioprothésiste');
		expect(identity.professionCode).toBeUndefined();
	});

	test('a certificate without GN (not a practitioner card) is refused', async () => {
		const keys = await crypto.subtle.generateKey({name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048}, true, ['sign', 'verify']);
		const certificate = await x509.X509CertificateGenerator.createSelfSigned({name: 'CN=810001234567+SN=DUPONT, C=FR', keys});
		expect(() => identityFromCertificate(certificate.rawData)).toThrow(/prénom.*GN/);
	});
});

describe('professionCodeOf', () => {
	test.each([
		['Médecin', '10'],
		['MEDECIN', '10'],
		['médecin', '10'],
		['Pharmacien', '21'],
		['Chirurgien-Dentiste', '40'],
		['chirurgien dentiste', '40'],
		['Sage-Femme', '50'],
		['SAGE FEMME', '50'],
		['Infirmier', '60'],
		['Masseur-Kinésithérapeute', '70'],
		['MASSEUR-KINESITHERAPEUTE', '70'],
		['Pédicure-Podologue', '80'],
		['Orthophoniste', '91'],
		['Orthoptiste', '92'],
		['  Médecin  ', '10'],
	])('%s → %s', (label, code) => {
		expect(professionCodeOf(label)).toBe(code);
	});

	test('unknown labels have no code', () => {
		expect(professionCodeOf('Plombier')).toBeUndefined();
		expect(professionCodeOf('')).toBeUndefined();
	});
});
