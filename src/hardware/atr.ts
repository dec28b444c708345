/** CPS generation recognised from an ATR. */
export type CpsKind = 'CPS3' | 'CPS3 sans contact' | 'CPS4';

/** ATRs of CPS cards, from the card's public driver source (SPEC §6). */
const CPS_ATRS: ReadonlyArray<[string, CpsKind]> = (
	[
		['3B AC 00 40 2A 00 12 25 00 64 80 00 03 10 00 90 00', 'CPS3'],
		['3B 8F 80 01 00 31 B8 64 04 B0 EC C1 73 94 01 80 82 90 00 0E', 'CPS3 sans contact'],
		['3B 9B 18 80 01 00 12 25 00 64 80 04 01 00 00 90 44', 'CPS4'],
		['3B 9B 18 80 01 00 12 25 00 64 80 00 04 01 00 90 44', 'CPS4'],
		['3B DC 18 FF 00 00 12 25 00 64 80 00 04 01 00 90 00', 'CPS4'],
	] as const
).map(([atr, kind]) => [normaliseAtr(atr), kind]);

/** Upper-case hex without separators: `3b ac 00` → `3BAC00`. */
export function normaliseAtr(atr: string): string {
	return atr.replace(/[^0-9a-f]/gi, '').toUpperCase();
}

/** `3BAC00…` → `3B AC 00 …`, the way ATRs are printed in documentation. */
export function formatAtr(atr: string): string {
	return normaliseAtr(atr).replace(/(..)(?!$)/g, '$1 ');
}

/** The CPS generation of this ATR, or undefined when the card is not a CPS. */
export function cpsKindOf(atr: string): CpsKind | undefined {
	const wanted = normaliseAtr(atr);
	return CPS_ATRS.find(([known]) => known === wanted)?.[1];
}
