// The kiosk's session: each flow's slice of state side by side, and one reducer made of theirs.
// Every slice reducer sees every action and answers only its own; a step spanning several flows is
// several actions dispatched together (see Store.dispatch).
import {INITIAL_ACCOUNT, accountReducer, type AccountAction, type AccountState} from '../flows/account.js';
import {INITIAL_ADDRESS, addressReducer, type AddressAction, type AddressState} from '../flows/address.js';
import {INITIAL_CARD_AND_PIN, cardAndPinReducer, type CardAndPinAction, type CardAndPinState} from '../flows/card-and-pin.js';
import {INITIAL_DIRECTORY, directoryReducer, type DirectoryAction, type DirectorySearch} from '../flows/directory.js';
import {INITIAL_INVITATIONS, invitationsReducer, type InvitationsAction, type InvitationsState} from '../flows/invitations.js';
import {INITIAL_NAVIGATION, currentScreen, navigationReducer, type NavigationAction, type NavigationState, type NoticeKind} from '../flows/navigation.js';
import {oneTimeCodeReducer, type OneTimeCodeAction, type PendingCode} from '../flows/one-time-code.js';
import {INITIAL_SIGN_IN, signInReducer, type SignInAction, type SignInState} from '../flows/sign-in.js';
import {INITIAL_WORKSTATION, workstationReducer, type WorkstationAction, type WorkstationState} from '../flows/workstation.js';

/** The whole session: everything typed lives here, so Esc back and forth loses nothing. */
export type Session = {
	navigation: NavigationState;
	card: CardAndPinState;
	address: AddressState;
	account: AccountState;
	/** A one-time code sent and awaited (the code screen). */
	code: PendingCode | null;
	signIn: SignInState;
	invitations: InvitationsState;
	directory: DirectorySearch;
	/** Not the practitioner's: kept when the session is wiped. */
	workstation: WorkstationState;
};

export type SessionAction =
	| NavigationAction
	| CardAndPinAction
	| AddressAction
	| AccountAction
	| OneTimeCodeAction
	| SignInAction
	| InvitationsAction
	| DirectoryAction
	| WorkstationAction
	/** Card removed, idle, Terminer: back to a fresh session, `notice` saying why. */
	| {type: 'session/wipe'; notice: NoticeKind | null};

export const INITIAL_SESSION: Session = {
	navigation: INITIAL_NAVIGATION,
	card: INITIAL_CARD_AND_PIN,
	address: INITIAL_ADDRESS,
	account: INITIAL_ACCOUNT,
	code: null,
	signIn: INITIAL_SIGN_IN,
	invitations: INITIAL_INVITATIONS,
	directory: INITIAL_DIRECTORY,
	workstation: INITIAL_WORKSTATION,
};

/** Each slice's reducer. */
const REDUCERS: {[K in keyof Session]: (state: Session[K], action: SessionAction) => Session[K]} = {
	navigation: navigationReducer,
	card: cardAndPinReducer,
	address: addressReducer,
	account: accountReducer,
	code: oneTimeCodeReducer,
	signIn: signInReducer,
	invitations: invitationsReducer,
	directory: directoryReducer,
	workstation: workstationReducer,
};

const SLICES = Object.keys(REDUCERS) as Array<keyof Session>;

export function sessionReducer(session: Session, action: SessionAction): Session {
	if (action.type === 'session/wipe') return {...INITIAL_SESSION, navigation: {...INITIAL_NAVIGATION, notice: action.notice}, workstation: session.workstation};
	let next: Session | null = null;
	for (const slice of SLICES) {
		const reduce = REDUCERS[slice] as (state: Session[typeof slice], action: SessionAction) => Session[typeof slice];
		const state = reduce(session[slice], action);
		// The same session when nothing changed: the store then notifies no one.
		if (state !== session[slice]) next = {...(next ?? session), [slice]: state};
	}
	return next ?? session;
}

/** True when nothing has happened in this session yet: removing the card then wipes nothing. */
export function isPristine(session: Session): boolean {
	const {pin, identity} = session.card;
	return currentScreen(session.navigation) === 'welcome' && identity === null && pin.phase === 'entry' && !pin.lastAttempt;
}
