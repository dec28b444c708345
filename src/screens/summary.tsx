import {Box, Text} from 'ink';
import {useKeys} from '../hooks/use-keys.js';
import {Menu} from '../components/menu.js';
import {useTheme} from '../components/theme.js';
import {focusStep, useFocusIndex} from '../hooks/use-focus-index.js';
import {holderName} from '../contract/domain/card-identity.js';
import {useT} from '../hooks/use-t.js';
import {stripControl} from '../contract/text/sanitize.js';
import {wrapText} from '../contract/text/text.js';
import {formatMobile} from '../contract/rules/contact-rules.js';
import type {ScreenProps} from './screen-props.js';

/** Step 4 — Récapitulatif: the account and every option chosen, then the actions. */
export function Step4Screen({kiosk, width}: ScreenProps) {
	const t = useT();
	const {color} = useTheme();
	const {state, intents} = kiosk;
	const {focus, current, move} = useFocusIndex(5);
	useKeys((input, key) => {
		move(focusStep(key));
		if (input === '?') intents.openHelp('general');
		if (!key.return) return;
		const focus = current();
		if (focus === 0) intents.dispatch({type: 'open-overlay', screen: 'webmail'});
		else if (focus === 1) intents.dispatch({type: 'edit-account'});
		else if (focus === 2) intents.dispatch({type: 'open-overlay', screen: 'invite'});
		else if (focus === 3) intents.openDirectory();
		else intents.finish();
	});
	const account = state.account;
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
	const title = state.lastSave === 'activated' ? t.step4.activated : state.lastSave === 'updated' ? t.step4.updated : t.step4.existing;
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
