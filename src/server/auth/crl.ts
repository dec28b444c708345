// A certificate revocation list (RFC 5280 §5) read for what revocation needs: who issued it, when,
// which serial numbers it lists, its extensions, and its signature, verified with node:crypto.
// Why not @peculiar/x509's X509Crl: its ASN.1 parser builds an object per node — 3 s for a list of
// 10,000 revoked certificates, on the event loop — and IGC-Santé's lists hold far more. This reads
// the DER in one pass (well under a second for 150,000 entries); names and extensions, small, are
// still parsed by @peculiar/x509.
import {createPublicKey, verify} from 'node:crypto';
import {x509} from '../../contract/certificate/cps-certificate.js';
import type {Certificate} from './certificate-path.js';

/** What a CRL says, and how to check its signature. */
export type RevocationList = {
	/** Issuer's distinguished name, as @peculiar/x509 writes names (compared with a certificate's `subject`). */
	issuer: string;
	thisUpdate: Date;
	nextUpdate?: Date;
	/** The list's own extensions (delta indicator, issuing distribution point…). */
	extensions: Array<{oid: string; critical: boolean}>;
	/** Whether the certificate of this serial number (hexadecimal) is listed. */
	lists(serialNumber: string): boolean;
	/** Whether `issuer`'s key signed the list. */
	signedBy(issuer: Certificate): boolean;
	/** Revoked certificates listed. */
	size: number;
};

/** One DER element: its tag, where it starts (its tag), where its content starts and ends. */
type Element = {tag: number; offset: number; start: number; end: number; next: number};

/** Reads the element at `offset` of `der` (definite lengths only, as DER has). */
function element(der: Uint8Array, offset: number, limit = der.length): Element {
	if (offset + 2 > limit) throw new Error('CRL tronquée');
	const tag = der[offset] as number;
	let length = der[offset + 1] as number;
	let start = offset + 2;
	if (length & 0x80) {
		const bytes = length & 0x7f;
		if (bytes === 0 || bytes > 4) throw new Error('CRL : longueur invalide');
		length = 0;
		for (let index = 0; index < bytes; index++) length = length * 256 + (der[start + index] as number);
		start += bytes;
	}
	const end = start + length;
	if (end > limit) throw new Error('CRL tronquée');
	return {tag, offset, start, end, next: end};
}

/** The elements inside a constructed element. */
function children(der: Uint8Array, parent: Element): Element[] {
	const result: Element[] = [];
	for (let offset = parent.start; offset < parent.end; ) {
		const child = element(der, offset, parent.end);
		result.push(child);
		offset = child.next;
	}
	return result;
}

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const UTC_TIME = 0x17;
const GENERALIZED_TIME = 0x18;
const EXTENSIONS = 0xa0;

function expect(found: Element | undefined, tag: number): Element {
	if (!found || found.tag !== tag) throw new Error('CRL : structure inattendue');
	return found;
}

const HEX = Array.from({length: 256}, (_, byte) => byte.toString(16).padStart(2, '0'));

/** An INTEGER's content as lowercase hexadecimal without leading zeros (how serial numbers are compared). */
function serialHex(der: Uint8Array, start: number, end: number): string {
	let index = start;
	while (index < end - 1 && der[index] === 0) index++;
	let hex = ((der[index] ?? 0) as number).toString(16);
	for (index++; index < end; index++) hex += HEX[der[index] as number];
	return hex;
}

/** Where the content of the element whose tag is at `offset` starts. */
function contentStart(der: Uint8Array, offset: number): number {
	const first = der[offset + 1] as number;
	return offset + 2 + (first & 0x80 ? first & 0x7f : 0);
}

/** The content length of the element whose tag is at `offset`. */
function contentLength(der: Uint8Array, offset: number): number {
	const first = der[offset + 1];
	if (first === undefined) throw new Error('CRL tronquée');
	if (!(first & 0x80)) return first;
	const bytes = first & 0x7f;
	if (bytes === 0 || bytes > 4) throw new Error('CRL : longueur invalide');
	let length = 0;
	for (let index = 0; index < bytes; index++) length = length * 256 + (der[offset + 2 + index] as number);
	return length;
}

/** A serial number as compared: lowercase hexadecimal, no leading zeros. */
const normaliseSerial = (hex: string) => hex.toLowerCase().replace(/^0+(?=.)/, '');

function time(der: Uint8Array, value: Element): Date {
	const text = Buffer.from(der.subarray(value.start, value.end)).toString('latin1');
	const match = (value.tag === UTC_TIME ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/ : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/).exec(text);
	if (!match) throw new Error('CRL : date invalide');
	const [year, month, day, hours, minutes, seconds] = match.slice(1).map(Number) as [number, number, number, number, number, number];
	return new Date(Date.UTC(value.tag === UTC_TIME ? (year < 50 ? 2000 + year : 1900 + year) : year, month - 1, day, hours, minutes, seconds));
}

