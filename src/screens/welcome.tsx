import {Box, Text} from 'ink';
import {useKeys} from '../hooks/use-keys.js';
import {Menu} from '../components/menu.js';
import {focusStep, useFocusIndex} from '../hooks/use-focus-index.js';
import {useT} from '../hooks/use-t.js';
import {wrapText} from '../contract/text/text.js';
import type {ScreenProps} from './screen-props.js';

/** Welcome: presentation of MSSanté from the seed, and the four entry points. */
export function WelcomeScreen({kiosk, width}: ScreenProps) {
	const t = useT().welcome;
	const {intents} = kiosk;
	const {focus, current, move} = useFocusIndex(4);
	const items = [
		{key: 'activate', label: t.menu.activate},
		{key: 'signIn', label: t.menu.signIn},
		{key: 'directory', label: t.menu.directory},
		{key: 'help', label: t.menu.help},
	];
	useKeys((input, key) => {
		move(focusStep(key));
		if (input === '?') intents.openHelp('general');
		if (!key.return && input !== ' ') return;
		const focus = current();
		if (focus === 0) intents.startWizard();
		else if (focus === 1) intents.startSignIn();
		else if (focus === 2) intents.openDirectory();
		else intents.openHelp('general');
	});
	return (
		<Box flexDirection="column" paddingX={1}>
			<Text bold>{t.title}</Text>
			<Text> </Text>
			{wrapText(t.presentation, width - 2).map(line => (
				<Text key={line}>{line}</Text>
			))}
			<Text> </Text>
			<Text>{t.prerequisites}</Text>
			<Text> </Text>
			<Menu items={items} focus={focus} />
		</Box>
	);
}
