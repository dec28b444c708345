// Searching the directory in memory: the rules (accents, filters, ranking, pagination, liste
// rouge, mobiles), and the index checked against a plain linear scan on a generated directory.
import {beforeAll, describe, expect, test} from 'vitest';
import {DirectoryIndexBuilder, type AccountEntry, type DirectoryIndex} from '../../src/server/directory/directory-index.js';
import {batched, importExtraction, type DirectoryRecord} from '../../src/server/directory/extraction.js';
import {generateExtraction} from '../../src/server/directory/generator.js';
import type {DirectoryQuery} from '../../src/contract/domain/directory.js';
import {prepareScan, scanDirectory} from '../helpers/directory-scan.js';
import {foldLatin} from '../../src/contract/text/text.js';

const blank: DirectoryRecord = {
	type: 'PER',
	address: '',
	civility: '',
	surname: '',
	givenName: '',
	professionCode: '10',
	profession: 'Médecin',
	specialty: '',
	organisation: '',
	service: '',
	street: '',
	postalCode: '',
	city: '',
	departement: '',
	nationalId: '',
};

/** A small directory whose every answer can be worked out by hand. */
const HAND_MADE: DirectoryRecord[] = [
	{...blank, address: 'helene.lefevre@medecin.mssante.fr', surname: 'LEFÈVRE', givenName: 'Hélène', postalCode: '14200', city: 'HEROUVILLE ST CLAIR', departement: '14'},
	{...blank, address: 'paul.lefebvre@medecin.mssante.fr', surname: 'LEFEBVRE', givenName: 'Paul', postalCode: '14000', city: 'CAEN', departement: '14'},
	{...blank, address: 'anne.le-gall@infirmier.mssante.fr', surname: 'LE GALL', givenName: 'Anne', professionCode: '60', profession: 'Infirmier', postalCode: '29200', city: 'BREST', departement: '29'},
	{...blank, address: 'marc.saint-martin@pro.mssante.fr', surname: 'SAINT-MARTIN', givenName: 'Marc', postalCode: '20000', city: 'AJACCIO', departement: '2A'},
	{
		...blank,
		address: 'lucie.martin@pharmacien.mssante.fr',
		nationalId: '810002222222',
		surname: 'MARTIN',
		givenName: 'Lucie',
		professionCode: '21',
		profession: 'Pharmacien',
		postalCode: '20200',
		city: 'BASTIA',
		departement: '2B',
	},
	{...blank, address: 'jean.martinez@medecin.mssante.fr', surname: 'MARTINEZ', givenName: 'Jean', postalCode: '14200', city: 'HEROUVILLE ST CLAIR', departement: '14'},
	{...blank, address: 'jdupont@medecin.mssante.fr', surname: "D'ALMEIDA", givenName: 'Zoé', postalCode: '97110', city: 'POINTE A PITRE', departement: '971'},
	{...blank, address: 'martine.abadie@medecin.mssante.fr', surname: 'ABADIE', givenName: 'Martine', postalCode: '64000', city: 'PAU', departement: '64'},
	{
		...blank,
		type: 'ORG',
		address: 'secretariat.cardiologie@ch-caen.mssante.fr',
		surname: '',
		givenName: '',
		professionCode: '',
		profession: '',
		organisation: 'CENTRE HOSPITALIER DE CAEN',
		service: 'Cardiologie',
		postalCode: '14000',
		city: 'CAEN',
		departement: '14',
	},
];

function build(records: DirectoryRecord[]): DirectoryIndex {
	const builder = new DirectoryIndexBuilder();
	for (const record of records) builder.add(record);
	return builder.build();
}

const anonymous = {signedIn: false};
const addresses = (index: DirectoryIndex, query: DirectoryQuery, viewer = anonymous) => index.search({limit: 100, ...query}, viewer).entries.map(entry => entry.address);

