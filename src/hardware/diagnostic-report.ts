/**
 * What the diagnostics of the smart-card stack find (SPEC §6): the shape of their report, shared by
 * the checks, the verdict, step 1's help screens and `doctor` (whose `--json` prints it as is).
 */
import type {CpsKind} from './atr.js';

/** pcscd's socket: its presence tells a daemon that runs from one that does not. */
export const PCSCD_SOCKET = '/run/pcscd/pcscd.comm';

export type PcscdCheck = {
	/** pcscd answers: its process and socket are there, or a client could talk to it (socket activation). */
	running: boolean;
	pid?: number;
	/** Whether the daemon's socket exists. */
	socket: boolean;
	detail: string;
};

export type ReadersCheck = {
	/** Whether pcscd could be asked for its readers. */
	ok: boolean;
	names: string[];
	error?: string;
};

export type ModuleCheck = {
	path: string;
	present: boolean;
	loadable: boolean;
	/** `libraryDescription` from C_GetInfo. */
	description?: string;
	manufacturer?: string;
	/** Cryptoki version implemented, e.g. `2.40`. */
	cryptokiVersion?: string;
	/** Slots holding an initialised token (an empty slot's blank token, as SoftHSM's, is not counted). */
	slotsWithToken?: number;
	error?: string;
};

export type CardFinding = {
	reader: string;
	/** ATR as printed in documentation: `3B AC 00 …`. */
	atr: string;
	isCps: boolean;
	cpsKind?: CpsKind;
};

type IssueCode = 'pcscd-down' | 'pcscd-no-socket' | 'pcscd-not-answering' | 'pcsclite-unavailable' | 'no-reader' | 'module-missing' | 'module-not-loadable' | 'no-card' | 'not-cps';

/** One problem, machine-readable; `blocking` problems make `canReadCps` false. */
export type DiagnosticIssue = {
	code: IssueCode;
	blocking: boolean;
	pid?: number;
	path?: string;
	error?: string;
	reader?: string;
	atr?: string;
};

export type DiagnosticReport = {
	/** ISO date of the run. */
	checkedAt: string;
	durationMs: number;
	pcscd: PcscdCheck;
	readers: ReadersCheck;
	module: ModuleCheck;
	/** Cards found in the readers. */
	cards: CardFinding[];
	verdict: {
		/** pcscd running, at least one reader, module loadable (a card need not be inserted). */
		canReadCps: boolean;
		/** One sentence per problem, saying what to do, blocking problems first. */
		problems: string[];
		issues: DiagnosticIssue[];
	};
};
