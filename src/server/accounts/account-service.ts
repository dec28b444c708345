// The account service: the accounts activated here, for identities the HTTP layer has already
// proven — activation, changes, sign-in checks, invitations — and the directory that shows them.
import path from 'node:path';
import * as z from 'zod/mini';
import type {CardIdentity} from '../../contract/domain/card-identity.js';
import {BackendError} from '../../contract/api/errors.js';
import type {AccountUpdate, AccountView, ActivationRequest, AddressAvailability} from '../../contract/domain/account.js';
import {openJsonStore, type JsonStore} from '../../contract/storage/json-store.js';
import type {DirectoryPage, DirectoryQuery} from '../../contract/domain/directory.js';
import type {Viewer} from '../directory/directory-index.js';
import type {DirectoryService, DirectorySource} from '../directory/directory-service.js';
import type {ImportReport} from '../directory/extraction.js';
import {Outbox} from '../delivery/outbox.js';
import {AuditLog, type AuditEntry} from '../audit-log.js';
import {outboxMailSender, type MailSender} from '../delivery/delivery.js';
import {hashPassword, verifyPassword} from './password-hash.js';
import {checkEmail} from '../../contract/rules/contact-rules.js';
import {AddressAllocation, proposalBase, shippedTakenAddresses} from './address-allocation.js';
import {invitationMail} from './invitation-mail.js';
import {directoryEntryOf, openAccountDirectory} from './account-directory.js';
import {checkPassword, normalisedOptions} from './account-checks.js';

type StoredAccount = AccountView & {passwordHash: string; activationRequestId: string};

type BackendData = {accounts: StoredAccount[]};

const backendDataSchema = z.object({accounts: z.array(z.looseObject({address: z.string()}))});

/** Options of the account service. */
export type AccountServiceOptions = {
	/** Folder holding `accounts.json` and `outbox/`. */
	dataDir: string;
	/** Addresses already used nationally (default: `data/taken-addresses.json`). */
	takenAddresses?: string[];
	/** How invitations leave the service (default: the outbox under `dataDir`). */
	mail?: MailSender;
	/** The national directory (a file, or generated for the demo); absent: the accounts activated here only. */
	directory?: DirectorySource | null;
	/** Told when the national directory has been read (its report is also saved as `annuaire-import.json`). */
	onDirectoryLoaded?: (report: ImportReport, buildMs: number) => void;
	/** Told when the national directory could not be read. */
	onDirectoryFailed?: (error: string) => void;
};

/**
 * The account service: accounts in a lowdb file, for identities already proven by the HTTP
 * server in front of it (embedded in the kiosk's process, or `serve`).
 */
export class AccountService {
	/** Where sent mail lands, for the README and the tests. */
	readonly outbox: Outbox;
	/** Where invitations (and, through the HTTP layer, codes sent by mail) go. */
	readonly mail: MailSender;
	/** The audit trail (`audit.log`), shared with the HTTP layer's sign-ins and codes. */
	readonly audit: AuditLog;
	/** The directory: the national file and the accounts activated here, searchable as they change. */
	readonly directory: DirectoryService;
	private readonly addresses: AddressAllocation;
	// Activations run one after another: the free-address check and the write are one step.
	private queue: Promise<unknown> = Promise.resolve();
	// Files written on the side (the directory's import report): a graceful stop waits for them.
	private readonly sideWrites = new Set<Promise<unknown>>();

	private constructor(
		private readonly store: JsonStore<BackendData>,
		dataDir: string,
		taken: string[],
		options: AccountServiceOptions,
	) {
		this.outbox = new Outbox(path.join(dataDir, 'outbox'));
		this.mail = options.mail ?? outboxMailSender(this.outbox);
		this.audit = new AuditLog(path.join(dataDir, 'audit.log'));
		this.addresses = new AddressAllocation(taken, address => store.db.data.accounts.some(a => a.address === address));
		this.directory = openAccountDirectory(store.db.data.accounts, {
			dataDir,
			source: options.directory ?? null,
			onLoaded: options.onDirectoryLoaded,
			onFailed: options.onDirectoryFailed,
			track: write => {
				this.sideWrites.add(write);
				void write.finally(() => this.sideWrites.delete(write));
			},
		});
	}

