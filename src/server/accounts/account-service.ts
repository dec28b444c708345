import {writeFile} from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod/mini';
import type {CardIdentity} from '../../contract/domain/card-identity.js';
import {addressProposals, splitAddress, withSuffix} from '../../contract/rules/address-rules.js';
import {formOptions, optionProblems, type AccountOptions} from '../../contract/rules/account-rules.js';
import {readAsset} from '../../contract/storage/assets.js';
import {BackendError} from '../../contract/api/errors.js';
import {
	type AccountUpdate,
	type AccountView,
	type ActivationRequest,
	type AddressAvailability,
} from '../../contract/domain/account.js';
import {openJsonStore, type JsonStore} from '../../contract/storage/json-store.js';
import type {DirectoryPage, DirectoryQuery} from '../../contract/domain/directory.js';
import type {AccountEntry, Viewer} from '../directory/directory-index.js';
import {DirectoryService, type DirectorySource} from '../directory/directory-service.js';
import type {ImportReport} from '../directory/extraction.js';
import {Outbox} from '../delivery/outbox.js';
import {AuditLog, type AuditEntry} from '../audit-log.js';
import {outboxMailSender, type MailSender} from '../delivery/delivery.js';
import {hashPassword, verifyPassword} from './password-hash.js';
import {assessPassword} from '../../contract/rules/password-policy.js';
import {checkEmail} from '../../contract/rules/contact-rules.js';

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
	onDirectoryFailed?: (error: string) => void;
};

function shippedTakenAddresses(): string[] {
	return (JSON.parse(readAsset('taken-addresses.json')) as {addresses: string[]}).addresses;
}

/**
 * The account service: accounts in a lowdb file, for identities already proven by the HTTP
 * server in front of it (embedded in the kiosk's process, or `serve`).
 */
export class AccountService {
	/** Where sent mail lands, for the README and the tests. */
	readonly outbox: Outbox;
	private readonly taken: Set<string>;
	// Activations run one after another: the free-address check and the write are one step.
	private queue: Promise<unknown> = Promise.resolve();

	private readonly auditLog: AuditLog;

	/** Where invitations (and, through the server, codes sent by mail) go. */
	readonly mail: MailSender;

	/** The directory: the national file and the accounts activated here, searchable as they change. */
	readonly directory: DirectoryService;

	private constructor(private readonly store: JsonStore<BackendData>, dataDir: string, taken: string[], options: AccountServiceOptions) {
		this.outbox = new Outbox(path.join(dataDir, 'outbox'));
		this.mail = options.mail ?? outboxMailSender(this.outbox);
		this.auditLog = new AuditLog(path.join(dataDir, 'audit.log'));
		this.taken = new Set(taken.map(address => address.toLowerCase()));
		this.directory = new DirectoryService({
			source: options.directory ?? null,
			onLoaded: (report, buildMs) => {
				void writeFile(path.join(dataDir, 'annuaire-import.json'), `${JSON.stringify({source: options.directory, buildMs: Math.round(buildMs), ...report}, null, 2)}\n`).catch(() => undefined);
				options.onDirectoryLoaded?.(report, buildMs);
			},
			onFailed: error => options.onDirectoryFailed?.(error),
		});
		for (const account of store.db.data.accounts) this.directory.upsert(directoryEntryOf(account));
	}

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

	async availability(addresses: string[]): Promise<AddressAvailability[]> {
		return addresses.map(requested => ({requested, available: this.firstFree(requested)}));
	}

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

	/** The account service's audit trail (`audit.log`), shared with the HTTP server's sign-in and codes. */
	get audit(): AuditLog {
		return this.auditLog;
	}

	/** Records the outcome of an operation, then passes its result or error through. */
	private async audited<T extends AccountView | {sent: number}>(entry: Omit<AuditEntry, 'outcome' | 'detail'>, work: () => Promise<T>): Promise<T> {
		try {
			const result = await work();
			await this.auditLog.record({...entry, outcome: 'ok', ...('sent' in result ? {detail: String(result.sent)} : {address: result.address})});
			return result;
		} catch (error) {
			await this.auditLog.record({...entry, outcome: 'refused', detail: error instanceof BackendError ? error.code : 'internal'});
			throw error;
		}
	}

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
			const base = this.proposalBase(request.identity, request.address);
			const free = this.firstFree(base);
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

