import {Spinner} from '@inkjs/ui';
import {Box, Text} from 'ink';
import {useState} from 'react';
import {Button, FocusMark, TextField} from '../components/controls.js';
import {useTheme} from '../components/theme.js';
import {focusStep, useFocusIndex} from '../hooks/use-focus-index.js';
import {useKeys} from '../hooks/use-keys.js';
import {useT} from '../hooks/use-t.js';
import {stripControl} from '../contract/text/sanitize.js';
import type {ScreenProps} from './screen-props.js';

const sixDigits = (value: string) => value.replace(/\D/g, '').slice(0, 6);

/**
 * The one-time code: sent to the channel being verified before activation, or to the account's
 * preferred channel for a sign-in without the card. The code lives only in this view until sent.
 */
export function CodeScreen({kiosk}: ScreenProps) {
	const t = useT();
	const {color} = useTheme();
	const {state, intents} = kiosk;
	const [code, setCode] = useState('');
	// Focus order: the field, "Valider", "Renvoyer le code".
	const {focus, current, move} = useFocusIndex(3);
	const submit = (typed: string) => {
		intents.submitCode(typed);
		setCode('');
	};
	useKeys((_input, key) => {
		move(focusStep(key));
		if (!key.return) return;
		if (current() === 1) submit(code);
		else if (current() === 2) intents.resendCode();
	});
	const pending = state.code;
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
