// "Accéder au Webmail": the URL, its QR code, and the browser where the workstation has one.
import {Box, Text} from 'ink';
import {useEffect, useState} from 'react';
import {Button} from '../components/controls.js';
import {QrCode, qrMargin, type QrMatrix} from '../components/qr-code.js';
import {useTheme} from '../components/theme.js';
import {stripControl} from '../contract/text/sanitize.js';
import type {Workstation} from '../flows/workstation.js';
import {useKeys} from '../hooks/use-keys.js';
import {useT} from '../hooks/use-t.js';

/** What the webmail screen shows and emits. */
export type WebmailProps = {
	/** The webmail's address (settings). */
	url: string;
	/** Columns and rows the screen has. */
	width: number;
	height: number;
	actions: Pick<Workstation, 'browserAvailable' | 'openBrowser'> & {
		/** Enter once the browser is open (or when there is none): back to step 4. */
		close: () => void;
	};
};

/** Columns kept for the title, the address and the button beside the code. */
const TEXT_COLUMNS = 34;

/** "Accéder au Webmail": the URL, its QR code (UTF-8 terminals), and the browser where there is one. */
export function WebmailScreen({url: webmailUrl, width, height, actions}: WebmailProps) {
	const t = useT();
	const {browserAvailable: askBrowser, openBrowser, close} = actions;
	const {unicode} = useTheme();
	const [qr, setQr] = useState<QrMatrix | null>(null);
	const [opened, setOpened] = useState(false);
	const [browserAvailable, setBrowserAvailable] = useState(false);
	useEffect(() => {
		let live = true;
		void askBrowser().then(available => live && setBrowserAvailable(available));
		return () => {
			live = false;
		};
	}, [askBrowser]);
	useEffect(() => {
		if (!unicode) return;
		let live = true;
		import('qrcode')
			.then(({default: qrcode}) => {
				if (live) setQr(qrcode.create(webmailUrl, {errorCorrectionLevel: 'L'}).modules);
			})
			// A URL too long for a QR code: the address alone is shown.
			.catch(() => undefined);
		return () => {
			live = false;
		};
	}, [webmailUrl, unicode]);
	useKeys((_input, key) => {
		if (!key.return) return;
		if (browserAvailable && !opened) {
			openBrowser(webmailUrl);
			setOpened(true);
		} else close();
	});
	// The code beside the texts, so that at 80×24 neither the title nor the quiet zone is cut.
	const margin = qr && qrMargin(qr, height, width - TEXT_COLUMNS);
	return (
		<Box flexDirection="row" height={height}>
			{qr && margin !== null && (
				<Box paddingX={1} flexShrink={0}>
					<QrCode matrix={qr} margin={margin} />
				</Box>
			)}
			<Box flexDirection="column" flexShrink={1} paddingX={1}>
				<Text bold>{t.webmail.title}</Text>
				<Text>{t.webmail.scan}</Text>
				<Text bold underline>
					{stripControl(webmailUrl)}
				</Text>
				<Text> </Text>
				{browserAvailable ? <Button label={opened ? t.webmail.opened : t.webmail.open} focused /> : <Text dimColor>{t.webmail.noBrowser}</Text>}
			</Box>
		</Box>
	);
}
