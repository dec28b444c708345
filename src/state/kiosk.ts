// The kiosk's logic put together: one session store, and each flow wired to it and to the card,
// the backend, the workstation. Flows that resume others (a verified code resumes the activation)
// are handed those flows here.
import type {ApiClient} from '../contract/api/operations.js';
import type {Catalogue, Lang} from '../contract/i18n/index.js';
import {assessPassword} from '../contract/rules/password-policy.js';
import {createAccount} from '../flows/account.js';
import {createAddress} from '../flows/address.js';
import {createCardAndPin} from '../flows/card-and-pin.js';
import {createDirectory} from '../flows/directory.js';
import {createInvitations} from '../flows/invitations.js';
import {createNavigation, type NoticeKind} from '../flows/navigation.js';
import {createOneTimeCode} from '../flows/one-time-code.js';
import {createSignIn} from '../flows/sign-in.js';
import {createWorkstation} from '../flows/workstation.js';
import type {Browser} from '../hardware/browser.js';
import type {CpsToken} from '../hardware/cps-token.js';
import type {ReaderMonitor} from '../hardware/reader-monitor.js';
import {bindToSession} from './session-bound.js';
import {createSessionStore} from './session-store.js';

/** What the kiosk is wired to. */
export type KioskDeps = {
	/** Readers and card. */
	monitor: ReaderMonitor;
	/** The card's token (PIN, identity, signature). */
	token: CpsToken;
	/** The activation backend. */
	api: ApiClient;
	/** The workstation's browser. */
	browser: Browser;
	/** Messages of the session's language (backend errors are translated here). */
	t: Catalogue;
	/** Saves the reader chosen among several, for the next start. */
	rememberReader?: (name: string) => void;
	/** Language of the diagnostics' sentences. */
	lang: Lang;
};

/** The session store and every flow's intents. */
export function createKiosk({monitor, token, api: backend, browser, t, rememberReader, lang}: KioskDeps) {
	const store = createSessionStore();
	const {api, prove} = bindToSession(backend, token, store.signal);
	const account = createAccount(store, {api, prove, assess: assessPassword, t, lang});
	const signIn = createSignIn(store, {api, t, lang});
	return {
		store,
		navigation: createNavigation(store),
		card: createCardAndPin(store, {token, api, prove, t}),
		address: createAddress(store, {api, prove, t}),
		account,
		signIn,
		code: createOneTimeCode(store, {api, t, account, signIn}),
		invitations: createInvitations(store, {api, prove, t}),
		directory: createDirectory(store, {api, prove, t}),
		workstation: createWorkstation(store, {
			monitor,
			browser,
			rememberReader,
			// Child processes and a module load: off the start-up path, loaded on first use.
			diagnose: modulePath => import('../hardware/diagnostics.js').then(({runDiagnostics}) => runDiagnostics({modulePath, lang})).then(report => report.verdict.problems),
		}),
		/** Ends the session (card removed, idle, Terminer, quit): everything typed is gone, the card logged out. */
		wipe(notice: NoticeKind | null) {
			store.wipe(notice);
			void token.logout().catch(() => undefined);
		},
	};
}

/** The kiosk's logic: the session store and every flow's intents. */
export type Kiosk = ReturnType<typeof createKiosk>;
