// Every screen of the kiosk in one table: what draws it (from the session, "attributes down, messages
// up"), the wizard step it belongs to, whether it sits over another, what Esc does on it, and the keys
// its footer lists.
import type {ReactElement} from 'react';
import type {Catalogue} from '../contract/i18n/index.js';
import type {Texts} from '../contract/storage/assets.js';
import {accountProblems, signedInWithoutCard} from '../flows/account.js';
import type {FocusHandle, NavigationState, ScreenName} from '../flows/navigation.js';
import type {KioskView} from '../hooks/use-kiosk-session.js';
import type {Kiosk} from '../state/kiosk.js';
import {AccountFormScreen} from './account-form.js';
import {AddressChoiceScreen} from './address-choice.js';
import {CardAndPinScreen} from './card-and-pin.js';
import {DirectorySearchScreen} from './directory-search.js';
import {HelpScreen} from './help.js';
import {InvitationsScreen} from './invitations.js';
import {OneTimeCodeScreen} from './one-time-code.js';
import {ProofAgreementScreen} from './proof-agreement.js';
import {SignInScreen} from './sign-in.js';
import {SummaryScreen} from './summary.js';
import {WebmailScreen} from './webmail.js';
import {WelcomeScreen} from './welcome.js';

/** What a screen is drawn from. */
type ScreenContext = KioskView & {
	/** The focus of the screen shown, kept on its stack entry. */
	focus: FocusHandle;
	/** Columns available. */
	width: number;
	/** Rows available between header and footer. */
	height: number;
	/** The card is the in-process demo card. */
	demo: boolean;
	/** CGU and convention de preuve, loaded at start. */
	texts: Texts;
	/** The webmail's address (settings). */
	webmailUrl: string;
};

/** A key hint of the footer (the hints every screen shares — help, demo card, quit — are added after). */
type FooterKey = keyof Catalogue['keys'];

/** What the kiosk knows of one screen. */
type ScreenSpec = {
	/** The wizard step (1–4) the stepper shows, or null outside the wizard. */
	step: number | null;
	/** Shown over another screen (help, the convention, the code…): the stepper shows the step below. */
	overlay: boolean;
	/** What Esc does; null where the session settles (Welcome, step 4). */
	escape: ((kiosk: Kiosk) => void) | null;
	/** The footer's key hints, in reading order. */
	keys: FooterKey[];
	render: (context: ScreenContext) => ReactElement;
};

const back = (kiosk: Kiosk) => kiosk.navigation.back();

