// Step 1 — Configuration du poste: the live checklist, the masked PIN, then the identity read from the card.
import {Spinner} from '../components/spinner.js';
import {Box, Text} from 'ink';
import {useState} from 'react';
import {Checklist} from '../components/checklist.js';
import {Button, FocusMark, TextField} from '../components/controls.js';
import {focusIndex, focusStep} from '../components/focus-index.js';
import {Menu} from '../components/menu.js';
import {useTheme} from '../components/theme.js';
import type {AccountView} from '../contract/domain/account.js';
import {holderName} from '../contract/domain/card-identity.js';
import {stripControl} from '../contract/text/sanitize.js';
import {loggedIn, type CardAndPin, type CardAndPinState} from '../flows/card-and-pin.js';
import type {FocusHandle, HelpTopic, Navigation} from '../flows/navigation.js';
import type {Workstation} from '../flows/workstation.js';
import type {ReaderSnapshot} from '../hardware/reader-monitor.js';
import {useKeys} from '../hooks/use-keys.js';
import {useT} from '../hooks/use-t.js';

const HELP_TOPICS: HelpTopic[] = ['no-card', 'no-icon', 'red-icon'];

const digitsOnly = (value: string) => value.replace(/\D/g, '').slice(0, 4);

/** What step 1 shows; focus order: the PIN field or the Continue button when present, then the help links. */
function layout(card: CardAndPinState, ready: boolean) {
	const askPin = ready && (card.pin.phase === 'entry' || card.pin.phase === 'checking');
	const continues = loggedIn(card);
	const retries = card.check?.phase === 'failed';
	// While the service checks the card, the place of "Continuer" keeps the focus: an early Enter does nothing.
	const checking = card.check?.phase === 'checking';
	return {askPin, loggedIn: continues, retries, lead: askPin || continues || retries || checking ? 1 : 0};
}

/** What step 1 shows and emits. */
export type CardAndPinProps = {
	card: CardAndPinState;
	/** The card's state as of now, for key handlers. */
	now: () => CardAndPinState;
	/** The account already activated for this card, once read. */
	activated: AccountView | null;
	/** Readers and card, live. */
	snapshot: ReaderSnapshot;
	/** The four checks pass: the PIN may be asked. */
	ready: boolean;
	focus: FocusHandle;
	actions: Pick<CardAndPin, 'submitPin' | 'continueAfterLogin' | 'recheckCard'> & Pick<Navigation, 'openHelp'> & Pick<Workstation, 'nextReader'>;
};

/**
 * Step 1 — Configuration du poste: the live checklist, then the masked PIN, then the identity
 * read from the card. The PIN lives only in this view's state until it is submitted.
 */
export function CardAndPinScreen({card, now, activated, snapshot, ready, focus: handle, actions}: CardAndPinProps) {
	const t = useT();
	const {color} = useTheme();
	const {pin: pinState, identity} = card;
	const [pin, setPin] = useState('');
	const {askPin, loggedIn, retries, lead} = layout(card, ready);
	const {focus, current, move} = focusIndex(lead + HELP_TOPICS.length, handle);

	useKeys((input, key) => {
		move(focusStep(key));
		const focus = current();
		const shown = layout(now(), ready);
		// `?` and `l` are typed nowhere here: the PIN field only takes digits.
		if (input === '?') actions.openHelp('general');
		if (input === 'l' || input === 'L') actions.nextReader();
		if (!key.return && !(input === ' ' && focus >= shown.lead)) return;
		if (focus < shown.lead) {
			if (shown.loggedIn) actions.continueAfterLogin();
			else if (shown.retries) actions.recheckCard();
			return; // the PIN field submits through its own onSubmit
		}
		const topic = HELP_TOPICS[focus - shown.lead];
		if (topic) actions.openHelp(topic);
	});

	const submit = (typed: string) => {
		if (pinState.phase !== 'entry') return;
		actions.submitPin(typed);
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
			{!ready && pinState.phase !== 'locked' && !loggedIn && (
				// A CPS whose module does not load is not waited for: it cannot be read until the module is fixed.
				<Text dimColor={!snapshot.card?.cpsKind} color={snapshot.card?.cpsKind ? bad : undefined} wrap="wrap">
					{snapshot.card?.cpsKind ? t.step1.moduleMissing : t.step1.waiting}
				</Text>
			)}
			{askPin && (
				<Box flexDirection="column">
					<Text bold>{t.step1.pinPrompt}</Text>
					{pinState.phase === 'entry' && pinState.status?.state === 'count-low' && !pinState.lastAttempt && <Text color={warn}>{t.step1.pinCountLow}</Text>}
					{pinState.phase === 'entry' && pinState.status?.state === 'final-try' && (
						<Text color={warn} bold wrap="wrap">
							{t.step1.pinFinalTry}
						</Text>
					)}
					<Box>
						<FocusMark focused={focus === 0} />
						<Text bold={focus === 0}>
							{t.step1.pinLabel}
							{t.colon}
						</Text>
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
					{pinState.phase === 'entry' && pinState.noToken && (
						<Text color={bad} wrap="wrap">
							{t.step1.noToken(stripControl(pinState.noToken.label), pinState.noToken.found.map(stripControl))}
						</Text>
					)}
				</Box>
			)}
			{pinState.phase === 'locked' &&
				t.step1.pinLocked.map((line, index) => (
					<Text key={line} color={bad} bold={index === 0}>
						{line}
					</Text>
				))}
			{pinState.phase === 'ok' && identity && card.check?.phase !== 'accepted' && (
				<Box flexDirection="column">
					<Text bold>{holderName(identity)}</Text>
					{card.check?.phase === 'checking' && <Spinner label={t.step1.checkingCard} />}
					{card.check?.phase === 'refused' && (
						<>
							<Text color={bad} bold wrap="wrap">
								{t.step1.cardRefused(card.check.reason)}
							</Text>
							<Text wrap="wrap">{t.step1.cardRefusedHelp}</Text>
						</>
					)}
					{retries && card.check?.phase === 'failed' && (
						<>
							<Text color={bad} wrap="wrap">
								{t.step1.checkFailed(card.check.error)}
							</Text>
							<Button label={t.step1.retry} focused={focus === 0} />
						</>
					)}
				</Box>
			)}
			{loggedIn && identity && (
				<Box flexDirection="column">
					<Text color={color ? 'green' : undefined} bold>
						{t.step1.identityTitle}
						{t.colon}
						{holderName(identity)}
					</Text>
					<Text>
						{t.step1.profession}
						{t.colon}
						{stripControl(t.professionLabel(identity.professionCode, identity.profession))}
					</Text>
					<Text>
						{t.step1.nationalId}
						{t.colon}
						{identity.idType} {stripControl(identity.nationalId)}
					</Text>
					{/* Wrapped: with the address, the sentence is longer than 80 columns. */}
					{activated && <Text>{t.step1.alreadyActive(stripControl(activated.address))}</Text>}
					<Button label={activated ? t.step1.seeAccount : t.step1.continue} focused={focus === 0} />
				</Box>
			)}
			<Text> </Text>
			<Text bold>{t.step1.helpTitle}</Text>
			<Menu items={HELP_TOPICS.map(topic => ({key: topic, label: t.help.title[topic]}))} focus={focus} offset={lead} />
		</Box>
	);
}
