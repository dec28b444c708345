// The account service: the accounts activated here, for identities the HTTP layer has already
// proven — activation, changes, sign-in checks, invitations — and the directory that shows them.
// The accounts live in the database; its unique constraints, not this process, keep two
// activations (here or on another instance) from taking one address or one card twice.
import {mkdirSync} from 'node:fs';
import path from 'node:path';
import type {CardIdentity} from '../../contract/domain/card-identity.js';
import {BackendError} from '../../contract/api/errors.js';
import type {AccountUpdate, AccountView, ActivationRequest, AddressAvailability} from '../../contract/domain/account.js';
import type {AccountOptions} from '../../contract/rules/account-rules.js';
import {lockFile} from '../../contract/storage/file-lock.js';
import type {DirectoryPage, DirectoryQuery} from '../../contract/domain/directory.js';
import type {Viewer} from '../directory/directory-index.js';
import {DirectoryNotReady, type DirectoryService, type DirectorySource} from '../directory/directory-service.js';
import {nationalIdOf} from '../directory/extraction-fields.js';
import type {ImportReport} from '../directory/extraction.js';
import {randomUUID} from 'node:crypto';
import {Outbox} from '../delivery/outbox.js';
import {AuditLog, type AuditEntry} from '../audit-log.js';
import {outboxMailSender, outboxSmsSender, type MailSender, type SmsSender} from '../delivery/delivery.js';
import {MessageQueue} from '../delivery/message-queue.js';
import {WorkLane} from '../work-lane.js';
import {hashPassword, verifyPassword} from './password-hash.js';
import {checkEmail} from '../../contract/rules/contact-rules.js';
import {destinationKey, INVITATION_QUOTAS} from '../auth/quotas.js';
import {AddressAllocation, proposalBase, shippedTakenAddresses} from './address-allocation.js';
import {directoryEntryOf, openAccountDirectory} from './account-directory.js';
import {checkPassword, normalisedOptions} from './account-checks.js';
import {openDatabase, uniqueViolation, type Database} from '../database/database.js';
import {AccountStore, type StoredAccount} from '../database/account-store.js';
import type {Tables} from '../database/tables.js';
import type {Kysely} from 'kysely';
import {importAccountsJson, readAccountsJson, type JsonImport} from '../database/json-import.js';

// How often an instance on a shared database looks at the accounts other instances changed, in
// case a notification was lost (each change is announced on ACCOUNTS_CHANNEL and heard at once).
const FOLLOW_MS = 5_000;
const ACCOUNTS_CHANNEL = 'mssante_accounts';
// An invitation whose mail cannot leave is tried again for a day.
const INVITATION_TRIES_MS = 24 * 60 * 60_000;
// An activation that collided with another one on a unique column is tried again this often.
const CONFLICT_RETRIES = 5;
// How long an address's allocation waits for the national file being read (under the kiosk's 10 s).
const DIRECTORY_WAIT_MS = 5_000;

/** Options of the account service. */
export type AccountServiceOptions = {
	/** Folder holding the SQLite database (when no `databaseUrl`) and `outbox/`. */
	dataDir: string;
	/** A PostgreSQL database shared by several instances (`postgres://…`); absent: SQLite in `dataDir`. */
	databaseUrl?: string;
	/** Connections kept to PostgreSQL (default 10). */
	poolSize?: number;
	/** Addresses already used nationally (default: `data/taken-addresses.json`). */
	takenAddresses?: string[];
	/** How codes and invitations by e-mail leave the service (default: the outbox under `dataDir`). */
	mail?: MailSender;
	/** How codes by SMS leave the service (default: the outbox under `dataDir`). */
	sms?: SmsSender;
	/** The clock codes and queued messages expire by (tests). */
	now?: () => number;
	/** The national directory (a file, or generated for the demo); absent: the accounts activated here only. */
	directory?: DirectorySource | null;
	/** Told when the national directory has been read (its report is also saved as `annuaire-import.json`). */
	onDirectoryLoaded?: (report: ImportReport, buildMs: number) => void;
	/** Told when the national directory could not be read. */
	onDirectoryFailed?: (error: string) => void;
	/** How long allocating an address waits for the national directory still being read, in ms (default 5 s; then 503). */
	directoryWaitMs?: number;
};

/**
 * The account service: accounts in the database, for identities already proven by the HTTP
 * server in front of it (embedded in the kiosk's process, or `serve`).
 */
