// The footer of every screen: the status line (notice, countdown) and the key hints.
import {Box, Text} from 'ink';

/** Rows the footer takes: the status line and two lines of keys. */
export const FOOTER_ROWS = 3;

/** Props of the footer. */
export type FooterProps = {
	/** Key hints of the current screen, in reading order; laid out on two lines. */
	keys: string[];
	/** One-line message above the keys (notice, countdown); empty line when absent. */
	status?: {text: string; tone: 'info' | 'warning'};
	/** Columns available. */
	width: number;
	/** Colours allowed (the warning tone is yellow then, bold always). */
	color: boolean;
};

/** Fills lines of `width` with the hints, each kept whole. */
function layoutKeys(keys: string[], width: number): string[] {
	const lines: string[] = [''];
	for (const key of keys) {
		const line = lines.at(-1) as string;
		if (line === '') lines[lines.length - 1] = key;
		else if (line.length + 3 + key.length <= width) lines[lines.length - 1] = `${line} · ${key}`;
		else lines.push(key);
	}
	return lines;
}

/** Status line and the keys, at the bottom of every screen. */
export function Footer({keys, status, width, color}: FooterProps) {
	const [first = '', second = ' '] = layoutKeys(keys, width);
	return (
		<Box flexDirection="column" width={width}>
			<Text wrap="truncate-end" bold={status?.tone === 'warning'} color={color && status?.tone === 'warning' ? 'yellow' : undefined}>
				{status?.text ?? ' '}
			</Text>
			<Text dimColor wrap="truncate-end">
				{first}
			</Text>
			<Text dimColor wrap="truncate-end">
				{second}
			</Text>
		</Box>
	);
}
