// The footer of every screen: the status lines (notice, countdown) and the key hints.
import {Box, Text} from 'ink';
import {wrapText} from '../contract/text/text.js';
import {useGlyphs} from './theme.js';

/** Rows the key hints take, under the status. */
const KEY_ROWS = 2;

/** A status of the footer: a notice, the idle countdown. */
export type Status = {text: string; tone: 'info' | 'warning'};

/** The status in lines of `width`: a long notice (a module path, the countdown) wraps rather than being cut. One empty line when absent. */
function statusLines(status: Status | undefined, width: number): string[] {
	return status ? wrapText(status.text, width) : [' '];
}

/** Rows the footer takes: the status, wrapped, and two lines of keys. */
export function footerRows(status: Status | undefined, width: number): number {
	return statusLines(status, width).length + KEY_ROWS;
}

/** Props of the footer. */
export type FooterProps = {
	/** Key hints of the current screen, in reading order; laid out on two lines. */
	keys: string[];
	/** Message above the keys (notice, countdown), on as many lines as it needs; empty line when absent. */
	status?: Status;
	/** Columns available. */
	width: number;
	/** Colours allowed (the warning tone is yellow then, bold always). */
	color: boolean;
};

/** Fills lines of `width` with the hints, each kept whole, `dot` between them. */
function layoutKeys(keys: string[], width: number, dot: string): string[] {
	const lines: string[] = [''];
	for (const key of keys) {
		const line = lines.at(-1) as string;
		if (line === '') lines[lines.length - 1] = key;
		else if (line.length + 3 + key.length <= width) lines[lines.length - 1] = `${line} ${dot} ${key}`;
		else lines.push(key);
	}
	return lines;
}

/** Status lines and the keys, at the bottom of every screen. */
export function Footer({keys, status, width, color}: FooterProps) {
	const {dot} = useGlyphs();
	const [first = '', second = ' '] = layoutKeys(keys, width, dot);
	return (
		<Box flexDirection="column" width={width}>
			{statusLines(status, width).map((line, index) => (
				// biome-ignore lint/suspicious/noArrayIndexKey: lines of one message, their place is their identity.
				<Text key={index} wrap="truncate-end" bold={status?.tone === 'warning'} color={color && status?.tone === 'warning' ? 'yellow' : undefined}>
					{line}
				</Text>
			))}
			<Text dimColor wrap="truncate-end">
				{first}
			</Text>
			<Text dimColor wrap="truncate-end">
				{second}
			</Text>
		</Box>
	);
}
