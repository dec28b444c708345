// Step 4 — Récapitulatif: the account and every option chosen, then what can be done with it.
import {Box, Text} from 'ink';
import {focusIndex, focusStep} from '../components/focus-index.js';
import {MenuLine} from '../components/menu.js';
import {useGlyphs, useTheme} from '../components/theme.js';
import {Viewport, type Row} from '../components/viewport.js';
import type {AccountView} from '../contract/domain/account.js';
import {holderName} from '../contract/domain/card-identity.js';
import {formatMobile} from '../contract/rules/contact-rules.js';
import {stripControl} from '../contract/text/sanitize.js';
import {wrapText} from '../contract/text/text.js';
import type {AccountState} from '../flows/account.js';
import type {FocusHandle, Navigation} from '../flows/navigation.js';
import {useKeys} from '../hooks/use-keys.js';
import {useT} from '../hooks/use-t.js';

/** What step 4 shows and emits. */
export type SummaryProps = {
	/** The account as stored. */
	account: AccountView | null;
	/** What just happened to it: the title says so. */
	lastSave: AccountState['lastSave'];
	/** Columns available. */
	width: number;
	/** Rows available. */
	height: number;
	focus: FocusHandle;
	actions: Pick<Navigation, 'openHelp'> & {
		openWebmail: () => void;
		/** "Modifier mon compte": step 3 over this screen. */
		edit: () => void;
		invite: () => void;
		openDirectory: () => void;
		/** "Terminer": the session ends. */
		finish: () => void;
	};
};

/**
 * Step 4 — Récapitulatif: the account and every option chosen, then the actions. Values wrap (a
 * long address is never cut) and the whole scrolls in a viewport that keeps the focused action shown.
 */
export function SummaryScreen({account, lastSave, width, height, focus: handle, actions}: SummaryProps) {
	const t = useT();
	const {color} = useTheme();
	const {dash} = useGlyphs();
	const {focus, current, move} = focusIndex(5, handle);
	useKeys((input, key) => {
		move(focusStep(key));
		if (input === '?') actions.openHelp('general');
		if (!key.return) return;
		const focus = current();
		if (focus === 0) actions.openWebmail();
		else if (focus === 1) actions.edit();
		else if (focus === 2) actions.invite();
		else if (focus === 3) actions.openDirectory();
		else actions.finish();
	});
	if (!account) return null;
	const {identity, options} = account;
	const yesNo = (value: boolean) => (value ? t.step4.yes : t.step4.no);
	const summary: Array<[string, string]> = [
		[t.step4.address, account.address],
		[t.step4.holder, [holderName(identity), t.professionLabel(identity.professionCode, identity.profession), `${identity.idType} ${identity.nationalId}`].join(` ${dash} `)],
		[t.step4.email, options.email],
		[t.step4.mobile, options.mobile ? formatMobile(options.mobile) : t.step4.none],
		[t.step4.otp, options.otpChannel === 'sms' ? t.step3.sms : t.step3.mail],
		[t.step4.notify, yesNo(options.notify)],
		[t.step4.publishMobile, yesNo(options.publishMobile)],
		[t.step4.listeRouge, yesNo(options.listeRouge)],
		[t.step4.paperless, options.paperless ? t.step4.paperStopped : t.step4.paperKept],
	];
	const title = lastSave === 'activated' ? t.step4.activated : lastSave === 'updated' ? t.step4.updated : t.step4.existing;
	const items = [t.step4.actions.webmail, t.step4.actions.edit, t.step4.actions.invite, t.step4.actions.directory, t.step4.actions.finish];
	const rows: Row[] = [
		{
			key: 'title',
			owners: [],
			node: (
				<Text bold color={color ? 'green' : undefined}>
					{title}
				</Text>
			),
		},
	];
	for (const [label, value] of summary) {
		const prefix = `${label}${t.colon}`;
		wrapText(`${prefix}${stripControl(value)}`, width - 2).forEach((line, index) => {
			const key = `${label}-${index}`;
			// The label dim on the line it starts.
			const node = line.startsWith(prefix) ? (
				<Text key={key}>
					<Text dimColor>{prefix}</Text>
					{line.slice(prefix.length)}
				</Text>
			) : (
				<Text key={key}>{line}</Text>
			);
			rows.push({key, owners: [], node});
		});
	}
	wrapText(t.step4.advice, width - 2).forEach((line, index) => rows.push({key: `advice-${index}`, owners: [], node: <Text dimColor>{line}</Text>}));
	rows.push({key: 'gap', owners: [], node: <Text> </Text>});
	items.forEach((label, index) => rows.push({key: label, owners: [index], node: <MenuLine label={label} focused={focus === index} />}));
	return (
		<Box flexDirection="column" paddingX={1}>
			<Viewport rows={rows} focused={focus} height={height} />
		</Box>
	);
}
