// Binds the kiosk's logic (src/state/kiosk.ts) to React: the store and flows are made once, each
// change of the session renders, and the few things that must follow what is shown run as effects.
import {useEffect, useState, useSyncExternalStore} from 'react';
import {loadPasswordDictionaries} from '../contract/rules/password-policy.js';
import {directoryLoading} from '../flows/directory.js';
import {currentScreen} from '../flows/navigation.js';
import {badgeState, cardLoss, readyForPin, type BadgeState, type CardLoss, type ReaderSnapshot} from '../hardware/reader-monitor.js';
import {createKiosk, type Kiosk, type KioskDeps} from '../state/kiosk.js';
import {isPristine, type Session} from '../state/session.js';
import {useReaderSnapshot} from './use-reader-snapshot.js';

/** The notices of a card lost, which a card inserted again makes stale. */
const CARD_LOSSES = new Set<string | null>(['card-removed', 'service-stopped', 'reader-gone'] satisfies CardLoss[]);

/** The kiosk as of this render. */
export type KioskView = {
	/** The store and every flow's intents (the same object at every render). */
	kiosk: Kiosk;
	/** The session as of this render (key handlers read `kiosk.store.get()`). */
	session: Session;
	/** Readers and card as of this render. */
	snapshot: ReaderSnapshot;
	/** What the header badge says. */
	badge: BadgeState;
	/** Step 1's four checks pass: the PIN may be asked. */
	pinReady: boolean;
};

/**
 * The kiosk's session for the screens. `deps` are read once, when the kiosk is made: the App is
 * rendered once per run with the same card, backend and language.
 */
export function useKioskSession(deps: KioskDeps): KioskView {
	const [kiosk] = useState(() => createKiosk(deps));
	const {store} = kiosk;
	const session = useSyncExternalStore(store.subscribe, store.get);
	const {monitor} = deps;
	const snapshot = useReaderSnapshot(monitor);
	const pinReady = readyForPin(snapshot);
	const screen = currentScreen(session.navigation);

	// Losing the card ends the session at once (SPEC §10), announced with its real cause (pulled out,
	// pcscd stopped, reader unplugged, the demo card replaced by the real stack). Listened to on the
	// monitor itself, not on rendered snapshots: a card pulled and pushed back between two renders is
	// a removal. A card back, the notice of its loss has had its say.
	useEffect(() => {
		let before = monitor.current();
		return monitor.subscribe(next => {
			const loss = cardLoss(before, next);
			const session = store.get();
			if (loss && !isPristine(session)) kiosk.wipe(loss);
			else if (loss === 'real-stack') kiosk.navigation.showNotice(loss);
			else if (next.card && !before.card && CARD_LOSSES.has(session.navigation.notice)) kiosk.navigation.showNotice(null);
			before = next;
		});
	}, [monitor, kiosk, store]);

	// The token's flags tell the PIN state before any attempt (final try, locked).
	const {pin, identity} = session.card;
	const needsPinStatus = screen === 'step1' && pinReady && pin.phase === 'entry' && pin.status === null;
	useEffect(() => {
		if (needsPinStatus) kiosk.card.checkPinStatus();
	}, [needsPinStatus, kiosk]);

	// Step 2 asks the backend which proposals are free as soon as it is shown.
	const needsAvailability = screen === 'step2' && identity !== null && session.address.availability === null && session.address.request.phase === 'idle';
	useEffect(() => {
		if (needsAvailability) kiosk.address.fetchAvailability();
	}, [needsAvailability, kiosk]);

	// Dictionaries load in the background once the wizard starts, not at start-up.
	useEffect(() => {
		if (screen === 'step1') void loadPasswordDictionaries();
	}, [screen]);

	// Full password policy, debounced while typing.
	const {password} = session.account.form;
	useEffect(() => {
		if (password === '') return;
		const timer = setTimeout(() => kiosk.account.assessPassword(password), 120);
		return () => clearTimeout(timer);
	}, [password, kiosk]);

	// While the national file loads, the search is asked again: results fill in when it is ready.
	const polling = screen === 'directory' && directoryLoading(session.directory);
	useEffect(() => {
		if (!polling) return;
		const timer = setInterval(kiosk.directory.search, 700);
		return () => clearInterval(timer);
	}, [polling, kiosk]);

	return {kiosk, session, snapshot, badge: badgeState(snapshot), pinReady};
}
