// The administrator's exit from `--kiosk` (Ctrl+Q): the code asked, masked, or how to set one.
import {Box, Text} from 'ink';
import type {AdminExitState} from '../hooks/use-admin-exit.js';
import {useT} from '../hooks/use-t.js';
import {useSymbols, useTheme} from './theme.js';

/** Draws the exit's prompt in place of the screen (the screen stays mounted, hidden, its values kept). */
export function AdminExitPrompt({state}: {state: Exclude<AdminExitState, {phase: 'closed'}>}) {
	const t = useT().adminExit;
	const symbols = useSymbols();
	const {color} = useTheme();
	return (
		<Box flexDirection="column" paddingX={1}>
			<Text bold>{t.title}</Text>
			<Text> </Text>
			{state.phase === 'unset' ? (
				<Text color={color ? 'yellow' : undefined}>{t.unset}</Text>
			) : (
				<>
					<Text>
						{t.prompt} {symbols.mask.repeat(state.typed)}
						{state.phase === 'checking' ? '' : '_'}
					</Text>
					<Text> </Text>
					{state.phase === 'checking' && <Text>{t.checking}</Text>}
					{state.phase === 'wrong' && <Text color={color ? 'red' : undefined}>{t.wrong}</Text>}
					<Text dimColor>{t.hint}</Text>
				</>
			)}
		</Box>
	);
}
