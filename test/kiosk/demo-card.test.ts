// The demo card: PIN tries, reader events, signatures, and the ATRs recognised as CPS.
import {describe, expect, test} from 'vitest';
import {cpsKindOf, formatAtr, normaliseAtr} from '../../src/hardware/atr.js';
import {DEMO_IDENTITY, DEMO_PIN, DemoCard} from '../../src/hardware/demo-card.js';
import {badgeState, readyForPin, type ReaderSnapshot} from '../../src/hardware/reader-monitor.js';

describe('DemoCard PIN', () => {
	test('PIN 1234 logs in and gives the demo identity', async () => {
		const card = new DemoCard();
		expect(DEMO_PIN).toBe('1234');
		expect(await card.pinStatus()).toEqual({state: 'ok'});
		expect(await card.login('1234')).toEqual({kind: 'ok', identity: DEMO_IDENTITY});
		expect(DEMO_IDENTITY).toMatchObject({givenName: 'Marie-Hélène', surname: 'LEFÈVRE-DURAND', professionCode: '10', idType: 'RPPS'});
	});

	test('a custom identity is returned', async () => {
		const identity = {...DEMO_IDENTITY, givenName: 'Jean', surname: 'DUPONT', nationalId: '10001234567'};
		const card = new DemoCard({identity});
		expect(await card.login(DEMO_PIN)).toEqual({kind: 'ok', identity});
	});

	test('wrong PINs count down, pinStatus follows: count-low, final-try, locked', async () => {
		const card = new DemoCard();
		expect(await card.login('0000')).toEqual({kind: 'incorrect', triesLeft: 2});
		expect(await card.pinStatus()).toEqual({state: 'count-low', triesLeft: 2});
		expect(await card.login('1111')).toEqual({kind: 'incorrect', triesLeft: 1});
		expect(await card.pinStatus()).toEqual({state: 'final-try'});
		expect(await card.login('4321')).toEqual({kind: 'locked'});
		expect(await card.pinStatus()).toEqual({state: 'locked'});
	});

	test('once locked, even the right PIN is refused', async () => {
		const card = new DemoCard();
		for (const pin of ['0000', '0001', '0002']) await card.login(pin);
		expect(await card.login(DEMO_PIN)).toEqual({kind: 'locked'});
		expect(await card.pinStatus()).toEqual({state: 'locked'});
		await expect(card.sign(new Uint8Array([1, 2, 3]))).rejects.toThrow();
	});

	test('the right PIN before the lock restores the tries', async () => {
		const card = new DemoCard();
		await card.login('0000');
		await card.login('0001');
		expect((await card.login(DEMO_PIN)).kind).toBe('ok');
		expect(await card.pinStatus()).toEqual({state: 'ok'});
		expect(await card.login('0000')).toEqual({kind: 'incorrect', triesLeft: 2});
	});

	test('latency delays the answer but not the result', async () => {
		const card = new DemoCard({latencyMs: 30});
		const start = Date.now();
		expect((await card.login(DEMO_PIN)).kind).toBe('ok');
		expect(Date.now() - start).toBeGreaterThanOrEqual(25);
	});
});

describe('DemoCard reader', () => {
	test('starts with the card in a reader, a CPS3 ATR, module loaded', () => {
		const card = new DemoCard();
		const snapshot = card.current();
		expect(snapshot.service).toBe('up');
		expect(snapshot.readers).toHaveLength(1);
		expect(snapshot.card).toMatchObject({reader: snapshot.readers[0], atr: '3BAC00402A001225006480000310009000', cpsKind: 'CPS3'});
		expect(snapshot.module.loaded).toBe(true);
		expect(badgeState(snapshot)).toBe('cps');
		expect(readyForPin(snapshot)).toBe(true);
	});

	test('inserted: false starts without a card', () => {
		const card = new DemoCard({inserted: false});
		expect(card.current().card).toBeNull();
		expect(badgeState(card.current())).toBe('no-card');
	});

	test('toggleCard notifies subscribers; login after removal → card-removed', async () => {
		const card = new DemoCard();
		const seen: ReaderSnapshot[] = [];
		const unsubscribe = card.subscribe(snapshot => seen.push(snapshot));

		card.toggleCard();
		expect(seen).toHaveLength(1);
		expect(seen[0]?.card).toBeNull();
		expect(card.current().card).toBeNull();
		expect(await card.login(DEMO_PIN)).toEqual({kind: 'card-removed'});
		// A removed card does not lose a try.
		expect(await card.pinStatus()).toEqual({state: 'ok'});

		card.toggleCard();
		expect(seen).toHaveLength(2);
		expect(seen[1]?.card?.cpsKind).toBe('CPS3');
		expect((await card.login(DEMO_PIN)).kind).toBe('ok');

		unsubscribe();
		card.toggleCard();
		expect(seen).toHaveLength(2);
	});

	test('close() drops every subscriber', async () => {
		const card = new DemoCard();
		let calls = 0;
		card.subscribe(() => calls++);
		await card.close();
		card.toggleCard();
		expect(calls).toBe(0);
	});
});

