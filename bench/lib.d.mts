// Types of the bench helpers (lib.mjs) that TypeScript benches use.
/** The repository's root folder. */
export const root: string;
/** A line to stderr (progress, never figures). */
export function log(message: string): void;
/** The p-th percentile (0–100) of `values`. */
export function percentile(values: number[], p: number): number;
/** Rows as aligned text lines, the first a header underlined. */
export function tableLines(rows: string[][]): string[];
/** A fresh temporary folder whose name starts with `prefix`. */
export function makeTempDir(prefix: string): string;
/** Removes a folder and everything in it. */
export function removeDir(dir: string): void;
