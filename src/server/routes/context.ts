// What the API's handlers are given: their operation's input, checked against the contract, and
// the parts of the service they work with; and the type of a handler, derived from the contract.
import type {InputOf, Operation, OutputOf} from '../../contract/api/operations.js';
import type {CardIdentity} from '../../contract/domain/card-identity.js';
import type {CardProof, ProofPurpose} from '../../contract/domain/account.js';
import type {AccountService} from '../accounts/account-service.js';
import type {CardTrustOptions} from '../auth/card-proof.js';
import {AuthState} from '../auth/auth-state.js';
import {ChallengeStore} from '../auth/challenges.js';
import {ChannelCodes} from '../auth/channel-codes.js';
import {OneTimeCodes, type OneTimeCodesOptions} from '../auth/one-time-codes.js';
import {LONGEST_THROTTLE_WINDOW_MS, Throttle, requestLimits, type RequestLimits} from '../auth/throttle.js';
import {LONGEST_QUOTA_WINDOW_MS} from '../auth/quotas.js';
import {BackendError} from '../../contract/api/errors.js';
import {WorkLane} from '../work-lane.js';

/** The parts of the service every handler may use, shared by all requests. */
export type RouteContext = {
	accounts: AccountService;
	challenges: ChallengeStore;
	auth: AuthState;
	codes: ChannelCodes;
	/** Progressive delays on password guesses and limits on unauthenticated requests, shared by the instances. */
	throttle: Throttle;
	/** What one client may ask per minute without proving anything. */
	limits: RequestLimits;
	/** Directory searches that read every mailbox: one at a time, two waiting, the others refused (429). */
	wideSearches: WorkLane;
	/** The identity of the certificate of a valid card proof made for `purpose` — the only identity the service uses; refused: `card-proof`. */
	prove(proof: CardProof, purpose: ProofPurpose): Promise<CardIdentity>;
	/** Replaces the authorities card certificates must come from (PEM; empty: none). */
	trust(trustAnchorsPem: string): void;
	/** Stops the purge of expired challenges, codes and sessions (the service is closing). */
	stop(): void;
};

/** How often expired challenges, codes, sign-ins and sessions are deleted. */
const PURGE_MS = 60_000;

/** What a handler may know of its request besides its input. */
export type HandlerRequest = {
	/** The `Authorization: Bearer` token, for the operations that take one (`bearer` in the table). */
	session: string | undefined;
	/** The client's address (behind a trusted proxy, the one it forwarded for): what per-client limits count by. */
	client: string;
};

/**
 * The handler of an operation: its input (body, query and path parameters, already validated
 * against the operation's schemas) to its answer; the status is the operation's. Refusals are
 * thrown as BackendError.
 */
type Handler<K extends Operation> = (input: InputOf<K>, context: RouteContext, request: HandlerRequest) => OutputOf<K> | Promise<OutputOf<K>>;

/** The handlers of some operations (a feature of the API); of all of them, the service's table. */
export type Handlers<K extends Operation = Operation> = {[P in K]: Handler<P>};

/** Options of the handlers' context. */
export type RouteContextOptions = {
	/** PEM certificates of the authorities whose card certificates are accepted. */
	trustAnchorsPem: string;
	/** Clock of the challenges, codes and sessions. */
	now: () => number;
	/** Limits of the one-time codes (default: SPEC §8's). */
	codes?: Omit<OneTimeCodesOptions, 'now' | 'db'>;
	/** Challenges one client may ask a minute (default 60; the other unauthenticated limits follow, see requestLimits). */
	challengesPerMinute?: number;
	/** Intermediate authorities and revocation of card certificates (default: none configured; CRLs from the certificates' distribution points). */
	cardTrust?: CardTrustOptions;
};

/** Puts together the parts the handlers share, for one service. */
export function createRouteContext(accounts: AccountService, options: RouteContextOptions): RouteContext {
	const challenges = new ChallengeStore(accounts.db, options.now);
	const auth = new AuthState(accounts.db, options.now);
	const oneTimeCodes = new OneTimeCodes({...options.codes, db: accounts.db, now: options.now});
	const codes = new ChannelCodes({db: accounts.db, codes: oneTimeCodes, messages: accounts.messages, audit: accounts.audit, auth, now: options.now});
	// Each instance purges; the deletes are idempotent, so several instances doing it is harmless.
	const throttle = new Throttle(accounts.db, options.now);
	const purge = setInterval(
		() => void Promise.all([auth.purge(), oneTimeCodes.purge(), throttle.purge(Math.max(LONGEST_THROTTLE_WINDOW_MS, LONGEST_QUOTA_WINDOW_MS))]).catch(() => undefined),
		PURGE_MS,
	);
	purge.unref();
	let anchorsPem = options.trustAnchorsPem;
	let anchors: ReturnType<typeof import('../auth/card-proof.js').parseAnchors> | undefined;
	// Intermediates and the revocation lists fetched, kept when the anchors change.
	let cardTrust: import('../auth/card-proof.js').CardTrust | undefined;
	return {
		accounts,
		challenges,
		auth,
		codes,
		throttle,
		limits: requestLimits(options.challengesPerMinute),
		wideSearches: new WorkLane(
			1,
			2,
			() => new BackendError('rate-limited', 'Recherche trop large pour le moment : ajoutez un nom ou un filtre, ou réessayez dans un instant', undefined, {retryAfterSeconds: 1}),
		),
		async prove(proof, purpose) {
			// Loaded on the first proof: @peculiar/x509 stays off the kiosk's start-up path.
			const proofs = await import('../auth/card-proof.js');
			anchors ??= proofs.parseAnchors(anchorsPem);
			cardTrust ??= proofs.cardTrust('', options.cardTrust);
			return proofs.verifyCardProof(proof, challenges.for(purpose), {...cardTrust, anchors});
		},
		stop: () => clearInterval(purge),
		trust(trustAnchorsPem) {
			anchorsPem = trustAnchorsPem;
			anchors = undefined;
		},
	};
}
