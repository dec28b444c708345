import {Spinner} from '@inkjs/ui';
import {Box, Text} from 'ink';
import {useKeys} from '../hooks/use-keys.js';
import {useState} from 'react';
import {Checklist} from '../components/checklist.js';
import {Button, FocusMark, TextField} from '../components/controls.js';
import {Menu} from '../components/menu.js';
import {useTheme} from '../components/theme.js';
import {holderName} from '../contract/domain/card-identity.js';
import {readyForPin} from '../hardware/reader-monitor.js';
import {focusStep, useFocusIndex} from '../hooks/use-focus-index.js';
import {useT} from '../hooks/use-t.js';
import {stripControl} from '../contract/text/sanitize.js';
import type {HelpTopic, Session} from '../state/session.js';
import type {ScreenProps} from './screen-props.js';

const HELP_TOPICS: HelpTopic[] = ['no-card', 'no-icon', 'red-icon'];

const digitsOnly = (value: string) => value.replace(/\D/g, '').slice(0, 4);

/** What step 1 shows; focus order: the PIN field or the Continue button when present, then the help links. */
function layout(state: Session, ready: boolean) {
	const askPin = ready && (state.pin.phase === 'entry' || state.pin.phase === 'checking');
	const loggedIn = state.pin.phase === 'ok' && state.identity !== null;
	return {askPin, loggedIn, lead: askPin || loggedIn ? 1 : 0};
}

/**
 * Step 1 — Configuration du poste: the live checklist, then the masked PIN, then the identity
 * read from the card. The PIN lives only in this view's state until it is submitted.
 */
export function Step1Screen({kiosk}: ScreenProps) {
	const t = useT();
	const {color} = useTheme();
	const {state, snapshot, intents} = kiosk;
	const {pin: pinState} = state;
	const identity = state.identity;
	const [pin, setPin] = useState('');
	const ready = readyForPin(snapshot);
	const {askPin, loggedIn, lead} = layout(state, ready);
	const {focus, current, move} = useFocusIndex(lead + HELP_TOPICS.length);

	useKeys((input, key) => {
		move(focusStep(key));
		const focus = current();
		const now = layout(kiosk.now(), ready);
		// `?` and `l` are typed nowhere here: the PIN field only takes digits.
		if (input === '?') intents.openHelp('general');
		if (input === 'l' || input === 'L') intents.nextReader();
		if (!key.return && !(input === ' ' && focus >= now.lead)) return;
		if (focus < now.lead) {
			if (now.loggedIn) intents.continueAfterLogin();
			return; // the PIN field submits through its own onSubmit
		}
		const topic = HELP_TOPICS[focus - now.lead];
		if (topic) intents.openHelp(topic);
	});

	const submit = (typed: string) => {
		if (pinState.phase !== 'entry') return;
		intents.submitPin(typed);
		setPin('');
	};

	const warn = color ? 'yellow' : undefined;
	const bad = color ? 'red' : undefined;
	return (
		<Box flexDirection="column" paddingX={1}>
			<Text>{t.step1.intro}</Text>
			<Checklist snapshot={snapshot} />
			{snapshot.readers.length > 1 && <Text dimColor>{t.step1.otherReader(snapshot.readers.length)}</Text>}
			<Text> </Text>
			{!ready && pinState.phase !== 'locked' && !loggedIn && <Text dimColor>{t.step1.waiting}</Text>}
			{askPin && (
				<Box flexDirection="column">
					<Text bold>{t.step1.pinPrompt}</Text>
					{pinState.phase === 'entry' && pinState.status?.state === 'count-low' && !pinState.lastAttempt && (
						<Text color={warn}>{t.step1.pinCountLow}</Text>
					)}
					{pinState.phase === 'entry' && pinState.status?.state === 'final-try' && (
						<Text color={warn} bold wrap="wrap">
							{t.step1.pinFinalTry}
						</Text>
					)}
					<Box>
						<FocusMark focused={focus === 0} />
						<Text bold={focus === 0}>{t.step1.pinLabel} : </Text>
						<TextField value={pin} focused={focus === 0 && pinState.phase === 'entry'} secret filter={digitsOnly} onChange={setPin} onSubmit={submit} />
					</Box>
					{pinState.phase === 'checking' && <Spinner label={t.step1.pinChecking} />}
					{pinState.phase === 'entry' && pinState.lastAttempt === 'incorrect' && (
						<Text color={bad} bold>
							{t.step1.pinIncorrect(pinState.triesLeft)}
						</Text>
					)}
					{pinState.phase === 'entry' && pinState.lastAttempt === 'too-short' && <Text color={bad}>{t.step1.pinNeedsFour}</Text>}
					{pinState.phase === 'entry' && pinState.lastAttempt === 'card-removed' && <Text color={bad}>{t.step1.cardRemovedDuringLogin}</Text>}
					{pinState.phase === 'entry' && pinState.error && <Text color={bad}>{t.step1.pinError(stripControl(pinState.error))}</Text>}
				</Box>
			)}
			{pinState.phase === 'locked' &&
				t.step1.pinLocked.map((line, index) => (
					<Text key={line} color={bad} bold={index === 0}>
						{line}
					</Text>
				))}
			{loggedIn && identity && (
				<Box flexDirection="column">
					<Text color={color ? 'green' : undefined} bold>
						{t.step1.identityTitle} : {holderName(identity)}
					</Text>
					<Text>
						{t.step1.profession} : {stripControl(identity.profession)}
					</Text>
					<Text>
						{t.step1.nationalId} : {identity.idType} {stripControl(identity.nationalId)}
					</Text>
					{state.account && <Text wrap="truncate-end">{t.step1.alreadyActive(stripControl(state.account.address))}</Text>}
					<Button label={state.account ? t.step1.seeAccount : t.step1.continue} focused={focus === 0} />
				</Box>
			)}
			<Text> </Text>
			<Text bold>{t.step1.helpTitle}</Text>
			<Menu items={HELP_TOPICS.map(topic => ({key: topic, label: t.help.title[topic]}))} focus={focus} offset={lead} />
		</Box>
	);
}