/** An OBJECT IDENTIFIER's content, dotted. */
function oid(der: Uint8Array, value: Element): string {
	const parts: number[] = [];
	let current = 0;
	for (let index = value.start; index < value.end; index++) {
		const byte = der[index] as number;
		current = current * 128 + (byte & 0x7f);
		if (!(byte & 0x80)) {
			if (parts.length === 0) parts.push(current < 80 ? Math.floor(current / 40) : 2, current < 80 ? current % 40 : current - 80);
			else parts.push(current);
			current = 0;
		}
	}
	return parts.join('.');
}

/** Signature algorithms of CRLs and the hash node:crypto verifies them with (PKCS#1 v1.5 or ECDSA, told by the key). */
const SIGNATURE_HASHES: Record<string, string> = {
	'1.2.840.113549.1.1.5': 'sha1',
	'1.2.840.113549.1.1.11': 'sha256',
	'1.2.840.113549.1.1.12': 'sha384',
	'1.2.840.113549.1.1.13': 'sha512',
	'1.2.840.10045.4.3.2': 'sha256',
	'1.2.840.10045.4.3.3': 'sha384',
	'1.2.840.10045.4.3.4': 'sha512',
};

/** Reads a DER CRL; throws on anything that is not one. */
export function readCrl(der: Uint8Array): RevocationList {
	const list = expect(element(der, 0), SEQUENCE);
	const [tbs, algorithm, signatureValue] = children(der, list);
	const tbsList = expect(tbs, SEQUENCE);
	const fields = children(der, tbsList);
	let index = fields[0]?.tag === INTEGER ? 1 : 0; // version
	index += 1; // signature algorithm, repeated in the outer sequence
	const issuerName = expect(fields[index++], SEQUENCE);
	const thisUpdateField = fields[index++];
	if (!thisUpdateField || (thisUpdateField.tag !== UTC_TIME && thisUpdateField.tag !== GENERALIZED_TIME)) throw new Error('CRL : thisUpdate absent');
	let nextUpdate: Date | undefined;
	const maybeNext = fields[index];
	if (maybeNext && (maybeNext.tag === UTC_TIME || maybeNext.tag === GENERALIZED_TIME)) {
		nextUpdate = time(der, maybeNext);
		index++;
	}
	const revoked = new Set<string>();
	if (fields[index]?.tag === SEQUENCE) {
		const entries = fields[index++] as Element;
		// The hot loop (one turn per revoked certificate): headers read in place, no object per entry.
		for (let offset = entries.start; offset < entries.end; ) {
			if (der[offset] !== SEQUENCE) throw new Error('CRL : structure inattendue');
			const entryEnd = contentStart(der, offset) + contentLength(der, offset);
			const serialAt = contentStart(der, offset);
			if (der[serialAt] !== INTEGER || entryEnd > entries.end) throw new Error('CRL : structure inattendue');
			const start = contentStart(der, serialAt);
			const end = start + contentLength(der, serialAt);
			if (end > entryEnd || end <= start) throw new Error('CRL : structure inattendue');
			revoked.add(serialHex(der, start, end));
			offset = entryEnd;
		}
	}
	const extensions: RevocationList['extensions'] = [];
	if (fields[index]?.tag === EXTENSIONS) {
		const wrapper = fields[index] as Element;
		for (const extension of children(der, expect(element(der, wrapper.start, wrapper.end), SEQUENCE))) {
			const [id, second] = children(der, extension);
			extensions.push({oid: oid(der, expect(id, 0x06)), critical: second?.tag === 0x01 && der[second.start] !== 0});
		}
	}
	const algorithmId = oid(der, expect(children(der, expect(algorithm, SEQUENCE))[0], 0x06));
	const bits = expect(signatureValue, 0x03);
	// A BIT STRING starts with its count of unused bits: 0 for a signature.
	const signature = der.subarray(bits.start + 1, bits.end);
	const tbsBytes = der.subarray(tbsList.offset, tbsList.end);
	return {
		issuer: new x509.Name(der.slice(issuerName.offset, issuerName.end)).toString(),
		thisUpdate: time(der, thisUpdateField),
		nextUpdate,
		extensions,
		size: revoked.size,
		lists: serialNumber => revoked.has(normaliseSerial(serialNumber)),
		signedBy(issuer) {
			const hash = SIGNATURE_HASHES[algorithmId];
			if (!hash) return false;
			const key = createPublicKey({key: Buffer.from(issuer.publicKey.rawData), format: 'der', type: 'spki'});
			return verify(hash, tbsBytes, key, signature);
		},
	};
}