	/** Opens the accounts of `dataDir` (refused if another process holds them, or they are corrupt). */
	static async open(options: AccountServiceOptions): Promise<AccountService> {
		const store = await openJsonStore<BackendData>({
			path: path.join(options.dataDir, 'accounts.json'),
			defaults: {accounts: []},
			parse: raw => backendDataSchema.parse(raw) as unknown as BackendData,
			onCorrupt: 'fail',
		});
		return new AccountService(store, options.dataDir, options.takenAddresses ?? shippedTakenAddresses(), options);
	}

	/** "Rechercher dans l'annuaire" (the first search starts reading the national file). */
	searchDirectory(query: DirectoryQuery, viewer: Viewer): Promise<DirectoryPage> {
		return this.directory.search(query, viewer);
	}

	/** Every account, for tests and diagnostics. */
	accounts(): AccountView[] {
		return this.store.db.data.accounts.map(view);
	}

	/** Each proposed address, or it with the smallest free suffix. */
	async availability(addresses: string[]): Promise<AddressAvailability[]> {
		return addresses.map(requested => ({requested, available: this.addresses.firstFree(requested)}));
	}

	/** The account of the card with this national identifier. */
	async accountFor(nationalId: string): Promise<AccountView | null> {
		const account = this.store.db.data.accounts.find(a => a.identity.nationalId === nationalId);
		return account ? view(account) : null;
	}

	/** The account of `address` if `password` is its password (constant work whether it exists or not). */
	async checkSignIn(address: string, password: string): Promise<AccountView | null> {
		const account = this.store.db.data.accounts.find(a => a.address === address.toLowerCase());
		// An unknown address costs the same scrypt as a known one: no timing tells them apart.
		const valid = await verifyPassword(password, account?.passwordHash ?? UNKNOWN_ACCOUNT_HASH);
		return account && valid ? view(account) : null;
	}

	/** The account at an address (for a sign-in the server has already checked). */
	async accountAt(address: string): Promise<AccountView | null> {
		const account = this.store.db.data.accounts.find(a => a.address === address.toLowerCase());
		return account ? view(account) : null;
	}

	/** Records the outcome of an operation, then passes its result or error through. */
	private async audited<T extends AccountView | {sent: number}>(entry: Omit<AuditEntry, 'outcome' | 'detail'>, work: () => Promise<T>): Promise<T> {
		try {
			const result = await work();
			await this.audit.record({...entry, outcome: 'ok', ...('sent' in result ? {detail: String(result.sent)} : {address: result.address})});
			return result;
		} catch (error) {
			await this.audit.record({...entry, outcome: 'refused', detail: error instanceof BackendError ? error.code : 'internal'});
			throw error;
		}
	}

	/** "J'active mon compte !" for an identity already proven: idempotent by `requestId`. */
	activate(request: ActivationRequest): Promise<AccountView> {
		return this.audited({action: 'activate', nationalId: request.identity.nationalId}, () => this.activateNow(request));
	}

