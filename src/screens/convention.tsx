import {Box, Text} from 'ink';
import {useKeys} from '../hooks/use-keys.js';
import {useMemo, useState} from 'react';
import {ScrollPane, clampOffset} from '../components/viewport.js';
import {useT} from '../i18n/index.js';
import {readAsset} from '../services/assets.js';
import {stripControl} from '../services/sanitize.js';
import {wrapText} from '../services/text.js';
import type {ScreenProps} from './screen-props.js';

/** "En savoir plus": the convention de preuve behind the Dématérialisation option. */
export function ConventionScreen({width, height, lang, kiosk}: ScreenProps) {
	const t = useT();
	const lines = useMemo(
		() => readAsset(`convention-preuve.${lang}.txt`).trimEnd().split('\n').flatMap(line => wrapText(stripControl(line), width - 6)),
		[lang, width],
	);
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
