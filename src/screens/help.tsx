// Help: a help branch of the seed (or the general help), with the live checklist and the workstation's diagnostics.
import {Spinner} from '../components/spinner.js';
import {Box, Text} from 'ink';
import {useEffect} from 'react';
import {Checklist} from '../components/checklist.js';
import {useSymbols} from '../components/theme.js';
import {stripControl} from '../contract/text/sanitize.js';
import {wrapText} from '../contract/text/text.js';
import type {HelpTopic, Navigation} from '../flows/navigation.js';
import type {Diagnosis, Workstation} from '../flows/workstation.js';
import type {ReaderSnapshot} from '../hardware/reader-monitor.js';
import {useKeys} from '../hooks/use-keys.js';
import {useT} from '../hooks/use-t.js';

/** What the help screen shows and emits. */
export type HelpProps = {
	topic: HelpTopic;
	/** Readers and card, live. */
	snapshot: ReaderSnapshot;
	diagnosis: Diagnosis;
	/** The card is the demo card: there is no workstation to diagnose. */
	demo: boolean;
	/** Columns available. */
	width: number;
	actions: Pick<Workstation, 'diagnose'> & Pick<Navigation, 'back'>;
};

/** A help branch of the seed (or the general help): its steps and the live diagnostic. */
export function HelpScreen({topic, snapshot, diagnosis, demo, width, actions}: HelpProps) {
	const t = useT();
	const symbols = useSymbols();
	const {diagnose, back} = actions;
	// The demo card has no workstation to diagnose: its checklist is all there is.
	useEffect(() => {
		if (!demo) diagnose();
	}, [demo, diagnose]);
	useKeys((_input, key) => {
		if (key.return) back();
	});
	return (
		<Box flexDirection="column" paddingX={1}>
			<Text bold>{t.help.title[topic]}</Text>
			{t.help.steps[topic].flatMap((step, index) =>
				wrapText(step, width - 6).map((line, lineIndex) => (
					// biome-ignore lint/suspicious/noArrayIndexKey: lines of a fixed text, their place is their identity.
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
