import {Spinner} from '@inkjs/ui';
import {Box, Text} from 'ink';
import {useEffect} from 'react';
import {useKeys} from '../hooks/use-keys.js';
import {Checklist} from '../components/checklist.js';
import {useSymbols} from '../components/theme.js';
import {useT} from '../hooks/use-t.js';
import {stripControl} from '../contract/text/sanitize.js';
import {wrapText} from '../contract/text/text.js';
import type {ScreenProps} from './screen-props.js';

/** A help branch of the seed (or the general help): its steps and the live diagnostic. */
export function HelpScreen({kiosk, width, demo}: ScreenProps) {
	const t = useT();
	const symbols = useSymbols();
	const {state, snapshot, intents, diagnosis} = kiosk;
	const topic = state.helpTopic;
	// The demo card has no workstation to diagnose: its checklist is all there is.
	useEffect(() => {
		if (!demo) intents.diagnose();
	}, [demo, intents]);
	useKeys((_input, key) => {
		if (key.return) intents.dispatch({type: 'back'});
	});
	return (
		<Box flexDirection="column" paddingX={1}>
			<Text bold>{t.help.title[topic]}</Text>
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
			{!demo && diagnosis.phase === 'running' && <Spinner label={t.help.diagnosing} />}
			{!demo && diagnosis.phase === 'done' && (
				<Text wrap="truncate-end" bold>
					{diagnosis.problems[0] ? `${symbols.pointer} ${stripControl(diagnosis.problems[0])}` : `${symbols.ok} ${t.help.noProblem}`}
				</Text>
			)}
			<Text> </Text>
			<Text dimColor>{t.help.back}</Text>
		</Box>
	);
}
