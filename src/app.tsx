// The kiosk's frame: header, the screen shown (src/screens/registry.tsx), footer; the keys every
// screen shares (Esc, F1, F2, Ctrl+C) and the idle timeout.
import {Box, Text, useIsScreenReaderEnabled} from 'ink';
import {useMemo} from 'react';
import {Footer, footerRows} from './components/footer.js';
import {AdminExitPrompt} from './components/admin-exit.js';
import {Header} from './components/header.js';
import {asciiCatalogue, asciiText, ThemeContext, useGlyphs, type Theme} from './components/theme.js';
import type {ApiClient} from './contract/api/operations.js';
import {catalogues, type Lang} from './contract/i18n/index.js';
import type {Texts} from './contract/storage/assets.js';
import {currentScreen, topEntry} from './flows/navigation.js';
import type {Browser} from './hardware/browser.js';
import type {CpsToken} from './hardware/cps-token.js';
import type {DemoCard} from './hardware/demo-card.js';
import type {ReaderMonitor} from './hardware/reader-monitor.js';
import {useFunctionKeys} from './hooks/use-function-keys.js';
import {useIdleTimer} from './hooks/use-idle-timer.js';
import {useAdminExit} from './hooks/use-admin-exit.js';
import {KeyRouter, useFirstKeys, useKeys} from './hooks/use-keys.js';
import {useKioskSession} from './hooks/use-kiosk-session.js';
import {I18nContext, useT} from './hooks/use-t.js';
import {useTerminalSize} from './hooks/use-terminal-size.js';
import {SCREENS, stepOf} from './screens/registry.js';
import {checkAdminCode} from './services/admin-code.js';
import type {Settings} from './services/settings.js';
import {isPristine} from './state/session.js';

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
	/** `--kiosk`: Ctrl+C does not quit; Ctrl+Q asks the administrator's code (settings' `adminCodeHash`) and quits with it. */
	kioskMode: boolean;
	/** Shown on the status line while the session is untouched (settings set aside, why DEMO). */
	startupNotice?: string;
	/** Saves the reader chosen among several (settings), for the next start. */
	rememberReader?: (name: string) => void;
	/** Called once the session is wiped, to leave the program. */
	onExit: () => void;
};

/** The smallest terminal every screen fits in (SPEC §10: 80×24); below it the kiosk says so instead of drawing. */
const MIN_SIZE = {columns: 80, rows: 24};

