import {randomUUID} from 'node:crypto';
import {useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore} from 'react';
import type {Browser} from '../hardware/browser.js';
import type {CpsToken} from '../hardware/cps-token.js';
import {readyForPin, type ReaderMonitor, type ReaderSnapshot} from '../hardware/reader-monitor.js';
import type {Catalogue} from '../contract/i18n/index.js';
import {addressProposals} from '../contract/rules/address-rules.js';
import {formOptions, formProblems, type AccountField} from '../contract/rules/account-rules.js';
import {BackendError} from '../contract/api/errors.js';
import type {ApiClient} from '../contract/api/operations.js';
import type {CardProof} from '../contract/domain/account.js';
import {assessPassword, loadPasswordDictionaries, type PasswordAssessment} from '../contract/rules/password-policy.js';
import {stripControl} from '../contract/text/sanitize.js';
import {checkEmail} from '../contract/rules/contact-rules.js';
import {createStore} from '../state/store.js';
import {INITIAL_SESSION, directoryWindowHas, isPristine, sessionReducer, type HelpTopic, type NoticeKind, type Session, type SessionAction} from '../state/session.js';
import {useReaderSnapshot} from './use-reader-snapshot.js';

/** What the kiosk is wired to. */
export type KioskDeps = {
	/** Readers and card. */
	monitor: ReaderMonitor;
	/** The card's token (PIN, identity, signature). */
	token: CpsToken;
	/** The activation backend. */
	backend: ApiClient;
	/** The workstation's browser. */
	browser: Browser;
	/** Messages of the session's language (backend errors are translated here). */
	t: Catalogue;
	/** Saves the reader chosen among several, for the next start. */
	rememberReader?: (name: string) => void;
	/** Language of the diagnostics' sentences. */
	lang: 'fr' | 'en';
};

/** The password as last assessed by the full policy (dictionaries), for the strength meter. */
export type PasswordCheck = {password: string; assessment: PasswordAssessment};

/** Intents the screens emit; the only place where the kiosk does I/O for them. */
export type KioskIntents = {
	dispatch: (action: SessionAction) => void;
	startWizard: () => void;
	openHelp: (topic: HelpTopic) => void;
	submitPin: (pin: string) => void;
	continueAfterLogin: () => void;
	retryAvailability: () => void;
	submitAccount: () => void;
	invite: () => void;
	/** The 6-digit code typed on the code screen. */
	submitCode: (code: string) => void;
	/** Asks for a new code (the same request). */
	resendCode: () => void;
	startSignIn: () => void;
	/** "Recevoir mon code" on the sign-in screen. */
	submitSignIn: () => void;
	openBrowser: (url: string) => void;
	/** Runs the workstation diagnostics (pcscd, readers, module) in the background, for help screens. */
	diagnose: () => void;
	/** Reads the next reader's card (several readers), and remembers the choice. */
	nextReader: () => void;
	/** Whether a browser can be opened on this workstation (asked when the webmail screen opens). */
	browserAvailable: () => Promise<boolean>;
	finish: () => void;
	wipe: (notice: NoticeKind | null) => void;
	/** "Rechercher dans l'annuaire" (from Welcome, or from the account page: published mobiles too). */
	openDirectory: () => void;
	/** Searches the directory with the query as it stands now (called after each edit). */
	searchDirectory: () => void;
	/** Highlights result `index`, fetching the results around it when they are not at hand. */
	selectDirectoryResult: (index: number) => void;
};

/** Results fetched at a time, around the highlighted one. */
export const DIRECTORY_WINDOW = 50;

/** The last diagnostics of the workstation: what the help screens add to the live checklist. */
export type Diagnosis = {phase: 'idle'} | {phase: 'running'} | {phase: 'done'; problems: string[]};

export type Kiosk = {
	diagnosis: Diagnosis;
	/** The session as of this render. */
	state: Session;
	/** The session as of now: what key handlers read (see createStore). */
	now: () => Session;
	snapshot: ReaderSnapshot;
	passwordCheck: PasswordCheck | null;
	intents: KioskIntents;
};