/** Every screen of the kiosk. */
export const SCREENS: Record<ScreenName, ScreenSpec> = {
	welcome: {
		step: null,
		overlay: false,
		escape: null,
		keys: ['move', 'enter'],
		render: ({kiosk, width, focus}) => (
			<WelcomeScreen
				width={width}
				focus={focus}
				actions={{startWizard: () => kiosk.navigation.go('step1'), startSignIn: () => kiosk.navigation.go('sign-in'), openDirectory: kiosk.directory.open, openHelp: kiosk.navigation.openHelp}}
			/>
		),
	},
	step1: {
		step: 1,
		overlay: false,
		escape: back,
		keys: ['move', 'enter', 'back'],
		render: ({kiosk, session, snapshot, pinReady, focus}) => (
			<CardAndPinScreen
				card={session.card}
				now={() => kiosk.store.get().card}
				activated={session.account.activated}
				snapshot={snapshot}
				ready={pinReady}
				focus={focus}
				actions={{
					submitPin: kiosk.card.submitPin,
					continueAfterLogin: kiosk.card.continueAfterLogin,
					recheckCard: kiosk.card.recheckCard,
					openHelp: kiosk.navigation.openHelp,
					nextReader: kiosk.workstation.nextReader,
				}}
			/>
		),
	},
	step2: {
		step: 2,
		overlay: false,
		escape: back,
		keys: ['move', 'enter', 'toggle', 'scroll', 'back'],
		render: ({kiosk, session, texts, width, height, focus}) => (
			<AddressChoiceScreen
				address={session.address}
				identity={session.card.identity}
				cgu={texts.cgu}
				width={width}
				height={height}
				focus={focus}
				actions={{...kiosk.address, back: kiosk.navigation.back, openHelp: kiosk.navigation.openHelp}}
			/>
		),
	},
	step3: {
		step: 3,
		overlay: false,
		escape: back,
		keys: ['move', 'enter', 'toggle', 'back'],
		render: ({kiosk, session, width, height, focus}) => (
			<AccountFormScreen
				account={session.account}
				problems={accountProblems(session.account, signedInWithoutCard(session))}
				needsCard={signedInWithoutCard(session)}
				width={width}
				height={height}
				focus={focus}
				actions={{...kiosk.account, openConvention: () => kiosk.navigation.open('convention'), back: kiosk.navigation.back, openHelp: kiosk.navigation.openHelp}}
			/>
		),
	},
	step4: {
		step: 4,
		overlay: false,
		escape: null,
		keys: ['move', 'enter'],
		render: ({kiosk, session, width, height, focus}) => (
			<SummaryScreen
				account={session.account.activated}
				lastSave={session.account.lastSave}
				width={width}
				height={height}
				focus={focus}
				actions={{
					openWebmail: () => kiosk.navigation.open('webmail'),
					edit: kiosk.account.startEditing,
					invite: () => kiosk.navigation.open('invite'),
					openDirectory: kiosk.directory.open,
					finish: () => kiosk.wipe('finished'),
					openHelp: kiosk.navigation.openHelp,
				}}
			/>
		),
	},
	help: {
		step: null,
		overlay: true,
		escape: back,
		keys: ['move', 'enter', 'back'],
		render: ({kiosk, session, snapshot, demo, width}) => (
			<HelpScreen
				topic={session.navigation.helpTopic}
				snapshot={snapshot}
				diagnosis={session.workstation.diagnosis}
				demo={demo}
				width={width}
				actions={{diagnose: kiosk.workstation.diagnose, back: kiosk.navigation.back}}
			/>
		),
	},
	convention: {
		step: null,
		overlay: true,
		escape: back,
		keys: ['move', 'enter', 'scroll', 'back'],
		render: ({kiosk, texts, width, height}) => <ProofAgreementScreen text={texts.convention} width={width} height={height} close={kiosk.navigation.back} />,
	},
	webmail: {
		step: null,
		overlay: true,
		escape: back,
		keys: ['move', 'enter', 'back'],
		render: ({kiosk, webmailUrl, width, height}) => (
			<WebmailScreen
				url={webmailUrl}
				width={width}
				height={height}
				actions={{browserAvailable: kiosk.workstation.browserAvailable, openBrowser: kiosk.workstation.openBrowser, close: kiosk.navigation.back}}
			/>
		),
	},
	invite: {
		step: null,
		overlay: true,
		escape: back,
		keys: ['move', 'enter', 'back'],
		render: ({kiosk, session, width, focus}) => (
			<InvitationsScreen invitations={session.invitations} needsCard={signedInWithoutCard(session)} width={width} focus={focus} actions={kiosk.invitations} />
		),
	},
	code: {
		step: null,
		overlay: true,
		escape: back,
		keys: ['move', 'enter', 'back'],
		render: ({kiosk, session, focus}) => <OneTimeCodeScreen code={session.code} focus={focus} actions={kiosk.code} />,
	},
	'sign-in': {
		step: null,
		overlay: false,
		escape: back,
		keys: ['move', 'enter', 'back'],
		render: ({kiosk, session, width, focus}) => <SignInScreen signIn={session.signIn} width={width} focus={focus} actions={kiosk.signIn} />,
	},
	directory: {
		step: null,
		overlay: true,
		escape: kiosk => kiosk.directory.escape(),
		keys: ['field', 'results', 'details', 'profession', 'back'],
		render: ({kiosk, session, width, height, focus}) => (
			<DirectorySearchScreen
				search={session.directory}
				now={() => kiosk.store.get().directory}
				mobilesShown={Boolean(session.signIn.session || session.directory.session)}
				width={width}
				height={height}
				focus={focus}
				actions={kiosk.directory}
			/>
		),
	},
};

/** The wizard step the stepper shows: the screen's, or that of the screen an overlay (or help) sits on. */
export function stepOf(navigation: NavigationState): number | null {
	const page = navigation.stack.findLast(entry => !SCREENS[entry.screen].overlay);
	return page ? SCREENS[page.screen].step : null;
}
