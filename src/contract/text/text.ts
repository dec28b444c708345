/** `Hérouville` → `Herouville`: drops combining marks after canonical decomposition. */
function stripDiacritics(text: string): string {
	return text.normalize('NFD').replace(/\p{M}/gu, '');
}

const NON_ASCII = /[^\u0000-\u007F]/;

const LIGATURES: Record<string, string> = {œ: 'oe', æ: 'ae', ß: 'ss', ø: 'o', đ: 'd', ł: 'l'};

/** Lower case, ligatures expanded (œ→oe, ß→ss), diacritics removed: `Bœuf-Hérault` → `boeuf-herault`. */
export function foldLatin(text: string): string {
	// Most text is plain ASCII (addresses, most names): nothing to decompose.
	if (!NON_ASCII.test(text)) return text.toLowerCase();
	return stripDiacritics(text.toLowerCase().replace(/[œæßøđł]/g, letter => LIGATURES[letter] ?? letter));
}

/**
 * Greedy word wrap to `width` columns; long words are cut. Screens use it to know how many
 * lines a block takes, so a viewport can keep the focused field on screen at 24 rows.
 */
export function wrapText(text: string, columns: number): string[] {
	// A terminal resized to almost nothing still gets readable (if narrow) lines, never a hang.
	const width = Math.max(columns, 8);
	const lines: string[] = [];
	for (const paragraph of text.split('\n')) {
		let line = '';
		for (const word of paragraph.split(/ +/)) {
			let rest = word;
			while ([...rest].length > width) {
				if (line) {
					lines.push(line);
					line = '';
				}
				lines.push(rest.slice(0, width));
				rest = rest.slice(width);
			}
			if (line === '') line = rest;
			else if ([...line].length + 1 + [...rest].length <= width) line += ` ${rest}`;
			else {
				lines.push(line);
				line = rest;
			}
		}
		lines.push(line);
	}
	return lines;
}
