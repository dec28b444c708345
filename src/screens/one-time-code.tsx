// The one-time code screen: the code typed back, or a new one asked for.
import {Spinner} from '../components/spinner.js';
import {Box, Text} from 'ink';
import {Button, FocusMark, TextField} from '../components/controls.js';
import {focusIndex, focusStep} from '../components/focus-index.js';
import {useTheme} from '../components/theme.js';
import {stripControl} from '../contract/text/sanitize.js';
import type {FocusHandle} from '../flows/navigation.js';
import type {OneTimeCode, PendingCode} from '../flows/one-time-code.js';
import {useKeys} from '../hooks/use-keys.js';
import {useSecondsLeft} from '../hooks/use-seconds-left.js';
import {useT} from '../hooks/use-t.js';

const sixDigits = (value: string) => value.replace(/\D/g, '').slice(0, 6);

/** What the code screen shows and emits. */
export type OneTimeCodeProps = {
	/** The code awaited (none: nothing to show). */
	code: PendingCode | null;
	focus: FocusHandle;
	actions: OneTimeCode;
};

/**
 * The one-time code: sent to the channel being verified before activation, or to the account's
 * preferred channel for a sign-in without the card. The code stays up until it is right: a new one is
 * asked for here, once the countdown the service set allows it, and what was typed survives a service out of reach.
 */
export function OneTimeCodeScreen({code: pending, focus: handle, actions}: OneTimeCodeProps) {
	const t = useT();
	const {color} = useTheme();
	// Focus order: the field, "Valider", "Renvoyer le code".
	const {focus, current, move} = focusIndex(3, handle);
	const wait = useSecondsLeft(pending?.resendAt ?? 0);
	useKeys((_input, key) => {
		move(focusStep(key));
		if (!key.return) return;
		if (current() === 1) actions.submit();
		else if (current() === 2) actions.resend();
	});
	if (!pending) return null;
	const {request, resend} = pending;
	const bad = color ? 'red' : undefined;
	return (
		<Box flexDirection="column" paddingX={1}>
			<Text bold>{t.code.title}</Text>
			<Text> </Text>
			<Text>{t.code.sent(pending.sent.channel, stripControl(pending.sent.destination))}</Text>
			<Text dimColor>{t.code.why[pending.purpose]}</Text>
			<Text> </Text>
			<Text>
				<FocusMark focused={focus === 0} />
				<Text bold={focus === 0}>
					{t.code.label}
					{t.colon}
				</Text>
				<TextField value={pending.typed} focused={focus === 0 && request.phase !== 'sending'} filter={sixDigits} onChange={actions.type} onSubmit={actions.submit} />
			</Text>
			<Text> </Text>
			<Box gap={2}>
				<Button label={t.code.confirm} focused={focus === 1} />
				<Button label={t.code.resend} focused={focus === 2} disabled={wait > 0 || resend.phase === 'sending'} />
			</Box>
			<Text> </Text>
			{request.phase === 'sending' && <Spinner label={t.code.checking} />}
			{request.phase === 'failed' && (
				<Text color={bad} bold>
					{request.error}
				</Text>
			)}
			{resend.phase === 'sending' && <Spinner label={t.code.resending} />}
			{resend.phase === 'failed' && (
				<Text color={bad} bold>
					{resend.error}
				</Text>
			)}
			{pending.resent && <Text color={color ? 'green' : undefined}>{t.code.resent}</Text>}
			{wait > 0 && <Text dimColor>{t.code.resendIn(wait)}</Text>}
			<Text dimColor>{t.help.back}</Text>
		</Box>
	);
}