	invite(fromAddress: string, emails: string[]): Promise<{sent: number}> {
		return this.audited({action: 'invite', address: fromAddress}, () => this.inviteNow(fromAddress, emails));
	}

	private async inviteNow(fromAddress: string, emails: string[]): Promise<{sent: number}> {
		const checked = emails.map(email => checkEmail(email));
		const invalid = emails.filter((_email, index) => !checked[index]?.ok);
		if (emails.length === 0 || invalid.length > 0) {
			throw new BackendError('invalid-request', 'Adresse(s) invalide(s)', {emails: invalid});
		}
		for (const to of checked.flatMap(result => (result.ok ? [result.value] : []))) {
			await this.mail.send({
				to,
				subject: 'Invitation à activer votre Messagerie Sécurisée en Santé',
				text: [
					'Bonjour,',
					'',
					`Votre confrère ou consœur ${fromAddress} utilise la Messagerie Sécurisée en Santé (MSSanté)`,
					'et vous invite à activer votre propre adresse, avec votre carte CPS, sur https://www.mssante.fr',
					'(« J\'active mon compte »).',
				].join('\n'),
			});
		}
		return {sent: emails.length};
	}

	async close(): Promise<void> {
		await this.queue;
		await this.directory.close();
		this.store.close();
	}

	private serialised<T>(work: () => Promise<T>): Promise<T> {
		const result = this.queue.then(work);
		this.queue = result.catch(() => undefined);
		return result;
	}

	private isTaken(address: string): boolean {
		const lower = address.toLowerCase();
		return this.taken.has(lower) || this.store.db.data.accounts.some(a => a.address === lower);
	}

	private firstFree(address: string): string {
		if (!this.isTaken(address)) return address;
		const {local, domain} = splitAddress(address);
		for (let n = 2; ; n++) {
			const candidate = `${withSuffix(local, n)}@${domain}`;
			if (!this.isTaken(candidate)) return candidate;
		}
	}

	/**
	 * The proposal of this identity that `address` is (possibly with a numeric suffix): an
	 * address is only ever derived from the verified identity, never chosen freely.
	 */
	private proposalBase(identity: CardIdentity, address: string): string {
		const wanted = splitAddress(address.toLowerCase());
		const match = addressProposals(identity).find(proposal => {
			const {local, domain} = splitAddress(proposal.address);
			if (domain !== wanted.domain) return false;
			const suffix = /\d+$/.exec(wanted.local)?.[0];
			return wanted.local === local || (suffix !== undefined && Number(suffix) >= 2 && withSuffix(local, Number(suffix)) === wanted.local);
		});
		if (!match) throw new BackendError('address-not-allowed', `L'adresse ${address} ne correspond pas à l'identité de la carte`);
		return match.address;
	}
}

// A valid hash of nothing anyone knows, checked when the address is unknown.
const UNKNOWN_ACCOUNT_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

/** An account as the directory shows it: the card's identity and the holder's directory choices. */
function directoryEntryOf(account: AccountView): AccountEntry {
	const {identity, options} = account;
	return {
		type: 'PER',
		address: account.address,
		civility: identity.civilite ?? '',
		surname: identity.surname,
		givenName: identity.givenName,
		professionCode: identity.professionCode ?? '',
		profession: identity.profession,
		specialty: '',
		organisation: '',
		service: '',
		street: '',
		postalCode: '',
		city: '',
		departement: '',
		listeRouge: options.listeRouge,
		publishedMobile: options.publishMobile && options.mobile ? options.mobile : undefined,
	};
}

function view(account: StoredAccount): AccountView {
	const {address, identity, options, createdAt, updatedAt} = account;
	return {address, identity, options, createdAt, updatedAt};
}

/** The options as stored: validated, e-mail trimmed, mobile in E.164. */
function normalisedOptions(options: AccountOptions): AccountOptions {
	const problems = optionProblems(options);
	if (Object.keys(problems).length > 0) {
		const details = Object.fromEntries(Object.entries(problems).map(([field, problem]) => [field, [problem]]));
		throw new BackendError('invalid-request', 'Options du compte invalides', details);
	}
	return formOptions({...options, mobile: options.mobile ?? ''});
}

async function checkPassword(password: string, identity: CardIdentity): Promise<void> {
	const {problems} = await assessPassword(password, identity);
	if (problems.length > 0) throw new BackendError('password-policy', 'Mot de passe refusé par la politique de sécurité', {password: problems});
}
