import {createWriteStream} from 'node:fs';
import {once} from 'node:events';
import {foldLatin} from '../../contract/text/text.js';
import {COMMUNES, GIVEN_NAMES, PERSONAL_DOMAINS, PROFESSIONS, SERVICES, STREETS, STRUCTURE_KINDS, SURNAMES, SURNAME_SYLLABLES, type Weighted} from './generator-data.js';
import {EXTRACTION_COLUMNS} from './extraction-columns.js';

export {NATIONAL_SIZE} from '../../contract/domain/directory.js';

/** Options of the generated directory. */
export type GeneratorOptions = {
	/** Data lines (mailboxes) to write; the national directory holds about 540,000. */
	rows: number;
	/** Same seed, same file, byte for byte. */
	seed?: number;
};

// Position of each column in a line.
const AT = Object.fromEntries(EXTRACTION_COLUMNS.map((column, index) => [column, index])) as Record<(typeof EXTRACTION_COLUMNS)[number], number>;

/** mulberry32: small, fast, and the same sequence on every machine. */
function random(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Picks proportionally to weight, by binary search over the running totals. */
function picker<T>(items: ReadonlyArray<Weighted<T>>): (draw: number) => T {
	const totals: number[] = [];
	let sum = 0;
	for (const item of items) totals.push((sum += item.weight));
	return draw => {
		const target = draw * sum;
		let lo = 0;
		let hi = totals.length - 1;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if ((totals[mid] as number) <= target) lo = mid + 1;
			else hi = mid;
		}
		return (items[lo] as Weighted<T>).value;
	};
}

/** "Marie-Hélène" → "marie-helene", "D'ALMEIDA" → "d-almeida", "DE LA FONTAINE" → "de-la-fontaine". */
function slug(text: string): string {
	return foldLatin(text)
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-|-$/g, '');
}

/**
 * Lines of a realistic national directory in the "Extraction Correspondance MSSanté" format:
 * accented, hyphenated and particle names, a long tail of rare names, the professions and
 * mailbox types in their national proportions, real communes with their postal codes, unique
 * addresses. Deterministic: the same options give the same lines.
 */
