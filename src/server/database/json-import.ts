// The upgrade path: a data directory of an earlier version kept its accounts in `accounts.json`.
// On the first start on the database they are imported once, and the file is kept aside.
import {existsSync, readFileSync, renameSync} from 'node:fs';
import path from 'node:path';
import * as z from 'zod/mini';
import {CorruptStoreError} from '../../contract/storage/json-store.js';
import type {AccountStore, StoredAccount} from './account-store.js';

const accountsFileSchema = z.object({
	accounts: z.array(
		z.looseObject({
			address: z.string(),
			identity: z.looseObject({nationalId: z.string()}),
			options: z.looseObject({}),
			passwordHash: z.string(),
			activationRequestId: z.string(),
			createdAt: z.string(),
			updatedAt: z.string(),
		}),
	),
});

/** Accounts read from an earlier version's `accounts.json`, to be imported. */
export type AccountsJson = {file: string; accounts: StoredAccount[]};

/** What the import did: how many accounts it brought in, and where the file now is. */
export type JsonImport = {imported: number; keptAs: string};

/**
 * Reads `dataDir/accounts.json`, if there is one — before anything else is opened, so that an
 * unreadable file is refused with nothing created beside it and the file left untouched: nothing
 * is lost, the operator fixes or moves it.
 */
export function readAccountsJson(dataDir: string): AccountsJson | null {
	const file = path.join(dataDir, 'accounts.json');
	if (!existsSync(file)) return null;
	try {
		return {file, accounts: accountsFileSchema.parse(JSON.parse(readFileSync(file, 'utf8'))).accounts as unknown as StoredAccount[]};
	} catch (error) {
		throw new CorruptStoreError(file, error);
	}
}

/**
 * Imports the accounts read into the store, then renames the file `accounts.json.imported` so
 * that it is never imported twice. Accounts already in the store (an import interrupted, then
 * started again) are left as they are.
 */
export async function importAccountsJson({file, accounts}: AccountsJson, store: AccountStore): Promise<JsonImport> {
	const imported = await store.importAll(accounts);
	const keptAs = `${file}.imported`;
	renameSync(file, keptAs);
	return {imported, keptAs};
}
