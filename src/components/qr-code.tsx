// A QR code drawn with half blocks (two modules per character row), readable whatever the
// terminal's background: in colour it brings its own black on white, quiet zone included.
import {Box, Text} from 'ink';
import {useTheme} from './theme.js';

/** A QR code's modules, as the `qrcode` package gives them. */
export type QrMatrix = {size: number; get: (row: number, column: number) => number};

/** Quiet zones tried, widest first: 4 modules is the standard's, 1 still decodes on a clean background. */
const MARGINS = [4, 2, 1];

/** Terminal rows and columns of the code drawn with a quiet zone of `margin` modules. */
function qrBox(matrix: QrMatrix, margin: number): {rows: number; columns: number} {
	const side = matrix.size + margin * 2;
	return {rows: Math.ceil(side / 2), columns: side};
}

/** The widest quiet zone with which the code fits in `rows` × `columns`; null when none does. */
export function qrMargin(matrix: QrMatrix, rows: number, columns: number): number | null {
	return MARGINS.find(margin => qrBox(matrix, margin).rows <= rows && qrBox(matrix, margin).columns <= columns) ?? null;
}

/** The code's lines of half blocks; `inked(dark)`: whether a module of that colour is drawn with the glyph's ink. */
function halfBlocks(matrix: QrMatrix, margin: number, inked: (dark: boolean) => boolean): string[] {
	const side = matrix.size + margin * 2;
	const dark = (row: number, column: number) => {
		const r = row - margin;
		const c = column - margin;
		return r >= 0 && c >= 0 && r < matrix.size && c < matrix.size && matrix.get(r, c) === 1;
	};
	const lines: string[] = [];
	for (let row = 0; row < side; row += 2) {
		let line = '';
		for (let column = 0; column < side; column++) {
			const top = inked(dark(row, column));
			// Past an odd last row: the quiet zone, light.
			const bottom = row + 1 < side ? inked(dark(row + 1, column)) : inked(false);
			line += top && bottom ? '█' : top ? '▀' : bottom ? '▄' : ' ';
		}
		lines.push(line);
	}
	return lines;
}

/**
 * The code, `margin` modules of quiet zone around it. In colour: black ink on a white ground,
 * the same on a dark or a light terminal. Without colour the terminal's own ink and ground are
 * used: light modules inked on a dark background, dark ones on a light background.
 */
export function QrCode({matrix, margin}: {matrix: QrMatrix; margin: number}) {
	const {color, lightBackground} = useTheme();
	const inkDark = color || Boolean(lightBackground);
	const lines = halfBlocks(matrix, margin, dark => dark === inkDark);
	return (
		<Box flexDirection="column" flexShrink={0}>
			{lines.map((line, index) => (
				// biome-ignore lint/suspicious/noArrayIndexKey: rows of a fixed picture, their index is their identity.
				<Text key={index} color={color ? 'black' : undefined} backgroundColor={color ? 'whiteBright' : undefined}>
					{line}
				</Text>
			))}
		</Box>
	);
}
