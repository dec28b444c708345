import {Box} from 'ink';
import {KeyRouter, useKeys} from './hooks/use-keys.js';
import type {ReactNode} from 'react';
import {FOOTER_ROWS, Footer} from './components/footer.js';
import {Header} from './components/header.js';
import {ThemeContext, type Theme} from './components/theme.js';
import type {Browser} from './hardware/browser.js';
import type {CpsToken} from './hardware/cps-token.js';
import type {DemoCard} from './hardware/demo-card.js';
import type {ReaderMonitor} from './hardware/reader-monitor.js';
import {useFunctionKeys} from './hooks/use-function-keys.js';
import {useIdleTimer} from './hooks/use-idle-timer.js';
import {useKiosk} from './hooks/use-kiosk.js';
import {useTerminalSize} from './hooks/use-terminal-size.js';
import {catalogues, type Lang} from './contract/i18n/index.js';
import {I18nContext} from './hooks/use-t.js';
import {CodeScreen} from './screens/one-time-code.js';
import {ConventionScreen} from './screens/proof-agreement.js';
import {DirectoryScreen} from './screens/directory-search.js';
import {SignInScreen} from './screens/sign-in.js';
import {HelpScreen} from './screens/help.js';
import {InviteScreen} from './screens/invitations.js';
import type {ScreenProps} from './screens/screen-props.js';
import {Step1Screen} from './screens/card-and-pin.js';
import {Step2Screen} from './screens/address-choice.js';
import {Step3Screen} from './screens/account-form.js';
import {Step4Screen} from './screens/summary.js';
import {WebmailScreen} from './screens/webmail.js';
import {WelcomeScreen} from './screens/welcome.js';
import type {ApiClient} from './contract/api/operations.js';
import type {Texts} from './contract/storage/assets.js';
import type {Settings} from './services/settings.js';
import {isPristine, stepOf, type ScreenName} from './state/session.js';

/** Everything the kiosk is wired to, and how it presents itself. */
export type AppProps = {
	/** Readers and card, live. */
	monitor: ReaderMonitor;
	/** The card's PKCS#11 token (or the demo card). */
	token: CpsToken;
	/** The activation backend. */
	backend: ApiClient;
	/** The workstation's browser, for the webmail. */
	browser: Browser;
	/** Set when the card is the demo card: F2 inserts or removes it, DEMO is shown. */
	demoCard?: DemoCard;
	/** Language of the screens. */
	lang: Lang;
	/** What the terminal can draw. */
	theme: Theme;
	/** Kiosk settings (timeouts, webmail URL). */
	settings: Settings;
	/** CGU and convention de preuve in `lang`. */
	texts: Texts;
	/** `--kiosk`: Ctrl+C does not quit; Ctrl+Q (administrator) does. */
	kioskMode: boolean;
	/** Shown on the status line while the session is untouched (settings set aside, why DEMO). */
	startupNotice?: string;
	/** Saves the reader chosen among several (settings), for the next start. */
	rememberReader?: (name: string) => void;
	/** Called once the session is wiped, to leave the program. */
	onExit: () => void;
};

function Kiosk(props: AppProps) {
	const {lang, demoCard, kioskMode, settings} = props;
	const t = catalogues[lang];
	const {columns, rows} = useTerminalSize();
	const kiosk = useKiosk({monitor: props.monitor, token: props.token, backend: props.backend, browser: props.browser, t, rememberReader: props.rememberReader, lang});
	const {state, snapshot, intents} = kiosk;
	const idle = useIdleTimer({
		enabled: !isPristine(state),
		timeoutMs: settings.idleTimeoutSeconds * 1000,
		warningMs: settings.idleWarningSeconds * 1000,
		onExpire: () => intents.wipe('idle'),
	});

	const quit = () => {
		intents.wipe(null);
		props.onExit();
	};
	useKeys((input, key) => {
		idle.activity();
		if (key.ctrl && input === 'c') {
			if (kioskMode) intents.dispatch({type: 'notice', notice: 'ctrl-c-disabled'});
			else quit();
		} else if (key.ctrl && input === 'q' && kioskMode) quit();
		else if (key.escape) intents.dispatch({type: 'back'});
	});
	useFunctionKeys(key => {
		idle.activity();
		if (key === 'f1') intents.openHelp('general');
		else if (demoCard) demoCard.toggleCard();
	});

	// Header (3 rows) and footer.
	const height = Math.max(rows - 3 - FOOTER_ROWS, 10);
	const screenProps: ScreenProps = {kiosk, width: columns, height, demo: Boolean(demoCard), lang, texts: props.texts};
	const screens: Record<ScreenName, () => ReactNode> = {
		welcome: () => <WelcomeScreen {...screenProps} />,
		step1: () => <Step1Screen {...screenProps} />,
		step2: () => <Step2Screen {...screenProps} />,
		step3: () => <Step3Screen {...screenProps} />,
		step4: () => <Step4Screen {...screenProps} />,
		help: () => <HelpScreen {...screenProps} />,
		convention: () => <ConventionScreen {...screenProps} />,
		webmail: () => <WebmailScreen {...screenProps} webmailUrl={settings.webmailUrl} />,
		invite: () => <InviteScreen {...screenProps} />,
		code: () => <CodeScreen {...screenProps} />,
		'sign-in': () => <SignInScreen {...screenProps} />,
		directory: () => <DirectoryScreen {...screenProps} />,
	};

	const keys = state.screen === 'directory' ? [t.keys.field, t.keys.results, t.keys.details, t.keys.profession] : [t.keys.move, t.keys.enter];
	if (['step2', 'step3'].includes(state.screen)) keys.push(t.keys.toggle);
	if (['step2', 'convention'].includes(state.screen)) keys.push(t.keys.scroll);
	if (state.screen !== 'welcome' && state.screen !== 'step4') keys.push(t.keys.back);
	keys.push(t.keys.help);
	if (demoCard) keys.push(t.keys.demoCard);
	if (!kioskMode) keys.push(t.keys.quit);

	const notice = state.notice === null ? undefined : t.notices[state.notice];
	const status =
		idle.secondsLeft !== null
			? {text: t.idleCountdown(idle.secondsLeft), tone: 'warning' as const}
			: notice
				? {text: notice, tone: 'info' as const}
				: props.startupNotice && isPristine(state)
					? {text: props.startupNotice, tone: 'warning' as const}
					: undefined;

	return (
		<Box flexDirection="column" width={columns} height={rows}>
			<Header step={stepOf(state)} snapshot={snapshot} demo={Boolean(demoCard)} width={columns} />
			<Box height={height} flexDirection="column" overflow="hidden">
				{screens[state.screen]()}
			</Box>
			<Footer keys={keys} status={status} width={columns} color={props.theme.color} />
		</Box>
	);
}

/** The kiosk: language and theme contexts around the screens. */
export function App(props: AppProps) {
	return (
		<I18nContext.Provider value={catalogues[props.lang]}>
			<ThemeContext.Provider value={props.theme}>
				<KeyRouter>
					<Kiosk {...props} />
				</KeyRouter>
			</ThemeContext.Provider>
		</I18nContext.Provider>
	);
}
