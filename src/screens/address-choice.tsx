// Step 2 — Choix de l'adresse: the proposals and their availability, the CGU, their acceptance.
import {Spinner} from '../components/spinner.js';
import {Box, Text} from 'ink';
import {useMemo, useState} from 'react';
import {Button, Checkbox, FocusMark} from '../components/controls.js';
import {focusIndex, focusStep} from '../components/focus-index.js';
import {useSymbols, useTheme} from '../components/theme.js';
import {ScrollPane, clampOffset} from '../components/viewport.js';
import type {CardIdentity} from '../contract/domain/card-identity.js';
import {addressProposals, splitAddress} from '../contract/rules/address-rules.js';
import {textLines} from '../contract/storage/assets.js';
import {stripControl} from '../contract/text/sanitize.js';
import {wrapText} from '../contract/text/text.js';
import type {Address, AddressState} from '../flows/address.js';
import type {FocusHandle, Navigation} from '../flows/navigation.js';
import {useKeys} from '../hooks/use-keys.js';
import {useT} from '../hooks/use-t.js';

/** What step 2 shows and emits. */
export type AddressChoiceProps = {
	address: AddressState;
	/** The card's holder, whose names make the proposals. */
	identity: CardIdentity | null;
	/** The CGU in the session's language. */
	cgu: string;
	/** Columns available. */
	width: number;
	/** Rows available. */
	height: number;
	focus: FocusHandle;
	actions: Pick<Address, 'choose' | 'toggleCgu' | 'next'> & Pick<Navigation, 'back' | 'openHelp'>;
};

/**
 * Step 2 — Choix de l'adresse: the proposals with their availability (suffix explained), the
 * CGU in a scrollable pane, the required acceptance, then Précédent / Suivant.
 */
export function AddressChoiceScreen({address, identity, cgu: cguText, width, height, focus: handle, actions}: AddressChoiceProps) {
	const t = useT();
	const symbols = useSymbols();
	const {color} = useTheme();
	const {availability, request} = address;
	const proposals = useMemo(() => (identity ? addressProposals(identity) : []), [identity]);
	const cgu = useMemo(() => textLines(cguText, width - 6), [cguText, width]);
	const [offset, setOffset] = useState(0);
	const choices = availability ?? [];
	// A note under a proposal already the holder's in the national directory, or suffixed.
	const noted = choices.filter(choice => choice.alreadyYours || choice.available !== choice.requested).length;
	const intro = wrapText(t.step2.intro, width - 2);
	// Fixed rows: intro, proposals (+ a note each when suffixed) or the request's state, pane
	// title, pane borders, checkbox, buttons, message.
	const paneHeight = Math.max(3, height - (intro.length + Math.max(choices.length + noted, 1) + 1 + 2 + 1 + 1 + 1));
	// Focus order: each proposal, the CGU pane, the checkbox, Précédent, Suivant (or Réessayer).
	const failed = request.phase === 'failed';
	const {focus, current, move} = focusIndex(choices.length + 4, handle);
	const pane = choices.length;
	const checkbox = pane + 1;
	const previous = pane + 2;
	const next = pane + 3;

	useKeys((input, key) => {
		const focus = current();
		if (focus === pane && (key.upArrow || key.downArrow)) {
			setOffset(offset => clampOffset(offset + (key.upArrow ? -1 : 1), cgu.length, paneHeight));
			return;
		}
		if (key.pageUp || key.pageDown) {
			setOffset(offset => clampOffset(offset + (key.pageUp ? -paneHeight : paneHeight), cgu.length, paneHeight));
			return;
		}
		move(focusStep(key));
		if (input === '?') actions.openHelp('general');
		if (!key.return && input !== ' ') return;
		if (focus < choices.length) actions.choose(focus);
		else if (focus === checkbox) actions.toggleCgu();
		else if (focus === previous && key.return) actions.back();
		else if (focus === next && key.return) actions.next();
	});

	return (
		<Box flexDirection="column" paddingX={1}>
			{intro.map(line => (
				<Text key={line}>{line}</Text>
			))}
			{request.phase === 'sending' && <Spinner label={t.step2.checking} />}
			{request.phase === 'failed' && (
				<Text color={color ? 'red' : undefined}>
					{symbols.bad} {request.error}
				</Text>
			)}
			{choices.map((choice, index) => {
				const proposal = proposals[index];
				const tag = proposal?.order === 'nom.prenom' ? `  (${t.step2.alternative})` : '';
				const suffix = choice.available === choice.requested ? null : /\d+$/.exec(splitAddress(choice.available).local)?.[0];
				// Their own national address (suffixed or not): said as theirs rather than as a suffix added.
				const note = choice.alreadyYours ? t.step2.yours : suffix ? t.step2.suffixed(suffix) : null;
				return (
					<Box key={choice.requested} flexDirection="column">
						<Text wrap="truncate-end">
							<FocusMark focused={focus === index} />
							<Text bold={focus === index} aria-label={t.spoken.radio(stripControl(choice.available), address.chosen === index)}>
								{address.chosen === index ? symbols.radioOn : symbols.radioOff} {stripControl(choice.available)}
							</Text>
							<Text dimColor>{tag}</Text>
						</Text>
						{note && (
							<Text dimColor>
								{'      '}
								{note}
							</Text>
						)}
					</Box>
				);
			})}
			<Text wrap="truncate-end">
				<FocusMark focused={focus === pane} />
				<Text bold>{t.step2.cguTitle}</Text>
				<Text dimColor>{`  ${t.step2.cguPosition(offset + 1, Math.min(offset + paneHeight, cgu.length), cgu.length)}`}</Text>
			</Text>
			<ScrollPane lines={cgu} offset={offset} height={paneHeight} focused={focus === pane} />
			<Checkbox label={t.step2.cguAccept} checked={address.cguAccepted} focused={focus === checkbox} />
			<Box gap={2}>
				<Button label={t.step2.previous} focused={focus === previous} />
				<Button label={failed ? t.step2.retry : t.step2.next} focused={focus === next} disabled={!failed && (!address.cguAccepted || choices.length === 0)} />
			</Box>
			<Text color={color ? 'red' : undefined}>{address.cguRequired && !address.cguAccepted ? t.step2.cguRequired : ' '}</Text>
		</Box>
	);
}
