import type {Kiosk} from '../hooks/use-kiosk.js';
import type {Lang} from '../contract/i18n/index.js';
import type {Texts} from '../contract/storage/assets.js';

/** What every screen receives: the session to render and the intents to emit. */
export type ScreenProps = {
	kiosk: Kiosk;
	/** Columns available. */
	width: number;
	/** Rows available between header and footer. */
	height: number;
	/** The card is the in-process demo card. */
	demo: boolean;
	/** Language of the session. */
	lang: Lang;
	/** CGU and convention de preuve, loaded at start. */
	texts: Texts;
};
