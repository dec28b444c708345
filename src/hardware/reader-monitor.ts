import type {CpsKind} from './atr.js';

/** The card in a reader. */
type CardState = {
	reader: string;
	/** ATR as upper-case hex. */
	atr: string;
	/** CPS generation, undefined when the card is not a CPS. */
	cpsKind?: CpsKind;
};

/** Everything step 1's checklist and the header badge show, at one instant. */
export type ReaderSnapshot = {
	/** Whether the smart-card service (pcscd) answers. */
	service: 'up' | 'down';
	readers: string[];
	card: CardState | null;
	/** The CPS PKCS#11 module: where it is looked for, whether it loads, and if not why (without the path). */
	module: {path: string; loaded: boolean; problem?: string};
};

/** Live view of the smart-card stack; listeners are called on every change, never by polling the UI. */
export interface ReaderMonitor {
	current(): ReaderSnapshot;
	subscribe(listener: (snapshot: ReaderSnapshot) => void): () => void;
	/** Reads the card of this reader first (several readers); null: the one holding a CPS. */
	preferReader(name: string | null): void;
	close(): Promise<void>;
}

/** What the header badge says, derived from a snapshot. */
export type BadgeState = 'cps' | 'not-cps' | 'no-card' | 'no-reader' | 'service-down';

export function badgeState(snapshot: ReaderSnapshot): BadgeState {
	if (snapshot.service === 'down') return 'service-down';
	if (snapshot.readers.length === 0) return 'no-reader';
	if (!snapshot.card) return 'no-card';
	return snapshot.card.cpsKind ? 'cps' : 'not-cps';
}

/** True when step 1's four checks all pass and the PIN may be asked. */
export function readyForPin(snapshot: ReaderSnapshot): boolean {
	return badgeState(snapshot) === 'cps' && snapshot.module.loaded;
}
