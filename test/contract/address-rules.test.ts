import {describe, expect, test} from 'vitest';
import {GENERIC_DOMAIN, MAX_LOCAL_PART, addressProposals, localPart, professionDomain, slugNamePart, splitAddress, withSuffix} from '../../src/contract/rules/address-rules.js';

describe('SPEC §7 examples', () => {
	test('Jean-Marie Dupont → jean-marie.dupont', () => {
		expect(localPart('Jean-Marie', 'Dupont')).toBe('jean-marie.dupont');
	});

	test("Éloïse D'Hérouville Le Gall → eloise.dherouville-le-gall", () => {
		expect(localPart('Éloïse', "D'Hérouville Le Gall")).toBe('eloise.dherouville-le-gall');
	});

	test('the reverse form puts the surname first', () => {
		expect(localPart('Jean-Marie', 'Dupont', 'nom.prenom')).toBe('dupont.jean-marie');
		expect(localPart('Éloïse', "D'Hérouville Le Gall", 'nom.prenom')).toBe('dherouville-le-gall.eloise');
	});
});

describe('slugNamePart', () => {
	test('ligatures and special letters: œ→oe, æ→ae, ß→ss, ç→c', () => {
		expect(slugNamePart('Œdipe')).toBe('oedipe');
		expect(slugNamePart('Cœur')).toBe('coeur');
		expect(slugNamePart('Lætitia')).toBe('laetitia');
		expect(slugNamePart('ÆLIS')).toBe('aelis');
		expect(slugNamePart('Strauß')).toBe('strauss');
		expect(slugNamePart('François')).toBe('francois');
		expect(slugNamePart('FRANÇOIS')).toBe('francois');
	});

	test('other diacritics are removed, upper case folded', () => {
		expect(slugNamePart('LEFÈVRE-DURAND')).toBe('lefevre-durand');
		expect(slugNamePart('Hélène')).toBe('helene');
		expect(slugNamePart('Zoë Ñúñez')).toBe('zoe-nunez');
		// Decomposed input (e + combining acute) gives the same result as composed input.
		expect(slugNamePart('He\u0301le\u0300ne')).toBe('helene');
	});

	test("apostrophes are removed, straight (') and typographic (’)", () => {
		expect(slugNamePart("D'Artagnan")).toBe('dartagnan');
		expect(slugNamePart('D’Artagnan')).toBe('dartagnan');
		expect(slugNamePart("O'Neil-D’Arc")).toBe('oneil-darc');
	});

	test('spaces and underscores become a single hyphen', () => {
		expect(slugNamePart('Le Gall')).toBe('le-gall');
		expect(slugNamePart('Le_Gall')).toBe('le-gall');
		expect(slugNamePart('Le   Gall')).toBe('le-gall');
		expect(slugNamePart('Le _ Gall')).toBe('le-gall');
		expect(slugNamePart('De\tla Tour')).toBe('de-la-tour');
	});

	test('no leading, trailing or doubled separators', () => {
		expect(slugNamePart(' -Jean--Pierre- ')).toBe('jean-pierre');
		expect(slugNamePart('_Anne_')).toBe('anne');
		expect(slugNamePart('Jean - Pierre')).toBe('jean-pierre');
		expect(slugNamePart("'Anne'")).toBe('anne');
	});

	test('only [a-z0-9-] survives', () => {
		expect(slugNamePart('St. Pierre!')).toBe('st-pierre');
		expect(slugNamePart('Ann@e#2')).toBe('anne2');
		expect(slugNamePart('Ἀθηνᾶ')).toBe('');
	});
});

describe('localPart', () => {
	test('only characters [a-z0-9.-], no leading/trailing/doubled separators', () => {
		const local = localPart(" -Jean_ _Pierre' ", ' Le--Gall. ');
		expect(local).toBe('jean-pierre.le-gall');
		expect(local).toMatch(/^[a-z0-9](?:[a-z0-9]|[.-](?=[a-z0-9]))*$/);
	});

	test('an empty name part leaves no stray dot', () => {
		expect(localPart('---', 'Dupont')).toBe('dupont');
		expect(localPart('Jean', '')).toBe('jean');
		expect(localPart('', 'Dupont', 'nom.prenom')).toBe('dupont');
	});

	test('at most 64 characters', () => {
		const local = localPart('A'.repeat(40), 'B'.repeat(40));
		expect(MAX_LOCAL_PART).toBe(64);
		expect(local).toHaveLength(64);
		expect(local).toBe(`${'a'.repeat(40)}.${'b'.repeat(23)}`);
	});

	test('cutting at 64 never leaves a trailing separator', () => {
		// 63 letters + '.' would be the 64 first characters: the dot is dropped.
		expect(localPart('A'.repeat(63), 'Dupont')).toBe('a'.repeat(63));
		// 63 letters + '-' likewise.
		expect(localPart(`${'A'.repeat(63)} Bo`, 'Dupont')).toBe('a'.repeat(63));
	});
});