describe('DemoCard sign', () => {
	test('rejects before login, returns a signature after', async () => {
		const card = new DemoCard();
		const challenge = new Uint8Array(32).fill(7);
		await expect(card.sign(challenge)).rejects.toThrow();
		await card.login(DEMO_PIN);
		const signature = await card.sign(challenge);
		// RSASSA-PKCS1-v1_5 / SHA-256 with the demo certificate's key: verifiable with that certificate.
		const {X509Certificate, verify} = await import('node:crypto');
		const certificate = new X509Certificate(Buffer.from(await card.certificate()));
		expect(certificate.subject).toContain('810003816529');
		expect(verify('sha256', challenge, certificate.publicKey, signature)).toBe(true);
		expect(verify('sha256', new Uint8Array(32).fill(8), certificate.publicKey, signature)).toBe(false);
	});

	test('removing the card or logging out ends the authenticated session', async () => {
		const card = new DemoCard();
		await card.login(DEMO_PIN);
		card.toggleCard();
		card.toggleCard();
		await expect(card.sign(new Uint8Array([1]))).rejects.toThrow();

		await card.login(DEMO_PIN);
		await card.logout();
		await expect(card.sign(new Uint8Array([1]))).rejects.toThrow();
	});

	test('a wrong PIN does not authenticate', async () => {
		const card = new DemoCard();
		await card.login('9999');
		await expect(card.sign(new Uint8Array([1]))).rejects.toThrow();
	});
});

describe('ATR recognition (SPEC §6)', () => {
	test.each([
		['3B AC 00 40 2A 00 12 25 00 64 80 00 03 10 00 90 00', 'CPS3'],
		['3B 8F 80 01 00 31 B8 64 04 B0 EC C1 73 94 01 80 82 90 00 0E', 'CPS3 sans contact'],
		['3B 9B 18 80 01 00 12 25 00 64 80 04 01 00 00 90 44', 'CPS4'],
		['3B 9B 18 80 01 00 12 25 00 64 80 00 04 01 00 90 44', 'CPS4'],
		['3B DC 18 FF 00 00 12 25 00 64 80 00 04 01 00 90 00', 'CPS4'],
	])('%s → %s', (atr, kind) => {
		expect(cpsKindOf(atr)).toBe(kind);
		// Any writing: lower case, no separators, colons.
		expect(cpsKindOf(atr.toLowerCase())).toBe(kind);
		expect(cpsKindOf(atr.replace(/ /g, ''))).toBe(kind);
		expect(cpsKindOf(atr.replace(/ /g, ':'))).toBe(kind);
	});

	test('other cards are not recognised', () => {
		// A random ATR, a bank card's, and a CPS3 ATR with one byte changed or cut short.
		expect(cpsKindOf('3B 6E 00 00 80 31 80 66 B0 84 0C 01 6E 01 83 00 90 00')).toBeUndefined();
		expect(cpsKindOf('3B 02 14 50')).toBeUndefined();
		expect(cpsKindOf('3B AC 00 40 2A 00 12 25 00 64 80 00 03 10 00 90 01')).toBeUndefined();
		expect(cpsKindOf('3B AC 00 40 2A 00 12 25 00 64 80 00 03 10 00 90')).toBeUndefined();
		expect(cpsKindOf('')).toBeUndefined();
	});

	test('normaliseAtr and formatAtr', () => {
		expect(normaliseAtr('3b ac:00')).toBe('3BAC00');
		expect(formatAtr('3bac00402a')).toBe('3B AC 00 40 2A');
	});
});
