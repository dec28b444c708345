// Step 4 — Récapitulatif: the account and every option chosen, then what can be done with it.
import {Box, Text} from 'ink';
import {focusIndex, focusStep} from '../components/focus-index.js';
import {Menu} from '../components/menu.js';
import {useTheme} from '../components/theme.js';
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

/** Step 4 — Récapitulatif: the account and every option chosen, then the actions. */
export function SummaryScreen({account, lastSave, width, focus: handle, actions}: SummaryProps) {
	const t = useT();
	const {color} = useTheme();
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
		[t.step4.holder, `${holderName(identity)} — ${identity.profession} — ${identity.idType} ${identity.nationalId}`],
		[t.step4.email, options.email],
		[t.step4.mobile, options.mobile ? formatMobile(options.mobile) : t.step4.none],
		[t.step4.otp, options.otpChannel === 'sms' ? t.step3.sms : t.step3.mail],
		[t.step4.notify, yesNo(options.notify)],
		[t.step4.publishMobile, yesNo(options.publishMobile)],
		[t.step4.listeRouge, yesNo(options.listeRouge)],
		[t.step4.paperless, options.paperless ? t.step4.paperStopped : t.step4.paperKept],
	];
	const title = lastSave === 'activated' ? t.step4.activated : lastSave === 'updated' ? t.step4.updated : t.step4.existing;
	const items = [t.step4.actions.webmail, t.step4.actions.edit, t.step4.actions.invite, t.step4.actions.directory, t.step4.actions.finish].map(label => ({key: label, label}));
	return (
		<Box flexDirection="column" paddingX={1}>
			<Text bold color={color ? 'green' : undefined}>
				{title}
			</Text>
			{summary.map(([label, value]) => (
				<Text key={label} wrap="truncate-end">
					<Text dimColor>{label} : </Text>
					{stripControl(value)}
				</Text>
			))}
			{wrapText(t.step4.advice, width - 2).map(line => (
				<Text key={line} dimColor>
					{line}
				</Text>
			))}
			<Text> </Text>
			<Menu items={items} focus={focus} />
		</Box>
	);
}
