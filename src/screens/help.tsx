import {Box, Text} from 'ink';
import {useKeys} from '../hooks/use-keys.js';
import {Checklist} from '../components/checklist.js';
import {useSymbols} from '../components/theme.js';
import {useT} from '../i18n/index.js';
import {wrapText} from '../services/text.js';
import type {ScreenProps} from './screen-props.js';

/** A help branch of the seed (or the general help): its steps and the live diagnostic. */
export function HelpScreen({kiosk, width, demo}: ScreenProps) {
	const t = useT();
	const symbols = useSymbols();
	const {state, snapshot, intents} = kiosk;
	const topic = state.helpTopic;
	useKeys((_input, key) => {
		if (key.return) intents.dispatch({type: 'back'});
	});
	return (
		<Box flexDirection="column" paddingX={1}>
			<Text bold>{t.help.title[topic]}</Text>
			<Text> </Text>
			{t.help.steps[topic].flatMap((step, index) =>
				wrapText(step, width - 6).map((line, lineIndex) => (
					<Text key={`${index}-${lineIndex}`}>
						{lineIndex === 0 ? ` ${index === 0 ? ' ' : symbols.pointer} ` : '   '}
						{line}
					</Text>
				)),
			)}
			{demo && topic === 'general' && <Text bold>{` ${t.help.demo}`}</Text>}
			<Text> </Text>
			<Text bold>{t.help.diagnostic}</Text>
			<Checklist snapshot={snapshot} />
			<Text> </Text>
			<Text dimColor>{t.help.back}</Text>
		</Box>
	);
}
