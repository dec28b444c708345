// Step 3 — Configuration du compte: every field of the seed in its order inside a scrolling viewport,
// the reason next to each invalid field, and "J'active mon compte !".
import {Spinner} from '../components/spinner.js';
import {Box, Text} from 'ink';
import {useEffect, useRef, type ReactNode} from 'react';
import {Button, FocusMark, TextField} from '../components/controls.js';
import {focusIndex, focusStep} from '../components/focus-index.js';
import {useGlyphs, useSymbols, useTheme} from '../components/theme.js';
import {Viewport, type Row} from '../components/viewport.js';
import type {AccountField} from '../contract/rules/account-rules.js';
import {passwordRules, type PasswordRule} from '../contract/rules/password-policy.js';
import {wrapText} from '../contract/text/text.js';
import {NEEDS_CARD, type Account, type AccountOption, type AccountState, type AccountTextField, type FieldNote} from '../flows/account.js';
import type {FocusHandle, Navigation} from '../flows/navigation.js';
import {useKeys} from '../hooks/use-keys.js';
import {useT} from '../hooks/use-t.js';

/** Focus order of step 3, the seed's order. */
const ITEMS = ['password', 'passwordConfirm', 'email', 'mobile', 'otpChannel', 'notify', 'publishMobile', 'listeRouge', 'paperless', 'learnMore', 'previous', 'activate'] as const;
// Signed in without the card, the current password comes first: it is needed to change it.
const ITEMS_WITHOUT_CARD = ['currentPassword', ...ITEMS] as const;
type Item = (typeof ITEMS_WITHOUT_CARD)[number];
const TEXT_FIELDS = new Set<Item>(['currentPassword', 'password', 'passwordConfirm', 'email', 'mobile']);
const CHECKBOXES = new Set<Item>(['notify', 'publishMobile', 'listeRouge', 'paperless']);
const RULES: PasswordRule[] = ['length', 'upper', 'lower', 'digit'];

/** What step 3 shows and emits. */
export type AccountFormProps = {
	account: AccountState;
	/** Problems of the form as it stands (see accountProblems). */
	problems: Partial<Record<AccountField, string>>;
	/** Signed in without the card: the fields only the card may change (NEEDS_CARD) are shown read-only, with the reason. */
	needsCard: boolean;
	/** Columns available. */
	width: number;
	/** Rows available. */
	height: number;
	focus: FocusHandle;
	actions: Pick<Account, 'edit' | 'touch' | 'setChannel' | 'toggleChannel' | 'toggleOption' | 'submit'> &
		Pick<Navigation, 'back' | 'openHelp'> & {
			/** "En savoir plus": the convention de preuve. */
			openConvention: () => void;
		};
};

/**
 * Step 3 — Configuration du compte: every field of the seed in its order inside a scrolling
 * viewport, the reason next to each invalid field, and "J'active mon compte !".
 */