export function* generateExtraction(options: GeneratorOptions): Generator<string> {
	const draw = random(options.seed ?? 20_261_126);
	const pick = <T>(from: (value: number) => T) => from(draw());
	const surname = picker(SURNAMES);
	const givenName = picker(GIVEN_NAMES);
	const commune = picker(COMMUNES);
	const profession = picker(PROFESSIONS);
	const structureKind = picker(STRUCTURE_KINDS);
	const specialtyOf = new Map(PROFESSIONS.filter(item => item.value.specialties.length > 0).map(item => [item.value.code, picker(item.value.specialties)]));
	// Where practitioners work: pharmacists in pharmacies (or hospitals), the others anywhere else.
	const workplaceOf = new Map(
		['21', '*'].map(code => [
			code,
			picker(STRUCTURE_KINDS.filter(item => (code === '21' ? ['pharmacy', 'hospital'] : ['hospital', 'clinic', 'ehpad', 'health-centre', 'practice']).includes(item.value.kind))),
		]),
	);
	const service = picker(SERVICES);
	const domains = new Map<string, (value: number) => string>();
	for (const code of new Set(['*', ...PROFESSIONS.map(item => item.value.code)])) {
		const own = PERSONAL_DOMAINS.filter(item => item.value.profession === code || item.value.profession === '*');
		domains.set(code, picker(own.map(item => ({value: item.value.domain, weight: item.weight}))));
	}
	const one = <T>(list: readonly T[]) => list[Math.floor(draw() * list.length)] as T;
	// Next free suffix of each address given out: "secretariat@…" is common in a domain.
	const given = new Map<string, number>();
	const unique = (local: string, domain: string) => {
		const address = `${local}@${domain}`;
		const suffix = given.get(address);
		given.set(address, (suffix ?? 1) + 1);
		return suffix === undefined ? address : `${local}${suffix}@${domain}`;
	};
	const rareSurname = () => {
		const {onsets, middles, endings} = SURNAME_SYLLABLES;
		return (one(onsets) + (draw() < 0.6 ? one(middles) : '') + one(endings)).toUpperCase();
	};
	const anySurname = (): string => {
		const roll = draw();
		if (roll < 0.7) return pick(surname);
		if (roll < 0.92) return rareSurname();
		if (roll < 0.97) return `${pick(surname)}-${pick(surname)}`;
		return `${one(['LE ', 'DE ', 'DU ', 'DE LA ', "D'", 'LA ', 'DES '])}${draw() < 0.5 ? pick(surname) : rareSurname()}`;
	};
	const streetOf = (): [string, string, string, string] => [String(1 + Math.floor(draw() * 150)), draw() < 0.08 ? one(['BIS', 'TER']) : '', one(STREETS.types), one(STREETS.names)];

	yield EXTRACTION_COLUMNS.join('|');
	for (let row = 0; row < options.rows; row++) {
		const place = pick(commune);
		const [number, complement, streetType, streetName] = streetOf();
		const roll = draw();
		const type = roll < 0.84 ? 'PER' : roll < 0.98 ? 'ORG' : roll < 0.995 ? 'CAB' : 'APP';
		const fields: string[] = Array.from(EXTRACTION_COLUMNS, () => '');
		const citySlug = slug(place.acheminement);
		if (type === 'PER') {
			const job = pick(profession);
			const person = pick(givenName);
			const name = anySurname();
			const specialty = job.specialties.length > 0 ? (specialtyOf.get(job.code) as (value: number) => {code: string; label: string})(draw()) : null;
			const rpps = String(10_000_000_000 + Math.floor(draw() * 9_000_000_000));
			const adeli = job.code === '60' && draw() < 0.3;
			const atStructure = draw() < 0.35;
			const kind = atStructure ? pick(workplaceOf.get(job.code === '21' ? '21' : '*') as (value: number) => (typeof STRUCTURE_KINDS)[number]['value']) : null;
			const domain = kind ? `${kind.domainPrefix.replace('{city}', citySlug)}.mssante.fr` : (domains.get(job.code) ?? (domains.get('*') as (value: number) => string))(draw());
			const id = adeli ? String(100_000_000 + Math.floor(draw() * 899_999_999)) : rpps;
			fields[AT['Type Identifiant PP']] = adeli ? '0' : '8';
			fields[AT['Identifiant PP']] = id;
			fields[AT['Identification nationale PP']] = `${adeli ? '0' : '8'}${id}`;
			fields[AT["Civilité d'exercice"]] = job.civility === 'DR' && draw() < 0.03 ? 'PR' : job.civility;
			fields[AT["Nom d'exercice"]] = name;
			fields[AT["Prénom d'exercice"]] = person.name;
			fields[AT['Catégorie profession']] = job.category;
			fields[AT['Libellé de catégorie profession']] = 'Civil';
			fields[AT['Code Profession']] = job.code;
			fields[AT['Libellé Profession']] = job.label;
			fields[AT['Code savoir-faire']] = specialty?.code ?? '';
			fields[AT['Libellé savoir-faire']] = specialty?.label ?? '';
			fields[AT['Raison Sociale structure BAL']] = kind ? kind.name.replace('{CITY}', place.acheminement) : '';
			fields[AT['Adresse BAL']] = unique(`${slug(person.name)}.${slug(name)}`, domain);
		} else {
			const kind = type === 'APP' ? {name: 'LABORATOIRE DE BIOLOGIE MEDICALE', domainPrefix: 'labo-{city}'} : pick(structureKind);
			const unit = type === 'ORG' ? pick(service) : type === 'CAB' ? {service: 'Secrétariat', local: 'secretariat'} : {service: 'Résultats', local: one(['resultats', 'biologie', 'comptes-rendus'])};
			const organisation =
				type === 'CAB'
					? `CABINET ${one(['MEDICAL', 'DENTAIRE', 'DE KINESITHERAPIE', 'INFIRMIER', 'DE RADIOLOGIE'])} ${one(['DU PARC', 'DE LA GARE', 'DU CENTRE', 'DES TILLEULS', 'PASTEUR', 'SAINT-JEAN'])}`
					: kind.name.replace('{CITY}', place.acheminement);
			const domain = `${(type === 'CAB' ? `cabinet-{city}` : kind.domainPrefix).replace('{city}', citySlug)}.mssante.fr`;
			fields[AT['Type identifiant structure']] = '1';
			fields[AT['Identification Structure']] = String(100_000_000 + Math.floor(draw() * 899_999_999));
			fields[AT['Service de rattachement']] = unit.service;
			fields[AT['Raison Sociale structure BAL']] = organisation;
			fields[AT['Adresse BAL']] = unique(unit.local, domain);
		}
		fields[AT['Type de BAL']] = type;
		fields[AT['Dématérialisation']] = draw() < 0.4 ? 'true' : 'false';
		fields[AT['L4NUMEROVOIE']] = number;
		fields[AT['L4COMPLEMENTNUMEROVOIE']] = complement;
		fields[AT['NL4TYPEVOIE']] = streetType;
		fields[AT['L4LIBELLEVOIE']] = streetName;
		fields[AT['L6LIGNEACHEMINEMENT']] = `${place.postalCode} ${place.acheminement}${type === 'ORG' && draw() < 0.3 ? ' CEDEX' : ''}`;
		fields[AT['Code postal']] = place.postalCode;
		fields[AT['Département']] = place.departement;
		fields[AT['Pays']] = 'FRANCE';
		yield fields.join('|');
	}
}

/** Writes a generated extraction to `file` (UTF-8, `|`, one header line, LF). */
export async function writeExtraction(file: string, options: GeneratorOptions): Promise<void> {
	const out = createWriteStream(file, {encoding: 'utf8'});
	let batch: string[] = [];
	for (const text of generateExtraction(options)) {
		batch.push(text);
		if (batch.length === 2000) {
			if (!out.write(`${batch.join('\n')}\n`)) await once(out, 'drain');
			batch = [];
		}
	}
	out.end(batch.length > 0 ? `${batch.join('\n')}\n` : '');
	await once(out, 'finish');
}