describe('withSuffix', () => {
	test('appends the number', () => {
		expect(withSuffix('jean.dupont', 2)).toBe('jean.dupont2');
		expect(withSuffix('jean.dupont', 13)).toBe('jean.dupont13');
	});

	test('shortens first so the result stays ≤ 64 characters', () => {
		const long = 'a'.repeat(64);
		expect(withSuffix(long, 2)).toBe(`${'a'.repeat(63)}2`);
		expect(withSuffix(long, 2)).toHaveLength(64);
		expect(withSuffix(long, 10)).toBe(`${'a'.repeat(62)}10`);
		expect(withSuffix(long, 100)).toHaveLength(64);
	});

	test('shortening never leaves a separator before the suffix', () => {
		const local = `${'a'.repeat(62)}.b`;
		expect(local).toHaveLength(64);
		expect(withSuffix(local, 2)).toBe(`${'a'.repeat(62)}2`);
	});
});

describe('professionDomain', () => {
	test('G15 codes with their own domain', () => {
		expect(professionDomain('10')).toBe('medecin.mssante.fr');
		expect(professionDomain('21')).toBe('pharmacien.mssante.fr');
		expect(professionDomain('40')).toBe('chirurgien-dentiste.mssante.fr');
		expect(professionDomain('50')).toBe('sage-femme.mssante.fr');
		expect(professionDomain('60')).toBe('infirmier.mssante.fr');
		expect(professionDomain('69')).toBe('infirmier.mssante.fr');
		expect(professionDomain('70')).toBe('masseur-kinesitherapeute.mssante.fr');
		expect(professionDomain('80')).toBe('pedicure-podologue.mssante.fr');
	});

	test('other professions have none', () => {
		expect(professionDomain('91')).toBeUndefined();
		expect(professionDomain('92')).toBeUndefined();
		expect(professionDomain(undefined)).toBeUndefined();
		expect(professionDomain('')).toBeUndefined();
	});
});

describe('addressProposals', () => {
	test('médecin (10): prenom.nom first, profession domain before pro.mssante.fr, nom.prenom after', () => {
		expect(addressProposals({givenName: 'Jean', surname: 'DUPONT', professionCode: '10'})).toEqual([
			{address: 'jean.dupont@medecin.mssante.fr', order: 'prenom.nom', generic: false},
			{address: 'jean.dupont@pro.mssante.fr', order: 'prenom.nom', generic: true},
			{address: 'dupont.jean@medecin.mssante.fr', order: 'nom.prenom', generic: false},
			{address: 'dupont.jean@pro.mssante.fr', order: 'nom.prenom', generic: true},
		]);
	});

	test('infirmier psychiatrique (69) uses the infirmier domain', () => {
		expect(addressProposals({givenName: 'Éloïse', surname: "D'Hérouville Le Gall", professionCode: '69'}).map(p => p.address)).toEqual([
			'eloise.dherouville-le-gall@infirmier.mssante.fr',
			'eloise.dherouville-le-gall@pro.mssante.fr',
			'dherouville-le-gall.eloise@infirmier.mssante.fr',
			'dherouville-le-gall.eloise@pro.mssante.fr',
		]);
	});

	test('orthophoniste (91) only gets pro.mssante.fr', () => {
		expect(addressProposals({givenName: 'Anne', surname: 'Martin', professionCode: '91'})).toEqual([
			{address: 'anne.martin@pro.mssante.fr', order: 'prenom.nom', generic: true},
			{address: 'martin.anne@pro.mssante.fr', order: 'nom.prenom', generic: true},
		]);
		expect(GENERIC_DOMAIN).toBe('pro.mssante.fr');
	});

	test('no profession code: only the generic domain', () => {
		expect(addressProposals({givenName: 'Anne', surname: 'Martin'}).map(p => p.address)).toEqual(['anne.martin@pro.mssante.fr', 'martin.anne@pro.mssante.fr']);
	});
});

describe('splitAddress', () => {
	test('splits at the last @', () => {
		expect(splitAddress('jean.dupont@medecin.mssante.fr')).toEqual({local: 'jean.dupont', domain: 'medecin.mssante.fr'});
	});
});