	private async activateNow(request: ActivationRequest): Promise<AccountView> {
		// The slow part (dictionary check, scrypt) runs outside the one-at-a-time section, so
		// concurrent kiosks hash in parallel and only the allocation and the write are serialised.
		const options = normalisedOptions(request.options);
		await checkPassword(request.password, request.identity);
		const passwordHash = await hashPassword(request.password);
		return this.serialised(async () => {
			const data = this.store.db.data;
			const replay = data.accounts.find(a => a.activationRequestId === request.requestId);
			if (replay) {
				if (replay.identity.nationalId !== request.identity.nationalId) throw new BackendError('invalid-request', 'Identifiant de demande déjà utilisé');
				return view(replay);
			}
			if (data.accounts.some(a => a.identity.nationalId === request.identity.nationalId)) {
				throw new BackendError('already-activated', 'Un compte MSSanté est déjà activé pour cette carte');
			}
			const free = this.addresses.firstFree(proposalBase(request.identity, request.address));
			if (request.address.toLowerCase() !== free) {
				throw new BackendError('address-taken', `L'adresse ${request.address} n'est pas (ou plus) disponible`, {address: [free]});
			}
			const now = new Date().toISOString();
			const account: StoredAccount = {
				address: free,
				identity: request.identity,
				options,
				createdAt: now,
				updatedAt: now,
				passwordHash,
				activationRequestId: request.requestId,
			};
			data.accounts.push(account);
			await this.store.db.write();
			this.directory.upsert(directoryEntryOf(account));
			return view(account);
		});
	}

	/** "Modifier mon compte", by the card holder (`holder`) or a signed-in session (null). */
	update(address: string, holder: CardIdentity | null, update: AccountUpdate): Promise<AccountView> {
		return this.audited({action: 'update', address, nationalId: holder?.nationalId}, () => this.updateNow(address, holder, update));
	}

	private updateNow(address: string, holder: CardIdentity | null, update: AccountUpdate): Promise<AccountView> {
		return this.serialised(async () => {
			const account = this.store.db.data.accounts.find(a => a.address === address.toLowerCase());
			if (!account || (holder !== null && account.identity.nationalId !== holder.nationalId)) {
				throw new BackendError('not-found', `Aucun compte ${address} pour cette carte`);
			}
			const options = normalisedOptions(update.options);
			if (update.password !== undefined) {
				await checkPassword(update.password, account.identity);
				account.passwordHash = await hashPassword(update.password);
			}
			account.options = options;
			account.updatedAt = new Date().toISOString();
			await this.store.db.write();
			this.directory.upsert(directoryEntryOf(account));
			return view(account);
		});
	}

	/** Sends an invitation from `fromAddress` to each colleague. */
	invite(fromAddress: string, emails: string[]): Promise<{sent: number}> {
		return this.audited({action: 'invite', address: fromAddress}, () => this.inviteNow(fromAddress, emails));
	}

	private async inviteNow(fromAddress: string, emails: string[]): Promise<{sent: number}> {
		const checked = emails.map(email => checkEmail(email));
		const invalid = emails.filter((_email, index) => !checked[index]?.ok);
		if (emails.length === 0 || invalid.length > 0) {
			throw new BackendError('invalid-request', 'Adresse(s) invalide(s)', {emails: invalid});
		}
		// One mail per recipient, however often (and in whatever case) the address was typed.
		const recipients = new Map(checked.flatMap(result => (result.ok ? [[result.value.toLowerCase(), result.value] as const] : [])));
		for (const to of recipients.values()) await this.mail.send(invitationMail(fromAddress, to));
		return {sent: recipients.size};
	}

	/**
	 * Lets the activation in progress finish, stops the directory, waits for every file write
	 * started (audit lines included: some are recorded without being awaited), releases the store.
	 */
	async close(): Promise<void> {
		await this.queue;
		await this.directory.close();
		await Promise.all(this.sideWrites);
		await this.audit.flushed();
		this.store.close();
	}

	private serialised<T>(work: () => Promise<T>): Promise<T> {
		const result = this.queue.then(work);
		this.queue = result.catch(() => undefined);
		return result;
	}
}

// A valid hash of nothing anyone knows, checked when the address is unknown.
const UNKNOWN_ACCOUNT_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

function view(account: StoredAccount): AccountView {
	const {address, identity, options, createdAt, updatedAt} = account;
	return {address, identity, options, createdAt, updatedAt};
}