function Kiosk(props: AppProps) {
	const {lang, demoCard, kioskMode, settings} = props;
	const t = useT();
	const glyphs = useGlyphs();
	const {columns, rows} = useTerminalSize();
	const view = useKioskSession({monitor: props.monitor, token: props.token, api: props.backend, browser: props.browser, t, rememberReader: props.rememberReader, lang});
	const {kiosk, session} = view;
	const entry = topEntry(session.navigation);
	const spec = SCREENS[entry.screen];
	const idle = useIdleTimer({
		enabled: !isPristine(session),
		timeoutMs: settings.idleTimeoutSeconds * 1000,
		warningMs: settings.idleWarningSeconds * 1000,
		onExpire: () => kiosk.wipe('idle'),
	});

	const quit = () => {
		kiosk.wipe(null);
		props.onExit();
	};
	const adminCodeHash = settings.adminCodeHash;
	const adminExit = useAdminExit({check: adminCodeHash ? code => checkAdminCode(code, adminCodeHash) : undefined, onExit: quit});
	// Keys the frame takes for itself: the one that ends the idle countdown is not typed into the
	// field as well, and while the administrator's code is asked the screen below gets none.
	useFirstKeys((input, key) => {
		if (idle.secondsLeft === null && !adminExit.open) return false;
		idle.activity();
		if (idle.secondsLeft === null) adminExit.key(input, key);
		return true;
	});
	// Every key, those a field used included: typing is activity.
	useKeys(
		(input, key) => {
			idle.activity();
			if (key.ctrl && input === 'c') {
				if (kioskMode) kiosk.navigation.showNotice('ctrl-c-disabled');
				else quit();
			} else if (key.ctrl && input === 'q' && kioskMode) adminExit.ask();
			// The screen shown now, which a key just before this one may have changed.
			else if (key.escape) SCREENS[currentScreen(kiosk.store.get().navigation)].escape?.(kiosk);
		},
		{everyKey: true},
	);
	useFunctionKeys(key => {
		idle.activity();
		// Taken by the countdown or the administrator's code, as every other key then.
		if (idle.secondsLeft !== null || adminExit.open) return;
		if (key === 'f1') kiosk.navigation.openHelp('general');
		else if (demoCard) demoCard.toggleCard();
	});

	const keys = [...spec.keys.map(name => t.keys[name]), t.keys.help];
	if (demoCard) keys.push(t.keys.demoCard);
	if (!kioskMode) keys.push(t.keys.quit);

	const {notice} = session.navigation;
	// What the session last said (card removed, the switch to real cards) does not hide a start-up
	// warning that still holds (no authority for real cards, settings set aside): both are shown.
	const startup = props.startupNotice && isPristine(session) ? props.startupNotice : undefined;
	const said = notice !== null ? t.notices[notice] : undefined;
	const status =
		idle.secondsLeft !== null
			? {text: t.idleCountdown(idle.secondsLeft), tone: 'warning' as const}
			: said || startup
				? {text: [said, startup].filter(Boolean).join(` ${glyphs.dot} `), tone: startup ? ('warning' as const) : ('info' as const)}
				: undefined;
	// Header (3 rows) and footer.
	const height = Math.max(rows - 3 - footerRows(status, columns), 10);
	// A screen reader is given the text, not a grid: the size does not matter to it.
	const tooSmall = !useIsScreenReaderEnabled() && (columns < MIN_SIZE.columns || rows < MIN_SIZE.rows);

	return (
		<Box flexDirection="column" width={columns} height={rows}>
			{tooSmall && <Text>{t.tooSmall(MIN_SIZE.columns, MIN_SIZE.rows, columns, rows)}</Text>}
			{/* Hidden, not unmounted, while the terminal is too small: what was typed is still there when it grows back. */}
			<Box flexDirection="column" display={tooSmall ? 'none' : 'flex'}>
				<Header step={stepOf(session.navigation)} badge={view.badge} demo={Boolean(demoCard)} width={columns} />
				{adminExit.state.phase !== 'closed' && (
					<Box height={height} flexDirection="column" overflow="hidden">
						<AdminExitPrompt state={adminExit.state} />
					</Box>
				)}
				{/* Hidden, not unmounted, while the administrator's code is asked: what was typed stays. */}
				<Box height={height} flexDirection="column" overflow="hidden" display={adminExit.open ? 'none' : 'flex'}>
					{spec.render({...view, focus: kiosk.navigation.focus(entry), width: columns, height, demo: Boolean(demoCard), texts: props.texts, webmailUrl: settings.webmailUrl})}
				</Box>
				<Footer keys={keys} status={status} width={columns} color={props.theme.color} />
			</Box>
		</Box>
	);
}

/**
 * The kiosk: language and theme contexts around the screens. On a terminal that is not UTF-8 the
 * catalogue and the seed texts are given in ASCII form, so that no screen draws a glyph it cannot.
 */
export function App(props: AppProps) {
	const {lang, theme, texts} = props;
	const t = useMemo(() => (theme.unicode ? catalogues[lang] : asciiCatalogue(catalogues[lang])), [lang, theme.unicode]);
	const shownTexts = useMemo(() => (theme.unicode ? texts : {cgu: asciiText(texts.cgu), convention: asciiText(texts.convention)}), [texts, theme.unicode]);
	const startupNotice = props.startupNotice && !theme.unicode ? asciiText(props.startupNotice) : props.startupNotice;
	return (
		<I18nContext.Provider value={t}>
			<ThemeContext.Provider value={theme}>
				<KeyRouter>
					<Kiosk {...props} texts={shownTexts} startupNotice={startupNotice} />
				</KeyRouter>
			</ThemeContext.Provider>
		</I18nContext.Provider>
	);
}
