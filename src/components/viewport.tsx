// Scrolling for what does not fit: a viewport over a long form, a bordered pane over a long text.
import {Box, Text} from 'ink';
import {useRef, type ReactNode} from 'react';
import {useGlyphs, useSymbols} from './theme.js';

/** One terminal row of a long form, and the focusable items on it (none: static text). */
export type Row = {key: string; owners: number[]; node: ReactNode};

/** Exactly one terminal row: a row that would wrap is cut, never allowed to push others out. */
function Line({children}: {children: ReactNode}) {
	return (
		<Box height={1} flexShrink={0} overflow="hidden">
			{children}
		</Box>
	);
}

/** Props of the viewport. */
export type ViewportProps = {
	rows: Row[];
	/** The focused item: all its rows are kept on screen. */
	focused: number;
	/** Rows available, indicator rows included. */
	height: number;
};

/**
 * Shows the part of a long form that fits, scrolled so the focused item is visible, with ▲/▼
 * markers when more is above or below. Every row is one terminal line, so heights are exact.
 */
export function Viewport({rows, focused, height}: ViewportProps) {
	const symbols = useSymbols();
	const top = useRef(0);
	const body = Math.max(1, height - 2);
	if (rows.length <= height) {
		return (
			<Box flexDirection="column" height={height}>
				{rows.map(row => (
					<Line key={row.key}>{row.node}</Line>
				))}
			</Box>
		);
	}
	const first = rows.findIndex(row => row.owners.includes(focused));
	const last = rows.findLastIndex(row => row.owners.includes(focused));
	if (first >= 0) {
		// Include the static rows just above the item (its section title) when possible.
		let start = first;
		while (start > 0 && rows[start - 1]?.owners.length === 0 && first - start < 2) start--;
		if (start < top.current) top.current = start;
		// Scroll down just enough to show the item's last row, but never past its first row.
		if (last >= top.current + body) top.current = Math.min(start, last - body + 1);
	}
	top.current = Math.min(Math.max(0, top.current), rows.length - body);
	const visible = rows.slice(top.current, top.current + body);
	return (
		<Box flexDirection="column" height={height}>
			<Text dimColor aria-hidden>
				{top.current > 0 ? `  ${symbols.more.up}` : ' '}
			</Text>
			{visible.map(row => (
				<Line key={row.key}>{row.node}</Line>
			))}
			<Box flexGrow={1} />
			<Text dimColor aria-hidden>
				{top.current + body < rows.length ? `  ${symbols.more.down}` : ' '}
			</Text>
		</Box>
	);
}

/** Props of a scrollable text pane. */
export type ScrollPaneProps = {
	/** The whole text, one screen line each. */
	lines: string[];
	/** First line shown. */
	offset: number;
	/** Lines shown, borders excluded. */
	height: number;
	/** Double border when it has the focus (arrows scroll it). */
	focused: boolean;
};

/** A bordered pane showing `height` lines of `lines` from `offset` (the CGU, the convention de preuve). */
export function ScrollPane({lines, offset, height, focused}: ScrollPaneProps) {
	const glyphs = useGlyphs();
	return (
		<Box flexDirection="column" borderStyle={focused ? glyphs.focusedPane : glyphs.pane} paddingX={1} height={height + 2} flexShrink={0}>
			{lines.slice(offset, offset + height).map((line, index) => (
				// biome-ignore lint/suspicious/noArrayIndexKey: lines of a static text, their index is their identity.
				<Text key={`${offset + index}`} wrap="truncate-end">
					{line || ' '}
				</Text>
			))}
		</Box>
	);
}

/** Clamps a scroll offset for a pane. */
export function clampOffset(offset: number, total: number, height: number): number {
	return Math.min(Math.max(0, offset), Math.max(0, total - height));
}
