/**
 * Removes C0/C1 control characters (ESC included) from text that comes from a card, a file or
 * the backend: Ink passes SGR and OSC 8 sequences through `<Text>`, so an unfiltered string
 * could repaint or hyperlink the kiosk's screen.
 */
export function stripControl(text: string): string {
	// eslint-disable-next-line no-control-regex
	return text.replace(/[\u0000-\u001F\u007F-\u009F]/g, '');
}
