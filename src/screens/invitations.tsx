// "Inviter vos confrères": e-mail addresses in, invitations sent by the backend.
import {Box, Text} from 'ink';
import {Button, FocusMark, TextField} from '../components/controls.js';
import {focusIndex, focusStep} from '../components/focus-index.js';
import {useTheme} from '../components/theme.js';
import {wrapText} from '../contract/text/text.js';
import type {Invitations, InvitationsState} from '../flows/invitations.js';
import type {FocusHandle} from '../flows/navigation.js';
import {useKeys} from '../hooks/use-keys.js';
import {useT} from '../hooks/use-t.js';

/** What the invitations screen shows and emits. */
export type InvitationsProps = {
	invitations: InvitationsState;
	/** Signed in without the card: invitations leave from the card's account, so the screen only says so. */
	needsCard: boolean;
	/** Columns available. */
	width: number;
	focus: FocusHandle;
	actions: Invitations;
};

/** "Inviter vos confrères": e-mail addresses in, invitations sent by the backend. */
export function InvitationsScreen({invitations, needsCard, width, focus: handle, actions}: InvitationsProps) {
	const t = useT();
	const {color} = useTheme();
	const {input, request, sent, alreadyInvited} = invitations;
	const {focus, current, move} = focusIndex(2, handle);
	useKeys((_input, key) => {
		move(focusStep(key));
		if (key.return && current() === 1) actions.send();
	});
	if (needsCard) {
		return (
			<Box flexDirection="column" paddingX={1}>
				<Text bold>{t.invite.title}</Text>
				{wrapText(t.invite.needsCard, width - 2).map(line => (
					<Text key={line}>{line}</Text>
				))}
				<Text> </Text>
				<Text dimColor>{t.help.back}</Text>
			</Box>
		);
	}
	return (
		<Box flexDirection="column" paddingX={1}>
			<Text bold>{t.invite.title}</Text>
			{wrapText(t.invite.explain, width - 2).map(line => (
				<Text key={line}>{line}</Text>
			))}
			<Text> </Text>
			<Box>
				<FocusMark focused={focus === 0} />
				<Text bold={focus === 0}>
					{t.invite.label}
					{t.colon}
				</Text>
				<TextField value={input} focused={focus === 0} onChange={actions.edit} onSubmit={actions.send} />
			</Box>
			<Text> </Text>
			<Button label={request.phase === 'sending' ? t.invite.sending : t.invite.send} focused={focus === 1} />
			<Text> </Text>
			{request.phase === 'failed' && <Text color={color ? 'red' : undefined}>{request.error}</Text>}
			{request.phase === 'idle' && sent !== null && <Text color={color ? 'green' : undefined}>{t.invite.sent(sent, alreadyInvited)}</Text>}
			<Text dimColor>{t.help.back}</Text>
		</Box>
	);
}
