// The header of every screen: title, DEMO label, the live reader badge, the wizard's stepper.
import {Box, Text} from 'ink';
import type {BadgeState} from '../hardware/reader-monitor.js';
import {useT} from '../hooks/use-t.js';
import {useSymbols, useTheme} from './theme.js';

/** Props of the header. */
export type HeaderProps = {
	/** Current wizard step (1–4), or null outside the wizard. */
	step: number | null;
	/** What the reader badge says. */
	badge: BadgeState;
	/** Shows the DEMO label: the card is simulated. */
	demo: boolean;
	/** Columns available; the stepper shows full labels from 120. */
	width: number;
};

/** The live reader badge: symbol and words, never colour alone. */
function ReaderBadge({state}: {state: BadgeState}) {
	const t = useT();
	const symbols = useSymbols();
	const {color} = useTheme();
	const good = state === 'cps';
	return (
		<Text color={color ? (good ? 'green' : 'red') : undefined} bold>
			{good ? (symbols.ok === '✓' ? '●' : symbols.ok) : symbols.bad === '✗' ? '✖' : symbols.bad} {t.badge[state]}
		</Text>
	);
}

/** Title, DEMO label and reader badge, then the stepper (full label for the current step). */
export function Header({step, badge, demo, width}: HeaderProps) {
	const t = useT();
	const symbols = useSymbols();
	const {color} = useTheme();
	const wide = width >= 120;
	return (
		<Box flexDirection="column" width={width}>
			<Box justifyContent="space-between">
				<Text bold>{t.appTitle}</Text>
				<Box gap={2}>
					{demo && (
						<Text inverse={color} bold>
							{` ${t.demo} `}
						</Text>
					)}
					<ReaderBadge state={badge} />
				</Box>
			</Box>
			<Text wrap="truncate-end">
				{t.steps.full.map((label, index) => {
					const current = step === index + 1;
					const text = `${index + 1} ${current || wide ? label : t.steps.short[index]}`;
					return (
						<Text key={label}>
							{index > 0 && <Text dimColor>{` ${symbols.pointer} `}</Text>}
							{current ? (
								<Text bold underline inverse={color} color={color ? 'cyan' : undefined}>
									{`[${text}]`}
								</Text>
							) : (
								<Text dimColor={color}>{text}</Text>
							)}
						</Text>
					);
				})}
			</Text>
			<Text dimColor>{symbols.rule.repeat(width)}</Text>
		</Box>
	);
}
