import {Box, Text} from 'ink';

/** Props of the footer. */
export type FooterProps = {
	/** Key hints of the current screen, most important first; those that do not fit are dropped. */
	keys: string[];
	/** One-line message above the keys (notice, countdown); empty line when absent. */
	status?: {text: string; tone: 'info' | 'warning'};
	width: number;
	color: boolean;
};

/** Status line and the keys line, at the bottom of every screen. */
export function Footer({keys, status, width, color}: FooterProps) {
	const shown: string[] = [];
	let used = 0;
	for (const key of keys) {
		const cost = key.length + (shown.length > 0 ? 3 : 0);
		if (used + cost > width) break;
		shown.push(key);
		used += cost;
	}
	return (
		<Box flexDirection="column" width={width}>
			<Text wrap="truncate-end" bold={status?.tone === 'warning'} color={color && status?.tone === 'warning' ? 'yellow' : undefined}>
				{status?.text ?? ' '}
			</Text>
			<Text dimColor wrap="truncate-end">
				{shown.join(' · ')}
			</Text>
		</Box>
	);
}
