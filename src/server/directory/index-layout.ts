// How a mailbox's fields are laid out in the index's one Uint32Array: STRIDE ids per mailbox, in
// FIELDS order. Shared by the builder (which writes rows), the tables (which reorder them) and
// the search (which reads them), so that a slot means the same everywhere.

/** Columns with few distinct values, kept as small ids (and lists of entries per value for filters). */
export const CATEGORIES = ['type', 'civility', 'professionCode', 'specialty', 'postalCode', 'city', 'departement'] as const;
/** A column of CATEGORIES. */
export type Category = (typeof CATEGORIES)[number];
/** The columns a search filters on: each has lists of mailboxes per value. */
export const FILTERS = ['professionCode', 'postalCode', 'city', 'departement'] as const;
/** A column of FILTERS. */
export type Filter = (typeof FILTERS)[number];
/** Names, interned in one table (they repeat: MARTIN, Marie, CENTRE HOSPITALIER DE CAEN). */
export const NAMES = ['surname', 'givenName', 'organisation', 'service'] as const;
/** A column of NAMES. */
export type NameField = (typeof NAMES)[number];
const FIELDS = [...CATEGORIES, ...NAMES] as const;
/** Ids per mailbox in the fields array. */
export const STRIDE = FIELDS.length;
/** Position of each column within a mailbox's ids. */
export const SLOT = Object.fromEntries(FIELDS.map((field, index) => [field, index])) as Record<Category | NameField, number>;
