// A vertical menu of actions, the focused one pointed at; the screen handles the keys.
import {Box, Text} from 'ink';
import {FocusMark} from './controls.js';

/** One entry of a menu. */
type MenuItem = {
	/** React key. */
	key: string;
	label: string;
};

/** Props of a menu. */
export type MenuProps = {
	items: MenuItem[];
	/** The screen's focused item. */
	focus: number;
	/** Index of the first item in the screen's focus order. */
	offset?: number;
};

/** One action of a menu, on its line: the pointer and bold when focused. */
export function MenuLine({label, focused}: {label: string; focused: boolean}) {
	return (
		<Text wrap="truncate-end">
			<FocusMark focused={focused} />
			<Text bold={focused}>{label}</Text>
		</Text>
	);
}

/** A vertical list of actions; the focused one carries the pointer (input handled by the screen). */
export function Menu({items, focus, offset = 0}: MenuProps) {
	return (
		<Box flexDirection="column">
			{items.map((item, index) => (
				<MenuLine key={item.key} label={item.label} focused={focus === offset + index} />
			))}
		</Box>
	);
}