export class AccountService {
	/** Where sent mail lands when no SMTP server or SMS gateway is set, for the README and the tests. */
	readonly outbox: Outbox;
	/** Where codes and invitations wait to leave the service (sent after the commit, tried again on failure). */
	readonly messages: MessageQueue;
	/** The audit trail (table `audit_events`), shared with the HTTP layer's sign-ins and codes. */
	readonly audit: AuditLog;
	/** The directory: the national file and the accounts activated here, searchable as they change. */
	readonly directory: DirectoryService;
	/** The database, for the service's other state (challenges, codes, sessions). */
	readonly db: Kysely<Tables>;
	/** The accounts of an earlier version's `accounts.json`, if this start imported them. */
	readonly imported: JsonImport | null;
	private readonly addresses: AddressAllocation;
	// Of libuv's 4 threads, sign-ins hash on 2 at most: activations and card proofs keep the others.
	private readonly signInHashing = new WorkLane(2, 64, () => new BackendError('unavailable', 'Service très sollicité : réessayez dans un instant', undefined, {retryAfterSeconds: 1}));
	private readonly store: AccountStore;
	// Operations in progress: a graceful stop lets them finish.
	private readonly inFlight = new Set<Promise<unknown>>();
	// Files written on the side (the directory's import report): a graceful stop waits for them.
	private readonly sideWrites = new Set<Promise<unknown>>();
	// The last account revision the directory shows.
	private revision = 0;
	private follower: NodeJS.Timeout | undefined;
	// The look at changed accounts in progress, and the one asked for meanwhile (see followSoon).
	private look: Promise<void> | undefined;
	private nextLook: Promise<void> | undefined;
	private closing = false;
	private readonly now: () => number;
	private readonly directoryWaitMs: number;

