// The accounts in the database: one row each, unique by address, by card and by activation
// request — the database, not the process, keeps two activations from taking one address.
import type {Kysely, Transaction} from 'kysely';
import type {AccountView} from '../../contract/domain/account.js';
import type {AccountRow, Tables} from './tables.js';

/** An account as stored: its view, its password hash, the request that activated it, the mobile verified by a code. */
export type StoredAccount = AccountView & {passwordHash: string; activationRequestId: string; verifiedMobile?: string};

/** An account and the revision of its last change (see `changedSince`). */
export type AccountRevision = {account: StoredAccount; revision: number};

function accountOf(row: AccountRow): StoredAccount {
	return {
		address: row.address,
		identity: JSON.parse(row.identity),
		options: JSON.parse(row.options),
		createdAt: row.created_at,
		updatedAt: row.updated_at,
		passwordHash: row.password_hash,
		activationRequestId: row.activation_request_id,
		...(row.verified_mobile ? {verifiedMobile: row.verified_mobile} : {}),
	};
}

function rowOf(account: StoredAccount, revision: number): AccountRow {
	return {
		address: account.address,
		national_id: account.identity.nationalId,
		identity: JSON.stringify(account.identity),
		options: JSON.stringify(account.options),
		password_hash: account.passwordHash,
		activation_request_id: account.activationRequestId,
		created_at: account.createdAt,
		updated_at: account.updatedAt,
		revision,
		verified_mobile: account.verifiedMobile ?? null,
	};
}

/** Reads and writes accounts; writes raise the revision other instances follow. */
export class AccountStore {
	constructor(private readonly db: Kysely<Tables>) {}

	async byNationalId(nationalId: string): Promise<StoredAccount | null> {
		const row = await this.db.selectFrom('accounts').selectAll().where('national_id', '=', nationalId).executeTakeFirst();
		return row ? accountOf(row) : null;
	}

	async byAddress(address: string): Promise<StoredAccount | null> {
		const row = await this.db.selectFrom('accounts').selectAll().where('address', '=', address.toLowerCase()).executeTakeFirst();
		return row ? accountOf(row) : null;
	}

	async byRequestId(requestId: string): Promise<StoredAccount | null> {
		const row = await this.db.selectFrom('accounts').selectAll().where('activation_request_id', '=', requestId).executeTakeFirst();
		return row ? accountOf(row) : null;
	}

	/** Which of `addresses` (lower case) are accounts' addresses. */
	async existing(addresses: string[]): Promise<Set<string>> {
		if (addresses.length === 0) return new Set();
		const rows = await this.db.selectFrom('accounts').select('address').where('address', 'in', addresses).execute();
		return new Set(rows.map(row => row.address));
	}

	/** Stores a new account; a unique column already used makes it fail (see uniqueViolation). */
	insert(account: StoredAccount): Promise<void> {
		return this.db.transaction().execute(async transaction => {
			await transaction
				.insertInto('accounts')
				.values(rowOf(account, await nextRevision(transaction)))
				.execute();
		});
	}

	/** Stores accounts brought from elsewhere (the upgrade from `accounts.json`); those already here are kept. Returns how many were added. */
	importAll(accounts: StoredAccount[]): Promise<number> {
		return this.db.transaction().execute(async transaction => {
			let added = 0;
			for (const account of accounts) {
				const result = await transaction
					.insertInto('accounts')
					.values(rowOf(account, await nextRevision(transaction)))
					.onConflict(conflict => conflict.doNothing())
					.executeTakeFirst();
				added += Number(result.numInsertedOrUpdatedRows ?? 0);
			}
			return added;
		});
	}

	/** Replaces the stored account at `account.address`. */
	replace(account: StoredAccount): Promise<void> {
		return this.db.transaction().execute(async transaction => {
			const {address, ...row} = rowOf(account, await nextRevision(transaction));
			await transaction.updateTable('accounts').set(row).where('address', '=', address).execute();
		});
	}

	/** Accounts changed after `revision`, oldest change first (every account from 0). */
	async changedSince(revision: number, limit = 10_000): Promise<AccountRevision[]> {
		const rows = await this.db.selectFrom('accounts').selectAll().where('revision', '>', revision).orderBy('revision').limit(limit).execute();
		return rows.map(row => ({account: accountOf(row), revision: Number(row.revision)}));
	}

	async count(): Promise<number> {
		const {count} = await this.db
			.selectFrom('accounts')
			.select(eb => eb.fn.countAll<number>().as('count'))
			.executeTakeFirstOrThrow();
		return Number(count);
	}
}

/** The next revision, taken in the writing transaction (on PostgreSQL the row lock orders concurrent writers). */
async function nextRevision(transaction: Transaction<Tables>): Promise<number> {
	const {last} = await transaction
		.updateTable('account_revision')
		.set(eb => ({last: eb('last', '+', 1)}))
		.where('id', '=', 1)
		.returning('last')
		.executeTakeFirstOrThrow();
	return Number(last);
}