export function AccountFormScreen({account, problems, needsCard, width, height, focus: handle, actions}: AccountFormProps) {
	const t = useT();
	const symbols = useSymbols();
	const glyphs = useGlyphs();
	const {color} = useTheme();
	const {form, mode, submit, passwordCheck} = account;
	const items: readonly Item[] = needsCard ? ITEMS_WITHOUT_CARD : ITEMS;
	const {focus, current, move, setFocus} = focusIndex(items.length, handle);
	const focused = items[focus] as Item;
	const problemCount = Object.keys(problems).length;

	// A refused "J'active mon compte !" brings the first field to fix into view: when a submission
	// is attempted, not whenever the problems change, nor when the screen is shown again (from help,
	// an overlay), which keeps the focus where it was.
	const firstInvalid = items.findIndex(item => item in problems);
	const attempts = useRef(account.submitAttempts);
	useEffect(() => {
		if (account.submitAttempts === attempts.current) return;
		attempts.current = account.submitAttempts;
		if (firstInvalid >= 0) setFocus(firstInvalid);
	}, [account.submitAttempts, firstInvalid, setFocus]);

	const leave = () => {
		const item = items[current()] as Item;
		if (TEXT_FIELDS.has(item)) actions.touch(item as AccountField);
	};
	const moveBy = (delta: number) => {
		if (delta === 0) return;
		leave();
		move(delta);
	};

	useKeys((input, key) => {
		if (focusStep(key) !== 0) {
			moveBy(focusStep(key));
			return;
		}
		const focused = items[current()] as Item;
		if (!TEXT_FIELDS.has(focused) && input === '?') actions.openHelp('general');
		if (focused === 'otpChannel' && (key.leftArrow || key.rightArrow || input === ' ')) {
			if (key.leftArrow) actions.setChannel('sms');
			else if (key.rightArrow) actions.setChannel('mail');
			else actions.toggleChannel();
			return;
		}
		if (CHECKBOXES.has(focused) && input === ' ') {
			actions.toggleOption(focused as AccountOption);
			return;
		}
		if (!key.return || TEXT_FIELDS.has(focused)) return;
		if (focused === 'learnMore') actions.openConvention();
		else if (focused === 'previous') actions.back();
		else if (focused === 'activate') actions.submit();
		else moveBy(1);
	});

	const inner = width - 4;
	const shown = (field: AccountField) => (account.touched[field] || account.submitAttempted ? problems[field] : undefined);
	const problemText = (problem: string) => (problem in t.problems ? t.problems[problem as keyof typeof t.problems] : t.passwordProblems[problem as keyof typeof t.passwordProblems]);
	const noteText: Record<FieldNote, string> = {
		'liste-rouge-turned-off-publish': t.step3.listeRougeTurnedOffPublish,
		'publish-turned-off-liste-rouge': t.step3.publishTurnedOffListeRouge,
		'sms-refused': t.step3.smsRefused,
		'publish-refused': t.step3.publishRefused,
	};
	const bad = color ? 'red' : undefined;

	const rows: Row[] = [];
	const add = (key: string, owners: number[], node: ReactNode) => rows.push({key, owners, node});
	const owner = (item: Item) => [items.indexOf(item)];
	const text = (key: string, value: string, item: Item | null, style: {bold?: boolean; dim?: boolean; indent?: number; color?: string; unspoken?: boolean} = {}) => {
		const indent = style.indent ?? 0;
		wrapText(value, inner - indent).forEach((line, index) =>
			add(
				`${key}-${index}`,
				item ? owner(item) : [],
				<Text bold={style.bold} dimColor={style.dim} color={style.color} wrap="truncate-end" aria-hidden={style.unspoken}>
					{' '.repeat(indent)}
					{line}
				</Text>,
			),
		);
	};
	const section = (key: string, title: string) => {
		add(`${key}-gap`, [], <Text> </Text>);
		add(
			key,
			[],
			<Text bold color={color ? 'cyan' : undefined}>
				{symbols.section} {title}
			</Text>,
		);
	};
	// The reason sits on its own row under the field, so a long value never hides it; a text field
	// tells it to a screen reader itself, with its value.
	const problemRow = (field: AccountField, problem = shown(field)) => {
		if (problem) text(`${field}-problem`, `${symbols.bad} ${problemText(problem)}`, field as Item, {indent: 6, color: bad, unspoken: TEXT_FIELDS.has(field as Item)});
	};
	const noteNode = (field: AccountField) => {
		const note = account.fieldNotes[field];
		if (!note) return;
		text(`${field}-note`, `${symbols.pointer} ${noteText[note]}`, field as Item, {indent: 6, dim: !note.endsWith('refused')});
	};
	const locked = (item: AccountField) => needsCard && NEEDS_CARD.has(item);
	// Not a fault: what this session cannot change, and why.
	const lockedNote = (item: AccountField) => {
		if (locked(item)) text(`${item}-needs-card`, `${symbols.pointer} ${t.step3.needsCard}`, item as Item, {indent: 6, dim: true});
	};
	const field = (item: AccountTextField, label: string, secret = false) => {
		const problem = shown(item);
		// Told by the field itself, with its value. Not bold when focused: the pointer and the cursor on
		// the field's line show the focus, and a label redrawn at each Tab costs its length over SSH.
		text(`${item}-label`, label, item, {indent: 2, unspoken: true});
		add(
			`${item}-input`,
			owner(item),
			<Text wrap="truncate-end">
				<FocusMark focused={focused === item} />
				{'  '}
				<TextField
					value={form[item]}
					focused={focused === item && !locked(item)}
					secret={secret}
					label={label}
					invalid={problem && problemText(problem)}
					onChange={value => actions.edit(item, value)}
					onSubmit={() => moveBy(1)}
				/>
			</Text>,
		);
		problemRow(item, problem);
		lockedNote(item);
	};
	const checkbox = (item: AccountOption, label: string) => {
		const lines = wrapText(`${form[item] ? symbols.checked : symbols.unchecked} ${label}`, inner - 2);
		lines.forEach((line, index) =>
			add(
				`${item}-${index}`,
				owner(item),
				// One line told for the whole box to a screen reader.
				<Text wrap="truncate-end" aria-hidden={index > 0}>
					{index === 0 ? <FocusMark focused={focused === item} /> : '  '}
					<Text bold={focused === item && index === 0} aria-label={t.spoken.checkbox(label, form[item])}>
						{index === 0 ? line : `    ${line}`}
					</Text>
				</Text>,
			),
		);
		problemRow(item, shown(item) ?? (account.submitAttempted || form[item] ? problems[item] : undefined));
		noteNode(item);
	};

	text('intro', t.step3.intro, null, {dim: true});
	section('s-password', `${t.step3.sections.password}   ${t.step3.required}`);
	if (needsCard) field('currentPassword', t.step3.currentPassword, true);
	field('password', mode === 'edit' ? t.step3.passwordEdit : t.step3.password, true);
	const rules = passwordRules(form.password);
	const optionalEmpty = mode === 'edit' && form.password === '' && form.passwordConfirm === '';
	const assessed = passwordCheck?.password === form.password ? passwordCheck.assessment : null;
	add(
		'password-rules',
		owner('password'),
		<Text wrap="truncate-end">
			{'    '}
			{RULES.map(rule =>
				// An optional new password left empty breaks no rule: the rules are shown plain, not refused.
				optionalEmpty ? (
					<Text key={rule} dimColor>{`${t.step3.rules[rule]}  `}</Text>
				) : (
					<Text key={rule} color={color ? (rules[rule] ? 'green' : 'red') : undefined}>
						{`${rules[rule] ? symbols.ok : symbols.bad} ${t.step3.rules[rule]}  `}
					</Text>
				),
			)}
		</Text>,
	);
	add(
		'password-strength',
		owner('password'),
		<Text wrap="truncate-end">
			{'    '}
			<Text dimColor>{`${t.step3.strength}${t.colon}`}</Text>
			{form.password === '' ? (
				<Text dimColor>{glyphs.dash}</Text>
			) : assessed ? (
				// A refused password has no strength to boast of, whatever its score.
				<Text>
					{assessed.problems.length > 0
						? `${symbols.bar}${symbols.barEmpty.repeat(4)} ${t.step3.strengthRefused}`
						: `${symbols.bar.repeat(assessed.score + 1)}${symbols.barEmpty.repeat(4 - assessed.score)} ${t.step3.strengthLevels[assessed.score]}`}
				</Text>
			) : (
				<Text dimColor>{t.step3.strengthPending}</Text>
			)}
		</Text>,
	);
	field('passwordConfirm', t.step3.passwordConfirm, true);
	section('s-otp', t.step3.sections.otp);
	if (needsCard) text('otp-needs-card', t.step3.contactNeedsCard, null, {dim: true, indent: 2});
	field('email', t.step3.email);
	field('mobile', t.step3.mobile);
	text('otp-label', t.step3.otpChannel, 'otpChannel', {indent: 2});
	add(
		'otp-choice',
		owner('otpChannel'),
		<Text>
			<FocusMark focused={focused === 'otpChannel'} />
			<Text
				aria-label={`${t.spoken.radio(t.step3.sms, form.otpChannel === 'sms')}, ${t.spoken.radio(t.step3.mail, form.otpChannel === 'mail')}`}
			>{`  ${form.otpChannel === 'sms' ? symbols.radioOn : symbols.radioOff} ${t.step3.sms}   ${form.otpChannel === 'mail' ? symbols.radioOn : symbols.radioOff} ${t.step3.mail}`}</Text>
		</Text>,
	);
	problemRow('otpChannel');
	lockedNote('otpChannel');
	noteNode('otpChannel');
	section('s-notif', t.step3.sections.notifications);
	checkbox('notify', t.step3.notify);
	section('s-dir', t.step3.sections.directory);
	text('dir-info', t.step3.directoryInfo, null, {dim: true, indent: 2});
	checkbox('publishMobile', t.step3.publishMobile);
	checkbox('listeRouge', t.step3.listeRouge);
	section('s-paper', t.step3.sections.paper);
	checkbox('paperless', t.step3.paperless);
	text('paper-law', t.step3.paperlessLaw, null, {dim: true, indent: 6});
	add(
		'learn-more',
		owner('learnMore'),
		<Text>
			<FocusMark focused={focused === 'learnMore'} />
			<Text bold={focused === 'learnMore'} underline>
				{t.step3.learnMore}
			</Text>
		</Text>,
	);
	add('buttons-gap', [], <Text> </Text>);
	const failed = submit.phase === 'failed';
	add(
		'buttons',
		[items.indexOf('previous'), items.indexOf('activate')],
		<Box gap={2}>
			<Button label={t.step3.previous} focused={focused === 'previous'} />
			<Button label={failed ? t.step3.retry : mode === 'edit' ? t.step3.save : t.step3.activate} focused={focused === 'activate'} />
		</Box>,
	);

	const status =
		submit.phase === 'sending'
			? mode === 'edit'
				? t.step3.saving
				: t.step3.activating
			: failed
				? t.step3.failed(submit.error)
				: account.submitAttempted && problemCount > 0
					? t.step3.fixFirst(problemCount)
					: '';
	// A failure's message wraps ("Vos saisies sont conservées" is at its end); the form gives up the rows.
	const statusLines = submit.phase === 'sending' ? [status] : wrapText(status || ' ', width - 2);
	return (
		<Box flexDirection="column" paddingX={1} height={height}>
			<Viewport rows={rows} focused={focus} height={height - statusLines.length} />
			{submit.phase === 'sending' ? (
				<Spinner label={status} />
			) : (
				statusLines.map((line, index) => (
					// biome-ignore lint/suspicious/noArrayIndexKey: lines of one message, their place is their identity.
					<Text key={index} color={failed || (account.submitAttempted && problemCount > 0) ? bad : undefined} bold wrap="truncate-end">
						{line}
					</Text>
				))
			)}
		</Box>
	);
}
