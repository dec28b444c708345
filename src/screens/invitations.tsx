import {Box, Text} from 'ink';
import {useKeys} from '../hooks/use-keys.js';
import {Button, FocusMark, TextField} from '../components/controls.js';
import {useTheme} from '../components/theme.js';
import {focusStep, useFocusIndex} from '../hooks/use-focus-index.js';
import {useT} from '../hooks/use-t.js';
import {wrapText} from '../contract/text/text.js';
import type {ScreenProps} from './screen-props.js';

/** "Inviter vos confrères": e-mail addresses in, invitations sent by the backend. */
export function InviteScreen({kiosk, width}: ScreenProps) {
	const t = useT();
	const {color} = useTheme();
	const {state, intents} = kiosk;
	const {input, request, sent} = state.invite;
	const {focus, current, move} = useFocusIndex(2);
	useKeys((_input, key) => {
		move(focusStep(key));
		if (key.return && current() === 1) intents.invite();
	});
	return (
		<Box flexDirection="column" paddingX={1}>
			<Text bold>{t.invite.title}</Text>
			{wrapText(t.invite.explain, width - 2).map(line => (
				<Text key={line}>{line}</Text>
			))}
			<Text> </Text>
			<Box>
				<FocusMark focused={focus === 0} />
				<Text bold={focus === 0}>{t.invite.label} : </Text>
				<TextField value={input} focused={focus === 0} onChange={value => intents.dispatch({type: 'invite-input', value})} onSubmit={intents.invite} />
			</Box>
			<Text> </Text>
			<Button label={request.phase === 'sending' ? t.invite.sending : t.invite.send} focused={focus === 1} />
			<Text> </Text>
			{request.phase === 'failed' && <Text color={color ? 'red' : undefined}>{request.error}</Text>}
			{request.phase === 'idle' && sent !== null && <Text color={color ? 'green' : undefined}>{t.invite.sent(sent)}</Text>}
			<Text dimColor>{t.help.back}</Text>
		</Box>
	);
}
