import {Spinner} from '@inkjs/ui';
import {Box, Text} from 'ink';
import {useKeys} from '../hooks/use-keys.js';
import {useMemo, useState} from 'react';
import {Button, Checkbox, FocusMark} from '../components/controls.js';
import {useSymbols, useTheme} from '../components/theme.js';
import {ScrollPane, clampOffset} from '../components/viewport.js';
import {focusStep, useFocusIndex} from '../hooks/use-focus-index.js';
import {useT} from '../hooks/use-t.js';
import {addressProposals, splitAddress} from '../contract/rules/address-rules.js';
import {textLines} from '../contract/storage/assets.js';
import {stripControl} from '../contract/text/sanitize.js';
import {wrapText} from '../contract/text/text.js';
import type {ScreenProps} from './screen-props.js';

/**
 * Step 2 — Choix de l'adresse: the proposals with their availability (suffix explained), the
 * CGU in a scrollable pane, the required acceptance, then Précédent / Suivant.
 */
export function Step2Screen({kiosk, width, height, texts}: ScreenProps) {
	const t = useT();
	const symbols = useSymbols();
	const {color} = useTheme();
	const {state, intents} = kiosk;
	const {availability, availabilityRequest, identity} = state;
	const proposals = useMemo(() => (identity ? addressProposals(identity) : []), [identity]);
	const cgu = useMemo(() => textLines(texts.cgu, width - 6), [texts.cgu, width]);
	const [offset, setOffset] = useState(0);
	const [refused, setRefused] = useState(false);
	const choices = availability ?? [];
	const suffixed = choices.filter(choice => choice.available !== choice.requested).length;
	const intro = wrapText(t.step2.intro, width - 2);
	// Fixed rows: intro, proposals (+ a note each when suffixed) or the request's state, pane
	// title, pane borders, checkbox, buttons, message.
	const paneHeight = Math.max(3, height - (intro.length + Math.max(choices.length + suffixed, 1) + 1 + 2 + 1 + 1 + 1));
	// Focus order: each proposal, the CGU pane, the checkbox, Précédent, Suivant (or Réessayer).
	const failed = availabilityRequest.phase === 'failed';
	const count = choices.length + 4;
	const {focus, current, move} = useFocusIndex(count);
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
		if (input === '?') intents.openHelp('general');
		if (!key.return && input !== ' ') return;
		const now = kiosk.now();
		if (focus < choices.length) intents.dispatch({type: 'choose-address', index: focus});
		else if (focus === checkbox) {
			intents.dispatch({type: 'toggle-cgu'});
			setRefused(false);
		} else if (focus === previous && key.return) intents.dispatch({type: 'back'});
		else if (focus === next && key.return) {
			if (now.availabilityRequest.phase === 'failed') intents.retryAvailability();
			else if (!now.cguAccepted) setRefused(true);
			else if ((now.availability ?? []).length > 0) intents.dispatch({type: 'go', screen: 'step3'});
		}
	});

	return (
		<Box flexDirection="column" paddingX={1}>
			{intro.map(line => (
				<Text key={line}>{line}</Text>
			))}
			{availabilityRequest.phase === 'sending' && <Spinner label={t.step2.checking} />}
			{failed && (
				<Text color={color ? 'red' : undefined}>
					{symbols.bad} {availabilityRequest.error}
				</Text>
			)}
			{choices.map((choice, index) => {
				const proposal = proposals[index];
				const tag = proposal?.order === 'nom.prenom' ? `  (${t.step2.alternative})` : '';
				const suffix = choice.available === choice.requested ? null : /\d+$/.exec(splitAddress(choice.available).local)?.[0];
				return (
					<Box key={choice.requested} flexDirection="column">
						<Text wrap="truncate-end">
							<FocusMark focused={focus === index} />
							<Text bold={focus === index}>
								{state.chosenAddress === index ? symbols.radioOn : symbols.radioOff} {stripControl(choice.available)}
							</Text>
							<Text dimColor>{tag}</Text>
						</Text>
						{suffix && (
							<Text dimColor>
								{'      '}
								{t.step2.suffixed(suffix)}
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
			<Checkbox label={t.step2.cguAccept} checked={state.cguAccepted} focused={focus === checkbox} />
			<Box gap={2}>
				<Button label={t.step2.previous} focused={focus === previous} />
				<Button label={failed ? t.step2.retry : t.step2.next} focused={focus === next} disabled={!failed && (!state.cguAccepted || choices.length === 0)} />
			</Box>
			<Text color={color ? 'red' : undefined}>{refused && !state.cguAccepted ? t.step2.cguRequired : ' '}</Text>
		</Box>
	);
}
