import chalk from 'chalk';
import {render, type Instance} from 'ink';
import {useEffect, useState} from 'react';
import {App, type AppProps} from '../../app.js';
import {detectTheme} from '../../components/theme.js';
import {catalogues, type Lang} from '../../contract/i18n/index.js';
import {loadTexts} from '../../contract/storage/assets.js';
import type {JsonStore} from '../../contract/storage/json-store.js';
import {systemBrowser} from '../../hardware/browser.js';
import type {CardStack} from '../../hardware/card-stack.js';
import type {ApiClient} from '../../contract/api/operations.js';
import type {Settings} from '../../services/settings.js';
import {KeyByKeyStdin} from '../../terminal/key-by-key-stdin.js';
import {lineDiffStdout} from '../../terminal/line-diff-stdout.js';

/** What the kiosk's screen is wired to. */
export type KioskScreen = {
	stack: CardStack;
	backend: ApiClient;
	lang: Lang;
	settingsStore: JsonStore<Settings>;
	/** `--kiosk`. */
	kioskMode: boolean;
	/** With real cards, the embedded service has no authority to check them against: said while real cards serve. */
	realCardsUntrusted: boolean;
	/** Called once the session is wiped, to leave the program. */
	onExit: () => void;
};

/** What the kiosk root is drawn from. */
type KioskRootProps = {
	/** The App's props but the two that follow the card stack. */
	app: Omit<AppProps, 'demoCard' | 'startupNotice'>;
	stack: CardStack;
	/** Start-up notices that do not depend on the card stack (settings set aside). */
	notices: string[];
	/** With real cards, the embedded service trusts no authority (see KioskScreen). */
	realCardsUntrusted: boolean;
};

/**
 * The App with the stack's demo card and the start-up notice saying why it serves, both dropped
 * when the default mode's real stack replaces the demo card (the switch itself is announced by the
 * session, see use-kiosk-session).
 */
export function KioskRoot({app, stack, notices, realCardsUntrusted}: KioskRootProps) {
	const [demoCard, setDemoCard] = useState(stack.demoCard);
	useEffect(() => stack.onRealStack?.(() => setDemoCard(undefined)), [stack]);
	const t = catalogues[app.lang].notices;
	const demoNotice = demoCard && stack.demoReason ? t.demo(stack.demoReason, stack.modulePath) : undefined;
	// Said once real cards serve, at start or after the switch: before the practitioner types a PIN in vain.
	const trustNotice = !demoCard && realCardsUntrusted ? t['no-trust-anchors'] : undefined;
	const startupNotice = [...notices, demoNotice, trustNotice].filter(Boolean).join(' · ') || undefined;
	return <App {...app} demoCard={demoCard} startupNotice={startupNotice} />;
}

/** Draws the kiosk's App in the terminal, keys handed to it one at a time, only the lines that changed written. */
export function renderKiosk(screen: KioskScreen): Instance {
	const {stack, lang, settingsStore} = screen;
	const settings = settingsStore.db.data;
	const t = catalogues[lang];
	const notices = settingsStore.notice ? [t.notices['settings-corrupt'](settingsStore.notice.savedAs)] : [];
	const app = {
		monitor: stack.monitor,
		token: stack.token,
		backend: screen.backend,
		browser: systemBrowser(),
		lang,
		theme: detectTheme(process.env, chalk.level),
		settings,
		texts: loadTexts(lang),
		kioskMode: screen.kioskMode,
		rememberReader: (name: string) => {
			settings.reader = name;
			void settingsStore.db.write().catch(() => undefined);
		},
		onExit: screen.onExit,
	};
	return render(<KioskRoot app={app} stack={stack} notices={notices} realCardsUntrusted={screen.realCardsUntrusted} />, {
		stdin: new KeyByKeyStdin(process.stdin) as unknown as NodeJS.ReadStream,
		stdout: lineDiffStdout(process.stdout),
		exitOnCtrlC: false,
		patchConsole: true,
	});
}
