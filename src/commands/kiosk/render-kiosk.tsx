import chalk from 'chalk';
import {render, type Instance} from 'ink';
import {App} from '../../app.js';
import {detectTheme} from '../../components/theme.js';
import {catalogues, type Lang} from '../../contract/i18n/index.js';
import {loadTexts} from '../../contract/storage/assets.js';
import type {JsonStore} from '../../contract/storage/json-store.js';
import {systemBrowser} from '../../hardware/browser.js';
import type {CardStack} from '../../hardware/card-stack.js';
import type {ApiClient} from '../../contract/api/operations.js';
import type {Settings} from '../../services/settings.js';
import {KeyByKeyStdin} from '../../terminal/key-by-key-stdin.js';

/** What the kiosk's screen is wired to. */
export type KioskScreen = {
	stack: CardStack;
	backend: ApiClient;
	lang: Lang;
	settingsStore: JsonStore<Settings>;
	/** `--kiosk`. */
	kioskMode: boolean;
	/** Called once the session is wiped, to leave the program. */
	onExit: () => void;
};

/** Draws the kiosk's App in the terminal, keys handed to it one at a time. */
export function renderKiosk(screen: KioskScreen): Instance {
	const {stack, lang, settingsStore} = screen;
	const settings = settingsStore.db.data;
	const t = catalogues[lang];
	const startupNotice =
		[settingsStore.notice ? t.notices['settings-corrupt'](settingsStore.notice.savedAs) : undefined, stack.demoReason ? t.notices.demo(stack.demoReason, stack.modulePath) : undefined]
			.filter(Boolean)
			.join(' · ') || undefined;
	return render(
		<App
			monitor={stack.monitor}
			token={stack.token}
			demoCard={stack.demoCard}
			backend={screen.backend}
			browser={systemBrowser()}
			lang={lang}
			theme={detectTheme(process.env, chalk.level)}
			settings={settings}
			texts={loadTexts(lang)}
			kioskMode={screen.kioskMode}
			startupNotice={startupNotice}
			rememberReader={name => {
				settings.reader = name;
				void settingsStore.db.write().catch(() => undefined);
			}}
			onExit={screen.onExit}
		/>,
		{stdin: new KeyByKeyStdin(process.stdin) as unknown as NodeJS.ReadStream, exitOnCtrlC: false, patchConsole: true},
	);
}
