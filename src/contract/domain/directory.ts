/** A search of the national directory ("Rechercher dans l'annuaire"). */
export type DirectoryQuery = {
	/** Words of the name (surname, given name, structure) or the start of an address; prefixes match. */
	text?: string;
	/** Profession code of the RPPS nomenclature ("10" médecin); empty = every profession. */
	profession?: string;
	/** Start of a postal code ("14", "14200") or a département ("2A", "971"). */
	place?: string;
	/** Start of the city's name, accents and case aside ("hérou" finds HEROUVILLE ST CLAIR). */
	city?: string;
	/** Results skipped (pagination). */
	offset?: number;
	/** Results wanted, at most DIRECTORY_PAGE_MAX. */
	limit?: number;
};

/** Size of the generated directory (demo, benchmarks): larger than the national one (~540,000). */
export const NATIONAL_SIZE = 600_000;

/** Results skipped at most (deeper, a search must be narrowed: paging there would cost every kiosk). */
export const DIRECTORY_OFFSET_MAX = 10_000;

/** Largest page the service answers. */
export const DIRECTORY_PAGE_MAX = 100;

/** Kinds of mailbox: personal, practice (cabinet), organisational, applicative. */
export const MAILBOX_TYPES = ['PER', 'CAB', 'ORG', 'APP'] as const;

/** One mailbox as the directory shows it (empty strings where the file has nothing). */
export type DirectoryEntry = {
	type: (typeof MAILBOX_TYPES)[number];
	/** The MSSanté address, lower case. */
	address: string;
	civility: string;
	surname: string;
	givenName: string;
	professionCode: string;
	profession: string;
	specialty: string;
	/** Raison sociale (or enseigne) of the structure holding the mailbox. */
	organisation: string;
	service: string;
	/** Number, type and name of the street, one line. */
	street: string;
	postalCode: string;
	/** City as La Poste's L6 line writes it ("HEROUVILLE ST CLAIR"), without postal code or CEDEX. */
	city: string;
	departement: string;
	/** Only when its holder published it, and only to a signed-in MSSanté user. */
	mobile?: string;
};

/** Where the directory stands: the national file loads in the background. */
export type DirectoryState = {
	/** `loading`: the national file is being read (searches see the accounts activated here only). */
	phase: 'idle' | 'loading' | 'ready' | 'failed' | 'none';
	/** Share of the file read, 0–1, while loading. */
	progress: number;
	/** Mailboxes searchable now. */
	entries: number;
	/** Why the national file could not be read (phase `failed`). */
	error?: string;
	/** Professions present, for the filter: code, label, number of mailboxes. */
	professions: Array<{code: string; label: string; count: number}>;
};

/** A page of results. */
export type DirectoryPage = {
	/** Matching mailboxes in all. */
	total: number;
	offset: number;
	entries: DirectoryEntry[];
	state: DirectoryState;
};
