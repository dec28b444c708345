/**
 * Removes C0/C1 control characters (ESC included) and bidirectional overrides from text that
 * comes from a card, a file, the backend or the keyboard: Ink passes SGR and OSC 8 sequences
 * through `<Text>`, so an unfiltered string could repaint or hyperlink the kiosk's screen, and
 * a bidi override could make an address read differently from what it is.
 */
export function stripControl(text: string): string {
	return text.replace(CONTROL_ALL, '');
}

const CONTROL = /[\u0000-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
const CONTROL_ALL = new RegExp(CONTROL.source, 'g');

/** Whether stripControl would change `text` (cheaper than stripping, for large imports). */
export function hasControl(text: string): boolean {
	return CONTROL.test(text);
}

/**
 * `value` with stripControl applied to every string inside it (arrays and plain objects walked):
 * an answer of the service is cleaned once, where it enters the kiosk, so that no field of it
 * (an e-mail put back in a form, a directory entry) can carry an escape sequence to the terminal.
 */
export function stripControlDeep<T>(value: T): T {
	if (typeof value === 'string') return stripControl(value) as T;
	if (Array.isArray(value)) return value.map(item => stripControlDeep(item)) as T;
	if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [stripControl(key), stripControlDeep(item)])) as T;
	return value;
}