describe('Directory search rules', () => {
	const index = build(HAND_MADE);

	test('case and accents do not matter: Hérouville = herouville, LEFÈVRE = lefevre = Lefèvre', () => {
		expect(addresses(index, {city: 'Hérouville'})).toEqual(addresses(index, {city: 'herouville'}));
		expect(addresses(index, {city: 'HÉROU'})).toEqual(['helene.lefevre@medecin.mssante.fr', 'jean.martinez@medecin.mssante.fr']);
		for (const text of ['lefevre', 'Lefèvre', 'LEFÈVRE', 'LeFeVrE']) expect(addresses(index, {text})).toEqual(['helene.lefevre@medecin.mssante.fr']);
		expect(addresses(index, {text: 'helene'})).toEqual(addresses(index, {text: 'Hélène'}));
		// La Poste writes ST; people type saint.
		expect(addresses(index, {city: 'herouville saint'})).toHaveLength(2);
	});

	test('prefixes of surname, given name, run-together names and addresses', () => {
		expect(addresses(index, {text: 'lef'})).toEqual(['paul.lefebvre@medecin.mssante.fr', 'helene.lefevre@medecin.mssante.fr']);
		expect(addresses(index, {text: 'le g'})).toEqual(['anne.le-gall@infirmier.mssante.fr']);
		expect(addresses(index, {text: 'legal'})).toEqual(['anne.le-gall@infirmier.mssante.fr']);
		expect(addresses(index, {text: "d'alm"})).toEqual(['jdupont@medecin.mssante.fr']);
		// An address that does not follow the name is found by its own local part.
		expect(addresses(index, {text: 'jdup'})).toEqual(['jdupont@medecin.mssante.fr']);
		expect(addresses(index, {text: 'jean.martinez@med'})).toEqual(['jean.martinez@medecin.mssante.fr']);
		expect(addresses(index, {text: 'jean.martinez@pharm'})).toEqual([]);
		// A structure's mailbox by its name and service.
		expect(addresses(index, {text: 'cardio'})).toEqual(['secretariat.cardiologie@ch-caen.mssante.fr']);
		expect(addresses(index, {text: 'centre hosp caen'})).toEqual(['secretariat.cardiologie@ch-caen.mssante.fr']);
		expect(addresses(index, {text: 'zzz'})).toEqual([]);
		// From "@", the start of the domain: checked on every mailbox, never "all".
		expect(addresses(index, {text: '@ch-caen'})).toEqual(['secretariat.cardiologie@ch-caen.mssante.fr']);
		expect(addresses(index, {text: '@nowhere'})).toEqual([]);
	});

	test('each filter alone, and combined with each other and with words', () => {
		expect(addresses(index, {profession: '21'})).toEqual(['lucie.martin@pharmacien.mssante.fr']);
		expect(addresses(index, {profession: '99'})).toEqual([]);
		expect(addresses(index, {place: '14'})).toHaveLength(4);
		expect(addresses(index, {place: '14200'})).toEqual(['helene.lefevre@medecin.mssante.fr', 'jean.martinez@medecin.mssante.fr']);
		expect(addresses(index, {place: '2A'})).toEqual(['marc.saint-martin@pro.mssante.fr']);
		expect(addresses(index, {place: '2b'})).toEqual(['lucie.martin@pharmacien.mssante.fr']);
		expect(addresses(index, {place: '971'})).toEqual(['jdupont@medecin.mssante.fr']);
		expect(addresses(index, {city: 'caen'})).toEqual(['secretariat.cardiologie@ch-caen.mssante.fr', 'paul.lefebvre@medecin.mssante.fr']);
		expect(addresses(index, {city: 'caen', profession: '10'})).toEqual(['paul.lefebvre@medecin.mssante.fr']);
		expect(addresses(index, {text: 'mar', place: '14'})).toEqual(['jean.martinez@medecin.mssante.fr']);
		expect(addresses(index, {text: 'mar', place: '2', profession: '21'})).toEqual(['lucie.martin@pharmacien.mssante.fr']);
		expect(addresses(index, {text: 'mar', place: '14', city: 'caen'})).toEqual([]);
	});

	test('ranking: exact words first, then names starting with the query, then the rest; each in directory order', () => {
		// MARTIN and SAINT-MARTIN have the word "martin"; MARTINEZ starts with it; ABADIE Martine last.
		expect(addresses(index, {text: 'martin'})).toEqual([
			'lucie.martin@pharmacien.mssante.fr',
			'marc.saint-martin@pro.mssante.fr',
			'jean.martinez@medecin.mssante.fr',
			'martine.abadie@medecin.mssante.fr',
		]);
		// One letter is never "exact": names starting with M come first, then ABADIE Martine.
		expect(addresses(index, {text: 'm'})).toEqual(['lucie.martin@pharmacien.mssante.fr', 'jean.martinez@medecin.mssante.fr', 'martine.abadie@medecin.mssante.fr', 'marc.saint-martin@pro.mssante.fr']);
		expect(addresses(index, {text: 'mart'})).toEqual([
			'lucie.martin@pharmacien.mssante.fr',
			'jean.martinez@medecin.mssante.fr',
			'martine.abadie@medecin.mssante.fr',
			'marc.saint-martin@pro.mssante.fr',
		]);
		// The same query twice gives the same order.
		expect(addresses(index, {text: 'e'})).toEqual(addresses(index, {text: 'e'}));
	});

	test('ranking: the name typed whole comes first — "martin" finds MARTIN before ADAM-MARTIN, in the file and among the accounts activated here', () => {
		const person = (surname: string, givenName: string) => ({...blank, address: `${foldLatin(`${givenName}.${surname}`).replace(/[^a-z.-]/g, '')}@medecin.mssante.fr`, surname, givenName});
		const index = build([person('ADAM-MARTIN', 'Paul'), person('MARTIN', 'Zoé'), person('DE LA MARTINIERE', 'Anne'), person('ABADIE', 'Martin')]);
		expect(addresses(index, {text: 'martin'})).toEqual([
			'zoe.martin@medecin.mssante.fr',
			'martin.abadie@medecin.mssante.fr',
			'paul.adam-martin@medecin.mssante.fr',
			'anne.delamartiniere@medecin.mssante.fr',
		]);
		// Typed whole with the given name, or run together, the same.
		expect(addresses(index, {text: 'zoe martin'})).toEqual(['zoe.martin@medecin.mssante.fr']);
		expect(addresses(index, {text: 'adam martin'})[0]).toBe('paul.adam-martin@medecin.mssante.fr');
		expect(addresses(index, {text: 'adammartin'})).toEqual(['paul.adam-martin@medecin.mssante.fr']);
		// An account activated here takes the same place as a mailbox of the file would.
		index.upsertAccount({...person('MARTIN', 'Claire'), listeRouge: false});
		index.upsertAccount({...person('ADAM-MARTIN', 'Bruno'), listeRouge: false});
		expect(addresses(index, {text: 'martin'}).slice(0, 4)).toEqual([
			'claire.martin@medecin.mssante.fr',
			'zoe.martin@medecin.mssante.fr',
			'martin.abadie@medecin.mssante.fr',
			'bruno.adam-martin@medecin.mssante.fr',
		]);
	});

	test('pagination: pages follow each other without gaps or repeats; the total stays the same', () => {
		const all = addresses(index, {});
		expect(all).toHaveLength(HAND_MADE.length);
		const pages = [0, 3, 6, 9].map(offset => index.search({offset, limit: 3}, anonymous));
		expect(pages.map(page => page.total)).toEqual([9, 9, 9, 9]);
		expect(pages.flatMap(page => page.entries.map(entry => entry.address))).toEqual(all);
		expect(index.search({offset: 100, limit: 3}, anonymous).entries).toEqual([]);
	});
});

