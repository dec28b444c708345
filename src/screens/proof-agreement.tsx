// "En savoir plus": the convention de preuve behind the Dématérialisation option, in a scrolling pane.
import {Box, Text} from 'ink';
import {useMemo, useState} from 'react';
import {ScrollPane, clampOffset} from '../components/viewport.js';
import {textLines} from '../contract/storage/assets.js';
import {useKeys} from '../hooks/use-keys.js';
import {useT} from '../hooks/use-t.js';

/** What the convention de preuve shows and emits. */
export type ProofAgreementProps = {
	/** The convention de preuve in the session's language. */
	text: string;
	/** Columns available. */
	width: number;
	/** Rows available. */
	height: number;
	/** Enter: back to the form. */
	close: () => void;
};

/** "En savoir plus": the convention de preuve behind the Dématérialisation option. */
export function ProofAgreementScreen({text, width, height, close}: ProofAgreementProps) {
	const t = useT();
	const lines = useMemo(() => textLines(text, width - 6), [text, width]);
	const paneHeight = height - 4;
	const [offset, setOffset] = useState(0);
	useKeys((_input, key) => {
		const delta = key.pageUp ? -paneHeight : key.pageDown ? paneHeight : key.upArrow ? -1 : key.downArrow ? 1 : 0;
		if (delta) setOffset(current => clampOffset(current + delta, lines.length, paneHeight));
		if (key.return) close();
	});
	return (
		<Box flexDirection="column" paddingX={1}>
			<Text bold>{t.convention.title}</Text>
			<ScrollPane lines={lines} offset={offset} height={paneHeight} focused />
			<Text dimColor>{t.help.back}</Text>
		</Box>
	);
}
