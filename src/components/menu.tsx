import {Box, Text} from 'ink';
import {FocusMark} from './controls.js';

/** One entry of a menu. */
export type MenuItem = {
	/** React key. */
	key: string;
	label: string;
	/** Dim text after the label, e.g. "(prochaine version)". */
	note?: string;
};

/** A vertical list of actions; the focused one carries the pointer (input handled by the screen). */
export function Menu({items, focus, offset = 0}: {items: MenuItem[]; focus: number; /** Index of the first item in the screen's focus order. */ offset?: number}) {
	return (
		<Box flexDirection="column">
			{items.map((item, index) => (
				<Text key={item.key} wrap="truncate-end">
					<FocusMark focused={focus === offset + index} />
					<Text bold={focus === offset + index}>{item.label}</Text>
					{item.note && <Text dimColor>{` ${item.note}`}</Text>}
				</Text>
			))}
		</Box>
	);
}