describe('Accounts activated here', () => {
	const account = (overrides: Partial<AccountEntry>): AccountEntry => ({
		...blank,
		address: 'claire.martin@medecin.mssante.fr',
		surname: 'MARTIN',
		givenName: 'Claire',
		listeRouge: false,
		...overrides,
	});

	test('a just-activated account is found at once, in its place in the order', () => {
		const index = build(HAND_MADE);
		expect(addresses(index, {text: 'claire'})).toEqual([]);
		index.upsertAccount(account({}));
		expect(addresses(index, {text: 'claire'})).toEqual(['claire.martin@medecin.mssante.fr']);
		// MARTIN Claire sorts before MARTIN Lucie, among the exact matches.
		expect(addresses(index, {text: 'martin'}).slice(0, 2)).toEqual(['claire.martin@medecin.mssante.fr', 'lucie.martin@pharmacien.mssante.fr']);
		expect(index.search({text: 'martin'}, anonymous).total).toBe(5);
		expect(index.entries).toBe(HAND_MADE.length + 1);
	});

	test('liste rouge is never returned, and hides the national mailbox of the same address and holder', () => {
		const index = build(HAND_MADE);
		index.upsertAccount(account({address: 'lucie.martin@pharmacien.mssante.fr', nationalId: '810002222222', givenName: 'Lucie', listeRouge: true}));
		for (const query of [{text: 'lucie'}, {text: 'martin'}, {profession: '21'}, {place: '2B'}, {}, {text: 'lucie.martin@'}]) {
			expect(addresses(index, query, {signedIn: true})).not.toContain('lucie.martin@pharmacien.mssante.fr');
		}
		expect(index.entries).toBe(HAND_MADE.length - 1);
		// Leaving liste rouge makes it visible again (once).
		index.upsertAccount(account({address: 'lucie.martin@pharmacien.mssante.fr', nationalId: '810002222222', givenName: 'Lucie', listeRouge: false}));
		expect(addresses(index, {text: 'lucie'})).toEqual(['lucie.martin@pharmacien.mssante.fr']);
	});

	test('an account hides only its own holder’s national mailbox: a homonym’s liste rouge at that address hides no one (issue 12 item 9)', () => {
		const index = build(HAND_MADE);
		expect(index.owners(['lucie.martin@pharmacien.mssante.fr', 'LUCIE.MARTIN@pharmacien.mssante.fr', 'secretariat.cardiologie@ch-caen.mssante.fr', 'nobody@medecin.mssante.fr'])).toEqual([
			'810002222222',
			'810002222222',
			'',
			null,
		]);
		// Same names, another national identifier (an account activated before the file was checked).
		index.upsertAccount(account({address: 'lucie.martin@pharmacien.mssante.fr', nationalId: '810009999999', givenName: 'Lucie', listeRouge: true}));
		expect(addresses(index, {text: 'lucie'})).toEqual(['lucie.martin@pharmacien.mssante.fr']);
		expect(index.entries).toBe(HAND_MADE.length);
		// A structure's mailbox has no holder: no account hides it.
		index.upsertAccount(account({address: 'secretariat.cardiologie@ch-caen.mssante.fr', listeRouge: true}));
		expect(addresses(index, {text: 'cardiologie'})).toEqual(['secretariat.cardiologie@ch-caen.mssante.fr']);
		// Nothing of whose it is leaks into what is shown.
		expect(Object.keys(index.search({text: 'lucie'}, {signedIn: true}).entries[0] ?? {})).not.toContain('nationalId');
	});

	test('national identifiers are kept as the file writes them: leading zeros, letters (ADELI of Corsica), long ones', () => {
		const ids = ['010012345', '02B0012345', '8100012345678901234', '810001234567'];
		const index = build(ids.map((nationalId, at) => ({...blank, address: `p${at}@medecin.mssante.fr`, surname: `P${at}`, nationalId})));
		expect(index.owners(ids.map((_id, at) => `p${at}@medecin.mssante.fr`))).toEqual(ids);
	});

	test("an account hides the file's mailbox of its address, whatever words the address shares with others", () => {
		// JEAN FRANÇOIS's address adds no word of its own; "jeanfrancois" is another mailbox's word.
		const index = build([
			{...blank, address: 'jean.francois@medecin.mssante.fr', surname: 'FRANÇOIS', givenName: 'Jean', nationalId: '810001111111'},
			{...blank, address: 'jean-francois.martin@medecin.mssante.fr', surname: 'MARTIN', givenName: 'Jean-François'},
			{...blank, address: 'jeanmartin@medecin.mssante.fr', surname: 'MARTIN', givenName: 'Jean', nationalId: '0123456789'},
			{...blank, address: 'x@medecin.mssante.fr', surname: '-', givenName: 'Anonyme'},
		]);
		index.upsertAccount(account({address: 'jean.francois@medecin.mssante.fr', nationalId: '810001111111', surname: 'FRANÇOIS', givenName: 'Jean', listeRouge: true}));
		index.upsertAccount(account({address: 'jeanmartin@medecin.mssante.fr', nationalId: '0123456789', surname: 'MARTIN', givenName: 'Jean', listeRouge: true}));
		expect(addresses(index, {text: 'jean'})).toEqual(['jean-francois.martin@medecin.mssante.fr']);
		expect(index.entries).toBe(2);
		// A name without letters does not rank with names starting with the query.
		expect(addresses(index, {text: 'an'})).toEqual(['x@medecin.mssante.fr']);
	});

	test('a mobile appears only when published, and only to a signed-in user', () => {
		const index = build(HAND_MADE);
		index.upsertAccount(account({publishedMobile: '+33612345678'}));
		index.upsertAccount(account({address: 'remi.martin@medecin.mssante.fr', givenName: 'Rémi'}));
		const mobiles = (signedIn: boolean) => index.search({text: 'martin'}, {signedIn}).entries.map(entry => [entry.address, entry.mobile]);
		expect(mobiles(false).every(([, mobile]) => mobile === undefined)).toBe(true);
		expect(mobiles(true)).toContainEqual(['claire.martin@medecin.mssante.fr', '+33612345678']);
		expect(mobiles(true)).toContainEqual(['remi.martin@medecin.mssante.fr', undefined]);
		// Nothing of the account's choices leaks into what is shown.
		expect(Object.keys(index.search({text: 'claire'}, {signedIn: true}).entries[0] ?? {})).not.toContain('listeRouge');
	});
});

