import {Box, Text} from 'ink';
import {useKeys} from '../hooks/use-keys.js';
import {useMemo, useState} from 'react';
import {ScrollPane, clampOffset} from '../components/viewport.js';
import {useT} from '../hooks/use-t.js';
import {textLines} from '../contract/storage/assets.js';
import type {ScreenProps} from './screen-props.js';

/** "En savoir plus": the convention de preuve behind the Dématérialisation option. */
export function ConventionScreen({width, height, texts, kiosk}: ScreenProps) {
	const t = useT();
	const lines = useMemo(() => textLines(texts.convention, width - 6), [texts.convention, width]);
	const paneHeight = height - 4;
	const [offset, setOffset] = useState(0);
	useKeys((_input, key) => {
		const delta = key.pageUp ? -paneHeight : key.pageDown ? paneHeight : key.upArrow ? -1 : key.downArrow ? 1 : 0;
		if (delta) setOffset(current => clampOffset(current + delta, lines.length, paneHeight));
		if (key.return) kiosk.intents.dispatch({type: 'back'});
	});
	return (
		<Box flexDirection="column" paddingX={1}>
			<Text bold>{t.convention.title}</Text>
			<ScrollPane lines={lines} offset={offset} height={paneHeight} focused />
			<Text dimColor>{t.help.back}</Text>
		</Box>
	);
}
