// Welcome: presentation of MSSanté from the seed, and the four entry points.
import {Box, Text} from 'ink';
import {focusIndex, focusStep} from '../components/focus-index.js';
import {Menu} from '../components/menu.js';
import {wrapText} from '../contract/text/text.js';
import type {FocusHandle, Navigation} from '../flows/navigation.js';
import {useKeys} from '../hooks/use-keys.js';
import {useT} from '../hooks/use-t.js';

/** What Welcome shows and emits. */
export type WelcomeProps = {
	/** Columns available. */
	width: number;
	focus: FocusHandle;
	actions: Pick<Navigation, 'openHelp'> & {
		/** "Créer / activer mon compte": step 1. */
		startWizard: () => void;
		/** "Me connecter sans carte CPS". */
		startSignIn: () => void;
		openDirectory: () => void;
	};
};

/** Welcome: presentation of MSSanté from the seed, and the four entry points. */
export function WelcomeScreen({width, focus: handle, actions}: WelcomeProps) {
	const t = useT().welcome;
	const {focus, current, move} = focusIndex(4, handle);
	const items = [
		{key: 'activate', label: t.menu.activate},
		{key: 'signIn', label: t.menu.signIn},
		{key: 'directory', label: t.menu.directory},
		{key: 'help', label: t.menu.help},
	];
	useKeys((input, key) => {
		move(focusStep(key));
		if (input === '?') actions.openHelp('general');
		if (!key.return && input !== ' ') return;
		const focus = current();
		if (focus === 0) actions.startWizard();
		else if (focus === 1) actions.startSignIn();
		else if (focus === 2) actions.openDirectory();
		else actions.openHelp('general');
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
