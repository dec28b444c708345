// The one-time code screen: the code typed back, or a new one asked for.
import {Spinner} from '../components/spinner.js';
import {Box, Text} from 'ink';
import {useState} from 'react';
import {Button, FocusMark, TextField} from '../components/controls.js';
import {focusIndex, focusStep} from '../components/focus-index.js';
import {useTheme} from '../components/theme.js';
import {stripControl} from '../contract/text/sanitize.js';
import type {FocusHandle} from '../flows/navigation.js';
import type {OneTimeCode, PendingCode} from '../flows/one-time-code.js';
import {useKeys} from '../hooks/use-keys.js';
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
 * preferred channel for a sign-in without the card. The code lives only in this view until sent.
 */
export function OneTimeCodeScreen({code: pending, focus: handle, actions}: OneTimeCodeProps) {
	const t = useT();
	const {color} = useTheme();
	const [code, setCode] = useState('');
	// Focus order: the field, "Valider", "Renvoyer le code".
	const {focus, current, move} = focusIndex(3, handle);
	const submit = (typed: string) => {
		actions.submit(typed);
		setCode('');
	};
	useKeys((_input, key) => {
		move(focusStep(key));
		if (!key.return) return;
		if (current() === 1) submit(code);
		else if (current() === 2) actions.resend();
	});
	if (!pending) return null;
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
				<Text bold={focus === 0}>{t.code.label} : </Text>
				<TextField value={code} focused={focus === 0 && pending.request.phase !== 'sending'} filter={sixDigits} onChange={setCode} onSubmit={submit} />
			</Text>
			<Text> </Text>
			<Box gap={2}>
				<Button label={t.code.confirm} focused={focus === 1} />
				<Button label={t.code.resend} focused={focus === 2} />
			</Box>
			<Text> </Text>
			{pending.request.phase === 'sending' && <Spinner label={t.code.checking} />}
			{pending.request.phase === 'failed' && (
				<Text color={bad} bold>
					{pending.request.error}
				</Text>
			)}
			<Text dimColor>{t.help.back}</Text>
		</Box>
	);
}
