import type {CpsKind} from './atr.js';

/** The card in a reader. */
type CardState = {
	reader: string;
	/** ATR as upper-case hex. */
	atr: string;
	/** CPS generation, undefined when the card is not a CPS. */
	cpsKind?: CpsKind;
};

/** Why the module is not loaded: still loading, its file missing, or the loader's own words (without the path). */
export type ModuleProblem = {kind: 'loading'} | {kind: 'missing'} | {kind: 'error'; message: string};

/** Everything step 1's checklist and the header badge show, at one instant. */
export type ReaderSnapshot = {
	/** Whether the smart-card service (pcscd) answers. */
	service: 'up' | 'down';
	readers: string[];
	card: CardState | null;
	/** The CPS PKCS#11 module: where it is looked for, whether it loads, and if not why. */
	module: {path: string; loaded: boolean; problem?: ModuleProblem};
	/** Set on the demo card's snapshots: its reader and card are simulated. */
	demo?: true;
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
export type BadgeState = 'cps' | 'not-cps' | 'no-card' | 'no-reader' | 'service-down' | 'module-missing';

/** The header badge: green ('cps') only when the CPS can really be read, its module loaded too. */
export function badgeState(snapshot: ReaderSnapshot): BadgeState {
	if (snapshot.service === 'down') return 'service-down';
	if (snapshot.readers.length === 0) return 'no-reader';
	if (!snapshot.card) return 'no-card';
	if (!snapshot.card.cpsKind) return 'not-cps';
	return snapshot.module.loaded ? 'cps' : 'module-missing';
}

/** Why a card that was read is gone: what the session's end is announced with. */
export type CardLoss = 'card-removed' | 'service-stopped' | 'reader-gone' | 'real-stack';

/**
 * Why the card of `before` is not in `after`; null when it still is, or when there was none. The
 * demo card giving way to the real stack counts, inserted or not: what it read no longer holds.
 */
export function cardLoss(before: ReaderSnapshot, after: ReaderSnapshot): CardLoss | null {
	if (before.demo && !after.demo) return 'real-stack';
	if (!before.card || after.card) return null;
	if (after.service === 'down') return 'service-stopped';
	if (!after.readers.includes(before.card.reader)) return 'reader-gone';
	return 'card-removed';
}

/** True when step 1's four checks all pass and the PIN may be asked. */
export function readyForPin(snapshot: ReaderSnapshot): boolean {
	return badgeState(snapshot) === 'cps';
}
