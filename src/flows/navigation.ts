// Navigation: a stack of screens. Forward pushes, Esc pops back to the screen below as it was left
// (its focused item included); help and overlays sit on top of the screen they were opened from.
import type {FlowContext} from './flow.js';
import type {SessionAction} from '../state/session.js';

/** Every screen of the kiosk (what each shows and does: src/screens/registry.tsx). */
export type ScreenName = 'welcome' | 'step1' | 'step2' | 'step3' | 'step4' | 'help' | 'convention' | 'webmail' | 'invite' | 'code' | 'sign-in' | 'directory';

/** What the help screen explains: one of step 1's help links, or the general help (F1). */
export type HelpTopic = 'no-card' | 'no-icon' | 'red-icon' | 'general';

/** Why the session was wiped or a message is shown on the status line (the card's causes: see cardLoss). */
export type NoticeKind = 'card-removed' | 'service-stopped' | 'reader-gone' | 'real-stack' | 'idle' | 'finished' | 'ctrl-c-disabled';

/** A screen on the stack, as it was left. */
export type ScreenEntry = {
	screen: ScreenName;
	/** Index of its focused item, in the screen's own focus order. */
	focus: number;
	/** Opened over the screen below (help, an overlay, the form in edit mode) rather than as the next page: leaving it keeps the notice. */
	over: boolean;
};

/** Where the person is, and the status line's message. */
export type NavigationState = {
	/** Screens opened and not yet left, the one shown last; never empty. */
	stack: ScreenEntry[];
	/** What the help screen explains. */
	helpTopic: HelpTopic;
	notice: NoticeKind | null;
};

export type NavigationAction =
	/** The next page (a wizard step, the sign-in): clears the notice. */
	| {type: 'navigation/go'; screen: ScreenName}
	/** A screen over the current one; nothing when it is already shown. */
	| {type: 'navigation/open'; screen: ScreenName}
	/** The help on `topic`, over the current screen (help opened from help changes its topic). */
	| {type: 'navigation/help'; topic: HelpTopic}
	/** Back to the screen below, as it was left; nothing on the last screen. */
	| {type: 'navigation/back'}
	/** Back from `screen` if it is the one shown (an answer arriving after the person left it changes nothing). */
	| {type: 'navigation/close'; screen: ScreenName}
	/** `screen` alone on the stack: where the session settles (step 4), nothing before it to go back to. */
	| {type: 'navigation/restart'; screen: ScreenName}
	/** Focuses item `index` of `screen`, if it is the screen shown. */
	| {type: 'navigation/focus'; screen: ScreenName; index: number}
	| {type: 'navigation/notice'; notice: NoticeKind | null};

export const INITIAL_NAVIGATION: NavigationState = {stack: [{screen: 'welcome', focus: 0, over: false}], helpTopic: 'general', notice: null};

/** The entry shown. */
export function topEntry(state: NavigationState): ScreenEntry {
	return state.stack.at(-1) as ScreenEntry;
}

/** The screen shown. */
export function currentScreen(state: NavigationState): ScreenName {
	return topEntry(state).screen;
}

/** The screen Esc would return to, if any. */
export function previousScreen(state: NavigationState): ScreenName | undefined {
	return state.stack.at(-2)?.screen;
}

function push(state: NavigationState, screen: ScreenName, over: boolean): ScreenEntry[] {
	return [...state.stack, {screen, focus: 0, over}];
}

export function navigationReducer(state: NavigationState, action: SessionAction): NavigationState {
	switch (action.type) {
		case 'navigation/go':
			return {...state, stack: push(state, action.screen, false), notice: null};
		case 'navigation/open':
			return currentScreen(state) === action.screen ? state : {...state, stack: push(state, action.screen, true)};
		case 'navigation/help':
			return {...state, helpTopic: action.topic, stack: currentScreen(state) === 'help' ? state.stack : push(state, 'help', true)};
		case 'navigation/back':
			if (state.stack.length < 2) return state;
			return {...state, stack: state.stack.slice(0, -1), notice: topEntry(state).over ? state.notice : null};
		case 'navigation/close':
			return currentScreen(state) === action.screen ? navigationReducer(state, {type: 'navigation/back'}) : state;
		case 'navigation/restart':
			return {...state, stack: [{screen: action.screen, focus: 0, over: false}], notice: null};
		case 'navigation/focus': {
			const top = topEntry(state);
			if (top.screen !== action.screen || top.focus === action.index) return state;
			return {...state, stack: [...state.stack.slice(0, -1), {...top, focus: action.index}]};
		}
		case 'navigation/notice':
			return state.notice === action.notice ? state : {...state, notice: action.notice};
		default:
			return state;
	}
}

/** The focused item of the screen shown, read and moved through the session (see focusIndex in src/components/focus-index.ts). */
export type FocusHandle = {
	/** As of this render. */
	index: number;
	/** As of now, for key handlers (a key may follow another before React renders). */
	now: () => number;
	set: (index: number) => void;
};

/** Intents of navigation. */
export function createNavigation({get, dispatch}: FlowContext) {
	return {
		/** The next page: a wizard step, the sign-in. */
		go: (screen: ScreenName) => dispatch({type: 'navigation/go', screen}),
		/** A screen over the current one (the convention de preuve, the webmail, invitations). */
		open: (screen: ScreenName) => dispatch({type: 'navigation/open', screen}),
		openHelp: (topic: HelpTopic) => dispatch({type: 'navigation/help', topic}),
		/** Esc, "Précédent": the screen below as it was left. */
		back: () => dispatch({type: 'navigation/back'}),
		showNotice: (notice: NoticeKind | null) => dispatch({type: 'navigation/notice', notice}),
		/** The focus of `entry` (the screen shown, as rendered), kept on the stack so that coming back to the screen restores it. */
		focus({screen, focus}: ScreenEntry): FocusHandle {
			return {
				index: focus,
				now: () => {
					const top = topEntry(get().navigation);
					return top.screen === screen ? top.focus : focus;
				},
				set: index => dispatch({type: 'navigation/focus', screen, index}),
			};
		},
	};
}

/** Intents of navigation, as the screens receive them. */
export type Navigation = ReturnType<typeof createNavigation>;