function describe(error: unknown, t: Catalogue): string {
	if (error instanceof BackendError) return t.backendErrors[error.code];
	return t.backendErrors.unavailable;
}

/** Problems of the step-3 form, with the dictionary part of the password policy when known. */
export function accountProblems(state: Session, check: PasswordCheck | null): Partial<Record<AccountField, string>> {
	const problems: Partial<Record<AccountField, string>> = formProblems(state.form, state.mode === 'create');
	const assessed = check && check.password === state.form.password && state.form.password !== '' ? check.assessment : null;
	const dictionaryProblem = assessed?.problems.find(problem => ['common', 'personal', 'weak', 'too-long'].includes(problem));
	if (!problems.password && dictionaryProblem) problems.password = dictionaryProblem;
	return problems;
}

/**
 * The kiosk's logic: the session reducer, the reader and token, the backend. Screens render
 * `state` and call `intents`; asynchronous results are dropped when the session they belong
 * to was wiped meanwhile (card removed, idle, Terminer).
 */
export function useKiosk({monitor, token, backend, browser, t, rememberReader, lang}: KioskDeps): Kiosk {
	const [store] = useState(() => createStore(sessionReducer, INITIAL_SESSION));
	const state = useSyncExternalStore(store.subscribe, store.get);
	const {dispatch} = store;
	const snapshot = useReaderSnapshot(monitor);
	const [passwordCheck, setPasswordCheck] = useState<PasswordCheck | null>(null);
	const [diagnosis, setDiagnosis] = useState<Diagnosis>({phase: 'idle'});

	const generation = useRef(0);
	// One directory search in flight at a time; edits made meanwhile are searched when it returns.
	const directoryFlight = useRef({running: false, again: false});

	const wipe = useCallback(
		(notice: NoticeKind | null) => {
			generation.current++;
			setPasswordCheck(null);
			dispatch({type: 'wipe', notice});
			void token.logout().catch(() => undefined);
		},
		[token, dispatch],
	);

	/** Runs `work` and hands its result to `then` only if the session is still the same. */
	const guarded = useCallback(<T,>(work: Promise<T>, then: (value: T) => void, fail: (error: unknown) => void) => {
		const at = generation.current;
		work.then(
			value => generation.current === at && then(value),
			error => generation.current === at && fail(error),
		);
	}, []);

	// Removing the card ends the session at once (SPEC §10). Listened to on the monitor itself,
	// not on rendered snapshots: a card pulled and pushed back between two renders is a removal.
	useEffect(() => {
		let hadCard = monitor.current().card !== null;
		return monitor.subscribe(snapshot => {
			const hasCard = snapshot.card !== null;
			if (hadCard && !hasCard && !isPristine(store.get())) wipe('card-removed');
			hadCard = hasCard;
		});
	}, [monitor, store, wipe]);

	// The token's flags tell the PIN state before any attempt (final try, locked).
	const ready = readyForPin(snapshot);
	const needsPinStatus = state.screen === 'step1' && ready && state.pin.phase === 'entry' && state.pin.status === null;
	useEffect(() => {
		if (!needsPinStatus) return;
		guarded(token.pinStatus(), status => dispatch({type: 'pin-status', status}), () => undefined);
	}, [needsPinStatus, token, guarded]);

	// Step 2 asks the backend which proposals are free as soon as it is shown.
	const needsAvailability = state.screen === 'step2' && state.identity !== null && state.availability === null && state.availabilityRequest.phase === 'idle';
	const fetchAvailability = useCallback(() => {
		const {identity} = store.get();
		if (!identity) return;
		dispatch({type: 'availability', request: {phase: 'sending'}});
		guarded(
			backend.availability({addresses: addressProposals(identity).map(proposal => proposal.address)}),
			({results}) => dispatch({type: 'availability', request: {phase: 'idle'}, result: results}),
			error => dispatch({type: 'availability', request: {phase: 'failed', error: describe(error, t)}}),
		);
	}, [backend, guarded, t]);
	useEffect(() => {
		if (needsAvailability) fetchAvailability();
	}, [needsAvailability, fetchAvailability]);

	// Dictionaries load in the background once the wizard starts, not at start-up.
	useEffect(() => {
		if (state.screen === 'step1') void loadPasswordDictionaries();
	}, [state.screen]);

	// Full password policy, debounced while typing.
	const {password} = state.form;
	useEffect(() => {
		if (password === '') return;
		const identity = store.get().identity ?? {};
		const timer = setTimeout(() => {
			guarded(assessPassword(password, identity), assessment => setPasswordCheck({password, assessment}), () => undefined);
		}, 120);
		return () => clearTimeout(timer);
	}, [password, guarded]);

	/** Signs a fresh backend challenge with the card: what every request about this practitioner carries. */
	const proveCard = useCallback(async (): Promise<CardProof> => {
		const {challengeId, challenge} = await backend.challenge({});
		const [signature, certificate] = await Promise.all([token.sign(new Uint8Array(Buffer.from(challenge, 'base64'))), token.certificate()]);
		return {challengeId, signature: Buffer.from(signature).toString('base64'), certificate: Buffer.from(certificate).toString('base64')};
	}, [backend, token]);

	// Intents that chain into others (a verified code resumes the activation) reach them here.
	const intentsRef = useRef<KioskIntents | null>(null);
	const intents = useMemo<KioskIntents>(
		() => ({
			dispatch,
			wipe,
			startWizard: () => dispatch({type: 'go', screen: 'step1'}),
			openHelp: topic => dispatch({type: 'open-help', topic}),
			submitPin(pin) {
				if (!/^\d{4}$/.test(pin)) {
					dispatch({type: 'pin-too-short'});
					return;
				}
				dispatch({type: 'pin-checking'});
				guarded(
					token.login(pin).then(async result => {
						if (result.kind !== 'ok') return {result, account: null};
						const account = await proveCard()
							.then(proof => backend.lookup({proof}))
							.catch(() => null);
						return {result, account};
					}),
					({result, account}) => {
						if (result.kind === 'ok') dispatch({type: 'pin-ok', identity: result.identity, account});
						else if (result.kind === 'incorrect') dispatch({type: 'pin-incorrect', triesLeft: result.triesLeft});
						else if (result.kind === 'locked') dispatch({type: 'pin-locked'});
						else if (result.kind === 'card-removed') dispatch({type: 'pin-card-removed'});
						else dispatch({type: 'pin-error', message: result.message});
					},
					error => dispatch({type: 'pin-error', message: (error as Error).message}),
				);
			},
			continueAfterLogin() {
				dispatch({type: 'go', screen: store.get().account ? 'step4' : 'step2'});
			},
			retryAvailability: fetchAvailability,
			submitAccount() {
				const current = store.get();
				const {identity} = current;
				if (!identity || current.submit.phase === 'sending') return;
				dispatch({type: 'submit-attempted'});
				const requestId = current.requestId ?? randomUUID();
				const check = current.form.password ? assessPassword(current.form.password, identity) : Promise.resolve(null);
				guarded(
					check,
					assessment => {
						const now = store.get();
						const problems = accountProblems(now, assessment ? {password: now.form.password, assessment} : null);
						if (assessment) setPasswordCheck({password: now.form.password, assessment});
						if (Object.keys(problems).length > 0) return;
						dispatch({type: 'submit', request: {phase: 'sending'}, requestId});
						const options = formOptions(now.form);
						const channel = options.otpChannel;
						const destination = channel === 'sms' ? (options.mobile ?? '') : options.email;
						const key = `${channel}:${destination}`;
						const account = now.mode === 'edit' ? now.account : null;
						const unchanged = account !== null && `${account.options.otpChannel}:${account.options.otpChannel === 'sms' ? account.options.mobile : account.options.email}` === key;
						const verificationId = now.verified?.key === key ? now.verified.id : undefined;
						// Before activating (or moving codes elsewhere), the chosen channel gets a code that
						// must be typed back: a mistyped mobile or e-mail cannot lock the practitioner out.
						if (!unchanged && !verificationId && !now.authSession) {
							guarded(
								proveCard().then(proof => backend.verifyChannel({proof, channel, destination})),
								sent => dispatch({type: 'code-sent', purpose: 'verify-channel', sent}),
								error => dispatch({type: 'submit', request: {phase: 'failed', error: describe(error, t), code: error instanceof BackendError ? error.code : undefined}}),
							);
							return;
						}
						const password = now.form.password || undefined;
						// A new proof for each attempt: "Réessayer" signs again, with the same requestId.
						const saving = now.authSession && account
							? backend.update({address: account.address, session: now.authSession, options, password})
							: proveCard().then(proof =>
									account
										? backend.update({address: account.address, proof, options, password, verificationId})
										: backend.activate({
												requestId,
												proof,
												verificationId: verificationId ?? '',
												address: now.availability?.[now.chosenAddress]?.available ?? '',
												password: now.form.password,
												options,
											}),
								);
						guarded(
							saving,
							saved => dispatch({type: 'saved', account: saved}),
							error => dispatch({type: 'submit', request: {phase: 'failed', error: describe(error, t), code: error instanceof BackendError ? error.code : undefined}}),
						);
					},
					error => dispatch({type: 'submit', request: {phase: 'failed', error: stripControl((error as Error).message)}}),
				);
			},
			submitCode(code) {
				const {code: pending} = store.get();
				if (!pending || pending.request.phase === 'sending') return;
				if (!/^\d{6}$/.test(code)) {
					dispatch({type: 'code-request', request: {phase: 'failed', error: t.code.sixDigits}});
					return;
				}
				dispatch({type: 'code-request', request: {phase: 'sending'}});
				const failed = (error: unknown) => dispatch({type: 'code-request', request: {phase: 'failed', error: describe(error, t), code: error instanceof BackendError ? error.code : undefined}});
				if (pending.purpose === 'sign-in') {
					guarded(backend.confirmSignIn({signInId: pending.sent.id, code}), ({session, account}) => dispatch({type: 'signed-in', session, account}), failed);
					return;
				}
				guarded(
					backend.confirmChannel({verificationId: pending.sent.id, code}),
					() => {
						const options = formOptions(store.get().form);
						dispatch({type: 'channel-verified', key: `${options.otpChannel}:${options.otpChannel === 'sms' ? (options.mobile ?? '') : options.email}`, id: pending.sent.id});
						// Verified: carry on with the activation (or the change) that asked for it.
						queueMicrotask(() => intentsRef.current?.submitAccount());
					},
					failed,
				);
			},
			resendCode() {
				const {code: pending} = store.get();
				if (!pending) return;
				if (pending.purpose === 'sign-in') intentsRef.current?.submitSignIn();
				else {
					dispatch({type: 'back'});
					queueMicrotask(() => intentsRef.current?.submitAccount());
				}
			},
			startSignIn: () => dispatch({type: 'go', screen: 'sign-in'}),
			submitSignIn() {
				const {signIn} = store.get();
				if (signIn.request.phase === 'sending') return;
				if (!signIn.address.trim() || !signIn.password) {
					dispatch({type: 'sign-in-request', request: {phase: 'failed', error: t.signIn.missing}});
					return;
				}
				dispatch({type: 'sign-in-request', request: {phase: 'sending'}});
				guarded(
					backend.signIn({address: signIn.address.trim().toLowerCase(), password: signIn.password}),
					sent => dispatch({type: 'code-sent', purpose: 'sign-in', sent}),
					error => dispatch({type: 'sign-in-request', request: {phase: 'failed', error: describe(error, t), code: error instanceof BackendError ? error.code : undefined}}),
				);
			},
			invite() {
				const {account, invite} = store.get();
				if (!account) return;
				const emails = invite.input.split(/[\s,;]+/).filter(Boolean);
				if (emails.length === 0) {
					dispatch({type: 'invite', request: {phase: 'failed', error: t.invite.empty}});
					return;
				}
				const invalid = emails.filter(email => !checkEmail(email).ok);
				if (invalid.length > 0) {
					dispatch({type: 'invite', request: {phase: 'failed', error: t.invite.invalid(invalid.join(', '))}});
					return;
				}
				dispatch({type: 'invite', request: {phase: 'sending'}});
				guarded(
					proveCard().then(proof => backend.invite({proof, emails})),
					({sent}) => dispatch({type: 'invite', request: {phase: 'idle'}, sent}),
					error => dispatch({type: 'invite', request: {phase: 'failed', error: describe(error, t)}}),
				);
			},
			openBrowser: url => void browser.open(url).catch(() => undefined),
			browserAvailable: () => browser.available().catch(() => false),
			diagnose() {
				setDiagnosis(current => {
					if (current.phase === 'running') return current;
					// Child processes and a module load: off the start-up path, and never awaited by a render.
					void import('../hardware/diagnostics.js')
						.then(({runDiagnostics}) => runDiagnostics({modulePath: monitor.current().module.path, lang}))
						.then(report => setDiagnosis({phase: 'done', problems: report.verdict.problems}))
						.catch(() => setDiagnosis({phase: 'idle'}));
					return {phase: 'running'};
				});
			},
			nextReader() {
				const {readers, card} = monitor.current();
				if (readers.length < 2) return;
				const next = readers[(readers.indexOf(card?.reader ?? '') + 1) % readers.length] as string;
				monitor.preferReader(next);
				rememberReader?.(next);
			},
			finish: () => wipe('finished'),
			openDirectory() {
				dispatch({type: 'open-directory'});
				const {account, authSession, directorySession, identity} = store.get();
				// The holder of an activated account, proven by the card, sees published mobiles.
				if (account && identity && !authSession && !directorySession) {
					guarded(
						proveCard().then(proof => backend.openSession({proof})),
						({session}) => {
							dispatch({type: 'directory-session', session});
							intentsRef.current?.searchDirectory();
						},
						() => undefined,
					);
				}
				intentsRef.current?.searchDirectory();
			},
			searchDirectory() {
				const flight = directoryFlight.current;
				if (flight.running) {
					flight.again = true;
					return;
				}
				flight.running = true;
				const {directory, authSession, directorySession} = store.get();
				const {text, profession, place, city} = directory.query;
				dispatch({type: 'directory-request', request: {phase: 'sending'}});
				const search = backend.directory({q: text, profession, place, city, offset: Math.max(0, directory.selected - 10), limit: DIRECTORY_WINDOW}, {session: authSession ?? directorySession});
				guarded(
					search,
					page => {
						dispatch({type: 'directory-results', results: {total: page.total, offset: page.offset, entries: page.entries}, state: page.state});
						// The highlight moved while this page was on its way: fetch the results around it.
						const {directory: now} = store.get();
						if (now.results && now.results.total > 0 && !directoryWindowHas(now, now.selected)) flight.again = true;
					},
					error => dispatch({type: 'directory-request', request: {phase: 'failed', error: describe(error, t), code: error instanceof BackendError ? error.code : undefined}}),
				);
				const done = () => {
					flight.running = false;
					if (flight.again) {
						flight.again = false;
						intentsRef.current?.searchDirectory();
					}
				};
				search.then(done, done);
			},
			selectDirectoryResult(index) {
				dispatch({type: 'directory-select', index});
				const {directory} = store.get();
				if (directory.results && !directoryWindowHas(directory, directory.selected)) intentsRef.current?.searchDirectory();
			},
		}),
		[backend, token, browser, monitor, rememberReader, lang, guarded, wipe, fetchAvailability, proveCard, t],
	);

	intentsRef.current = intents;

	// While the national file loads, the search is asked again: results fill in when it is ready.
	const directoryLoading = state.screen === 'directory' && (state.directory.state?.phase === 'loading' || state.directory.state?.phase === 'idle');
	useEffect(() => {
		if (!directoryLoading) return;
		const timer = setInterval(() => intentsRef.current?.searchDirectory(), 700);
		return () => clearInterval(timer);
	}, [directoryLoading]);

	return {state, now: store.get, snapshot, passwordCheck, diagnosis, intents};
}
