// Why the card is gone, from two snapshots of the monitor. The real stack produces pulled-out and
// pcscd-stopped (test/hardware/card-causes.test.tsx); an unplugged reader it cannot — vpcd's readers
// stay while pcscd runs — so these snapshots are written by hand.
import {describe, expect, test} from 'vitest';
import {cardLoss, type ReaderSnapshot} from '../../src/hardware/reader-monitor.js';

const MODULE = {path: '/usr/lib/softhsm/libsofthsm2.so', loaded: true};
const CPS3 = {reader: 'Lecteur USB 00 00', atr: '3BAC00402A00122500648000031000900', cpsKind: 'CPS3' as const};
const read: ReaderSnapshot = {service: 'up', readers: ['Lecteur USB 00 00', 'Lecteur USB 01 00'], card: CPS3, module: MODULE};

describe('cardLoss (hand-written snapshots: an unplugged reader cannot be produced with vpcd)', () => {
	test('the reader that held the card unplugged: "reader-gone", not "card-removed"', () => {
		expect(cardLoss(read, {...read, readers: ['Lecteur USB 01 00'], card: null})).toBe('reader-gone');
	});

	test('pcscd stopped: "service-stopped"; the card pulled out: "card-removed"; still there: nothing', () => {
		expect(cardLoss(read, {...read, service: 'down', readers: [], card: null})).toBe('service-stopped');
		expect(cardLoss(read, {...read, card: null})).toBe('card-removed');
		expect(cardLoss(read, read)).toBeNull();
	});

	test('the demo card giving way to the real stack, inserted or not: "real-stack"', () => {
		const demo: ReaderSnapshot = {service: 'up', readers: ['Lecteur de démonstration 00 00'], card: null, module: MODULE, demo: true};
		expect(cardLoss(demo, {...read, card: null})).toBe('real-stack');
		expect(cardLoss({...demo, card: {...CPS3, reader: 'Lecteur de démonstration 00 00'}}, read)).toBe('real-stack');
	});
});
