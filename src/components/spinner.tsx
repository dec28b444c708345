// The busy indicator: a spinner where it can be drawn, its words alone for a screen reader.
import {Spinner as InkSpinner} from '@inkjs/ui';
import {Text, useIsScreenReaderEnabled} from 'ink';
import {useTheme} from './theme.js';

/** Props of the busy indicator. */
export type SpinnerProps = {
	/** What is going on ("Vérification…"): the only thing a screen reader is given. */
	label: string;
};

/**
 * A spinner and its label: braille dots on a UTF-8 terminal, `- \ | /` on an ASCII one; for a
 * screen reader the words alone, since a frame changing ten times a second would be read out each time.
 */
export function Spinner({label}: SpinnerProps) {
	const {unicode} = useTheme();
	if (useIsScreenReaderEnabled()) return <Text>{label}</Text>;
	return <InkSpinner label={label} type={unicode ? 'dots' : 'line'} />;
}
