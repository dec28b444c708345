// "Me connecter sans carte CPS": the MSSanté address and password, then a code (SPEC §4).
import {Spinner} from '../components/spinner.js';
import {Box, Text} from 'ink';
import {Button, FocusMark, TextField} from '../components/controls.js';
import {focusIndex, focusStep} from '../components/focus-index.js';
import {useTheme} from '../components/theme.js';
import {wrapText} from '../contract/text/text.js';
import type {FocusHandle} from '../flows/navigation.js';
import type {SignIn, SignInState} from '../flows/sign-in.js';
import {useKeys} from '../hooks/use-keys.js';
import {useT} from '../hooks/use-t.js';

/** What the sign-in screen shows and emits. */
export type SignInProps = {
	signIn: SignInState;
	/** Columns available. */
	width: number;
	focus: FocusHandle;
	actions: SignIn;
};

/** "Me connecter sans carte CPS": MSSanté address and password, then a code (SPEC §4). */
export function SignInScreen({signIn, width, focus: handle, actions}: SignInProps) {
	const t = useT();
	const {color} = useTheme();
	const {address, password, request} = signIn;
	// Focus order: address, password, "Recevoir mon code".
	const {focus, current, move} = focusIndex(3, handle);
	useKeys((_input, key) => {
		move(focusStep(key));
		if (key.return && current() === 2) actions.submit();
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
				<TextField value={address} focused={focus === 0} onChange={value => actions.edit('address', value)} onSubmit={() => move(1)} />
			</Text>
			<Text bold={focus === 1}>{`  ${t.signIn.password}`}</Text>
			<Text>
				<FocusMark focused={focus === 1} />
				{'  '}
				<TextField value={password} focused={focus === 1} secret onChange={value => actions.edit('password', value)} onSubmit={actions.submit} />
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