	private constructor(
		private readonly database: Database,
		private readonly releaseDataDir: () => void,
		dataDir: string,
		taken: string[],
		imported: JsonImport | null,
		options: AccountServiceOptions,
	) {
		this.db = database.db;
		this.store = new AccountStore(database.db);
		this.imported = imported;
		const now = options.now ?? Date.now;
		this.outbox = new Outbox(path.join(dataDir, 'outbox'));
		this.audit = new AuditLog(database.db, now);
		this.messages = new MessageQueue({
			db: database.db,
			mail: options.mail ?? outboxMailSender(this.outbox),
			sms: options.sms ?? outboxSmsSender(this.outbox),
			audit: this.audit,
			now,
		});
		this.now = now;
		this.directoryWaitMs = options.directoryWaitMs ?? DIRECTORY_WAIT_MS;
		this.addresses = new AddressAllocation(
			taken,
			candidates => this.store.existing(candidates),
			candidates => this.nationalOwners(candidates),
		);
		this.directory = openAccountDirectory({
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

	/**
	 * Opens the accounts: the database (migrated), the accounts of an earlier `accounts.json`
	 * imported once. With SQLite the data directory is this process's alone (refused if another
	 * holds it); on PostgreSQL any number of instances share the database.
	 */
	static async open(options: AccountServiceOptions): Promise<AccountService> {
		mkdirSync(options.dataDir, {recursive: true, mode: 0o700});
		const release = options.databaseUrl ? () => undefined : lockFile(path.join(options.dataDir, 'service.sqlite'));
		let database: Database | undefined;
		try {
			const earlier = readAccountsJson(options.dataDir);
			database = await openDatabase({url: options.databaseUrl, dataDir: options.dataDir, poolSize: options.poolSize});
			const imported = earlier ? await importAccountsJson(earlier, new AccountStore(database.db)) : null;
			const service = new AccountService(database, release, options.dataDir, options.takenAddresses ?? shippedTakenAddresses(), imported, options);
			// The accounts already stored reach the directory in the background: at national size
			// (540,000) reading them all took longer than a start may (the service answers
			// meanwhile; activations do not depend on the directory). Then, on a shared database,
			// the directory follows what other instances change.
			service.messages.start();
			void service.tracked(async () => {
				await service.followSoon();
				if (database?.engine !== 'postgres' || service.closing) return;
				// Each change is announced (NOTIFY) and heard at once; the slow look is for a notification lost.
				database.listen(ACCOUNTS_CHANNEL, () => void service.followSoon());
				service.follower = setInterval(() => void service.followSoon(), FOLLOW_MS);
			});
			return service;
		} catch (error) {
			await database?.close();
			release();
			throw error;
		}
	}

	/** Whether the database answers (the service's readiness). */
	ready(): Promise<boolean> {
		return this.database.reachable();
	}

	/**
	 * Shows in the directory every account changed since the last look (all of them at start).
	 * Looks run one at a time (an older read applied after a newer one would bring back what a change
	 * removed, a liste rouge lifted); asked while one runs, one more follows it.
	 */
	private followSoon(): Promise<void> {
		if (this.nextLook) return this.nextLook;
		const look = (this.look ?? Promise.resolve()).then(() => {
			if (this.nextLook === look) this.nextLook = undefined;
			return this.follow().catch(() => undefined);
		});
		this.nextLook = look;
		this.look = look;
		return look;
	}

	private async follow(): Promise<void> {
		while (!this.closing) {
			const changes = await this.store.changedSince(this.revision);
			for (const {account, revision} of changes) {
				this.directory.upsert(directoryEntryOf(account));
				this.revision = Math.max(this.revision, revision);
			}
			if (changes.length < 10_000) return;
			// SQLite answers synchronously: without a turn of the event loop between batches, reading
			// 540,000 accounts would hold every request (and the listening socket) until the end.
			await new Promise(resolve => setImmediate(resolve));
		}
	}

	/** Tells the other instances an account changed; if the notification fails, their slow look finds it. */
	private async announce(): Promise<void> {
		await this.database.notify(ACCOUNTS_CHANNEL).catch(() => undefined);
	}

	/** "Rechercher dans l'annuaire" (the first search starts reading the national file). */
	searchDirectory(query: DirectoryQuery, viewer: Viewer): Promise<DirectoryPage> {
		return this.directory.search(query, viewer);
	}

	/** Every account, for tests and diagnostics. */
	async accounts(): Promise<AccountView[]> {
		return (await this.store.changedSince(0)).map(({account}) => view(account));
	}

	/**
	 * Each proposed address, or it with the smallest free suffix, for `holder`'s card: an address of
	 * the national directory is free only for its own holder (`alreadyYours`); without a holder, for
	 * no one.
	 */
	async availability(addresses: string[], holder: Pick<CardIdentity, 'nationalId' | 'idType'> | null = null): Promise<AddressAvailability[]> {
		const national = holder ? nationalIdOf(holder) : '';
		return Promise.all(
			addresses.map(async requested => {
				const free = await this.addresses.firstFree(requested, national);
				return free.yours ? {requested, available: free.address, alreadyYours: true} : {requested, available: free.address};
			}),
		);
	}

	/**
	 * Whose each address is in the national file (null: none there; null for all without a file).
	 * Waits a little for a file being read; never allocates without it: 503 while it loads, or if it
	 * could not be read (`details.directory`: `loading` or `failed`).
	 */
	private async nationalOwners(addresses: string[]): Promise<Array<string | null> | null> {
		try {
			return await this.directory.owners(addresses, this.directoryWaitMs);
		} catch (error) {
			// The directory's thread stopped during the question: as unreadable (it is not read again).
			if (!(error instanceof DirectoryNotReady) || error.phase === 'failed') {
				throw new BackendError('unavailable', 'Annuaire national illisible : aucune adresse ne peut être attribuée pour le moment', {directory: ['failed']}, {retryAfterSeconds: 60});
			}
			throw new BackendError(
				'unavailable',
				`Annuaire national en cours de chargement (${Math.round(error.progress * 100)} %) : réessayez dans un instant`,
				{directory: ['loading']},
				{retryAfterSeconds: 5},
			);
		}
	}

	/** The account of the card with this national identifier. */
	async accountFor(nationalId: string): Promise<AccountView | null> {
		// A card is presented: its step 2 will need the national file, which starts being read now.
		this.directory.load();
		const account = await this.store.byNationalId(nationalId);
		return account ? view(account) : null;
	}

	/** The account of `address` if `password` is its password (constant work whether it exists or not). */
	async checkSignIn(address: string, password: string): Promise<AccountView | null> {
		const account = await this.store.byAddress(address);
		// An unknown address costs the same scrypt as a known one: no timing tells them apart.
		const valid = await this.signInHashing.run(() => verifyPassword(password, account?.passwordHash ?? UNKNOWN_ACCOUNT_HASH));
		return account && valid ? view(account) : null;
	}

	/** The account at an address (for a sign-in the server has already checked). */
	async accountAt(address: string): Promise<AccountView | null> {
		const account = await this.store.byAddress(address);
		return account ? view(account) : null;
	}

	/** Records the outcome of an operation, then passes its result or error through. */
	private audited<T extends AccountView | {sent: number}>(entry: Omit<AuditEntry, 'outcome' | 'detail'>, work: () => Promise<T>): Promise<T> {
		return this.tracked(() => this.auditedNow(entry, work));
	}

	private async auditedNow<T extends AccountView | {sent: number}>(entry: Omit<AuditEntry, 'outcome' | 'detail'>, work: () => Promise<T>): Promise<T> {
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
	activate(request: ActivationRequest & Verified): Promise<AccountView> {
		return this.audited({action: 'activate', nationalId: request.identity.nationalId}, () => this.activateNow(request));
	}

	private async activateNow(request: ActivationRequest & Verified): Promise<AccountView> {
		// The slow part (dictionary check, scrypt) runs before anything is written, so concurrent
		// kiosks hash in parallel; the write itself is one insert the database checks.
		const options = normalisedOptions(request.options);
		requirePublishable(options, request.verifiedMobile);
		await checkPassword(request.password, request.identity);
		const passwordHash = await hashPassword(request.password);
		for (let attempt = 0; ; attempt++) {
			const replay = await this.store.byRequestId(request.requestId);
			if (replay) {
				if (replay.identity.nationalId !== request.identity.nationalId) throw new BackendError('invalid-request', 'Identifiant de demande déjà utilisé');
				return view(replay);
			}
			if (await this.store.byNationalId(request.identity.nationalId)) throw new BackendError('already-activated', 'Un compte MSSanté est déjà activé pour cette carte');
			const {address: free} = await this.addresses.firstFree(proposalBase(request.identity, request.address), nationalIdOf(request.identity));
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
				...(request.verifiedMobile ? {verifiedMobile: request.verifiedMobile} : {}),
			};
			try {
				await this.store.insert(account);
			} catch (error) {
				// Another activation (here or on another instance) took the address, the card or the
				// request id meanwhile: the checks above, run again, say which.
				if (uniqueViolation(error) === null || attempt >= CONFLICT_RETRIES) throw error;
				continue;
			}
			this.directory.upsert(directoryEntryOf(account));
			await this.announce();
			return view(account);
		}
	}

	/** "Modifier mon compte", by the card holder (`holder`) or a signed-in session (null). */
	update(address: string, holder: CardIdentity | null, update: AccountUpdate & Verified): Promise<AccountView> {
		return this.audited({action: 'update', address, nationalId: holder?.nationalId}, () => this.updateNow(address, holder, update));
	}

	private async updateNow(address: string, holder: CardIdentity | null, update: AccountUpdate & Verified): Promise<AccountView> {
		const account = await this.store.byAddress(address);
		if (!account || (holder !== null && account.identity.nationalId !== holder.nationalId)) {
			throw new BackendError('not-found', `Aucun compte ${address} pour cette carte`);
		}
		const options = normalisedOptions(update.options);
		if (update.password !== undefined) {
			await checkPassword(update.password, account.identity);
			account.passwordHash = await hashPassword(update.password);
		}
		const verifiedMobile = update.verifiedMobile ?? account.verifiedMobile;
		requirePublishable(options, verifiedMobile);
		const changed: StoredAccount = {...account, options, updatedAt: new Date().toISOString(), ...(verifiedMobile ? {verifiedMobile} : {})};
		await this.store.replace(changed);
		this.directory.upsert(directoryEntryOf(changed));
		await this.announce();
		return view(changed);
	}

	/**
	 * Sends an invitation from `fromAddress` to each colleague not invited by it in the last 30 days;
	 * `sent` says how many left now. At most INVITATION_QUOTAS.perRequest colleagues a request, and
	 * perDay a day per sender (`rate-limited`, with when more may be sent).
	 */
	invite(fromAddress: string, emails: string[]): Promise<{sent: number; alreadyInvited?: number}> {
		return this.audited({action: 'invite', address: fromAddress}, () => this.inviteNow(fromAddress, emails));
	}

	private async inviteNow(fromAddress: string, emails: string[]): Promise<{sent: number; alreadyInvited?: number}> {
		const checked = emails.map(email => checkEmail(email));
		const invalid = emails.filter((_email, index) => !checked[index]?.ok);
		if (emails.length === 0 || invalid.length > 0) {
			throw new BackendError('invalid-request', 'Adresse(s) invalide(s)', {emails: invalid});
		}
		// One mail per recipient, however often (and in whatever case) the address was typed.
		const recipients = new Map(checked.flatMap(result => (result.ok ? [[destinationKey(result.value), result.value] as const] : [])));
		const {perRequest, perDay, repeatAfterMs, dayMs} = INVITATION_QUOTAS;
		if (recipients.size > perRequest) throw new BackendError('invalid-request', `Au plus ${perRequest} invitations par envoi`, {emails: ['too-many']});
		// Recorded and queued together; sent after the commit, and tried again for a day if a send fails.
		const now = this.now();
		const queued = await this.db.transaction().execute(async transaction => {
			// One request of a sender at a time (on any instance): its invitations are counted, then written.
			await transaction
				.selectFrom('accounts')
				.select('address')
				.where('address', '=', fromAddress)
				.$if(this.database.engine === 'postgres', query => query.forUpdate())
				.execute();
			const earlier = await transaction
				.selectFrom('invitations')
				.select(['recipient', 'created_at'])
				.where('from_address', '=', fromAddress)
				.where('created_at', '>', now - repeatAfterMs)
				.execute();
			// A colleague already invited by this sender is not mailed again for 30 days.
			const invited = new Set(earlier.map(row => destinationKey(row.recipient)));
			const fresh = [...recipients].filter(([key]) => !invited.has(key)).map(([, to]) => to);
			const today = earlier
				.map(row => Number(row.created_at))
				.filter(at => at > now - dayMs)
				.sort((a, b) => a - b);
			const over = today.length + fresh.length - perDay;
			if (over > 0) {
				// More may be sent once enough of today's invitations are a day old.
				const retryAfterSeconds = Math.max(1, Math.ceil(((today[over - 1] ?? now) + dayMs - now) / 1000));
				throw new BackendError('rate-limited', `Au plus ${perDay} invitations par jour : réessayez dans ${retryAfterSeconds} s`, {emails: ['daily-limit']}, {retryAfterSeconds});
			}
			const ids: string[] = [];
			for (const to of fresh) {
				await transaction.insertInto('invitations').values({id: randomUUID(), from_address: fromAddress, recipient: to, created_at: now}).execute();
				ids.push(await this.messages.enqueue(transaction, {kind: 'invitation', channel: 'mail', to, from: fromAddress}, now + INVITATION_TRIES_MS));
			}
			return ids;
		});
		for (const id of queued) await this.messages.deliver(id, 'retry');
		const alreadyInvited = recipients.size - queued.length;
		return alreadyInvited > 0 ? {sent: queued.length, alreadyInvited} : {sent: queued.length};
	}

	/**
	 * Lets the operations and sends in progress finish, stops the directory, waits for every write
	 * started (audit events included: some are recorded without being awaited), closes the database
	 * and releases the data directory.
	 */
	async close(): Promise<void> {
		this.closing = true;
		clearInterval(this.follower);
		await Promise.allSettled(this.inFlight);
		await this.messages.stop();
		await this.directory.close();
		await Promise.all(this.sideWrites);
		await this.audit.flushed();
		await this.database.close();
		this.releaseDataDir();
	}

	/** Runs `work`, counted among the operations a graceful stop waits for. */
	private tracked<T>(work: () => Promise<T>): Promise<T> {
		const running = work();
		this.inFlight.add(running);
		void running.finally(() => this.inFlight.delete(running)).catch(() => undefined);
		return running;
	}
}

/** The mobile a code was just received on (E.164), checked by the HTTP layer: stored as the one that may be published. */
type Verified = {verifiedMobile?: string};

/**
 * Refuses (`channel-not-verified`) options that publish a mobile no code was received on with the
 * card: the directory must not show a number its holder never proved.
 */
function requirePublishable(options: AccountOptions, verifiedMobile: string | undefined): void {
	if (options.publishMobile && options.mobile !== undefined && options.mobile !== verifiedMobile) {
		throw new BackendError('channel-not-verified', 'Le mobile publié doit d’abord recevoir un code, avec votre carte CPS', {mobile: ['not-verified']});
	}
}

// A valid hash of nothing anyone knows, checked when the address is unknown.
const UNKNOWN_ACCOUNT_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

function view(account: StoredAccount): AccountView {
	const {address, identity, options, createdAt, updatedAt} = account;
	return {address, identity, options, createdAt, updatedAt};
}