describe('Index against a plain linear scan (20,000 generated mailboxes)', () => {
	let records: DirectoryRecord[];
	let index: DirectoryIndex;
	let scanned: ReturnType<typeof prepareScan>;
	beforeAll(async () => {
		records = [];
		await importExtraction(batched(generateExtraction({rows: 20_000, seed: 3}), 20_001), record => records.push({...record}));
		index = build(records);
		scanned = prepareScan(records);
	});

	test('600 realistic queries give the same results, in the same order, with the same totals', () => {
		let seed = 42;
		const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
		const prefix = (text: string, length: number) => text.slice(0, length);
		let checked = 0;
		for (let round = 0; round < 600; round++) {
			const record = records[Math.floor(random() * records.length)] as DirectoryRecord;
			const name = record.surname || record.organisation;
			const query: DirectoryQuery = {};
			const shape = round % 6;
			if (shape === 0) query.text = prefix(name, 1 + Math.floor(random() * 4));
			if (shape === 1) query.text = `${prefix(record.givenName, 2)} ${prefix(name, 3)}`;
			if (shape === 2) query.text = prefix(record.address, record.address.indexOf('@') + 3);
			if (shape === 3) query.text = prefix(name.toLowerCase(), 2);
			if (shape === 5 && round % 12 === 5) query.text = record.address.slice(record.address.indexOf('@'), record.address.indexOf('@') + 2 + Math.floor(random() * 6));
			if (random() < 0.4) query.place = prefix(record.postalCode, random() < 0.5 ? 2 : 5);
			if (random() < 0.3 && record.professionCode) query.profession = record.professionCode;
			if (shape === 4 || random() < 0.15) query.city = prefix(record.city, 4);
			const offset = random() < 0.2 ? 20 : 0;
			const expected = scanDirectory(scanned, query);
			const got = index.search({...query, offset, limit: 50}, anonymous);
			expect(got.total, JSON.stringify(query)).toBe(expected.length);
			expect(
				got.entries.map(entry => entry.address),
				JSON.stringify(query),
			).toEqual(expected.slice(offset, offset + 50).map(entry => entry.address));
			checked += expected.length > 0 ? 1 : 0;
		}
		// The queries are drawn from real entries: nearly all find something.
		expect(checked).toBeGreaterThan(550);
	});
});
