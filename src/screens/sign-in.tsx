import {Spinner} from '@inkjs/ui';
import {Box, Text} from 'ink';
import {Button, FocusMark, TextField} from '../components/controls.js';
import {useTheme} from '../components/theme.js';
import {focusStep, useFocusIndex} from '../hooks/use-focus-index.js';
import {useKeys} from '../hooks/use-keys.js';
import {useT} from '../hooks/use-t.js';
import {wrapText} from '../contract/text/text.js';
import type {ScreenProps} from './screen-props.js';

/** "Me connecter sans carte CPS": MSSanté address and password, then a code (SPEC §4). */
export function SignInScreen({kiosk, width}: ScreenProps) {
	const t = useT();
	const {color} = useTheme();
	const {state, intents} = kiosk;
	const {address, password, request} = state.signIn;
	// Focus order: address, password, "Recevoir mon code".
	const {focus, current, move} = useFocusIndex(3);
	useKeys((_input, key) => {
		move(focusStep(key));
		if (key.return && current() === 2) intents.submitSignIn();
	});
	return (
		<Box flexDirection="column" paddingX={1}>
			<Text bold>{t.signIn.title}</Text>
			{wrapText(t.signIn.explain, width - 2).map(line => (
				<Text key={line} dimColor>
					{line}
				</Text>
			))}
			<Text> </Text>
			<Text bold={focus === 0}>{`  ${t.signIn.address}`}</Text>
			<Text>
				<FocusMark focused={focus === 0} />
				{'  '}
				<TextField value={address} focused={focus === 0} onChange={value => intents.dispatch({type: 'sign-in-field', field: 'address', value})} onSubmit={() => move(1)} />
			</Text>
			<Text bold={focus === 1}>{`  ${t.signIn.password}`}</Text>
			<Text>
				<FocusMark focused={focus === 1} />
				{'  '}
				<TextField value={password} focused={focus === 1} secret onChange={value => intents.dispatch({type: 'sign-in-field', field: 'password', value})} onSubmit={intents.submitSignIn} />
			</Text>
			<Text> </Text>
			<Button label={t.signIn.submit} focused={focus === 2} />
			<Text> </Text>
			{request.phase === 'sending' && <Spinner label={t.signIn.sending} />}
			{request.phase === 'failed' && (
				<Text color={color ? 'red' : undefined} bold>
					{request.error}
				</Text>
			)}
		</Box>
	);
}
