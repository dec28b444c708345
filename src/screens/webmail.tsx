// "Accéder au Webmail": the URL, its QR code, and the browser where the workstation has one.
import {Box, Text} from 'ink';
import {useEffect, useState} from 'react';
import {Button} from '../components/controls.js';
import {useTheme} from '../components/theme.js';
import {stripControl} from '../contract/text/sanitize.js';
import type {Workstation} from '../flows/workstation.js';
import {useKeys} from '../hooks/use-keys.js';
import {useT} from '../hooks/use-t.js';

/** What the webmail screen shows and emits. */
export type WebmailProps = {
	/** The webmail's address (settings). */
	url: string;
	actions: Pick<Workstation, 'browserAvailable' | 'openBrowser'> & {
		/** Enter once the browser is open (or when there is none): back to step 4. */
		close: () => void;
	};
};

/** Renders a QR matrix with half blocks, two modules per character row; light modules drawn. */
function qrLines(modules: {size: number; get: (row: number, column: number) => number}, margin = 2): string[] {
	const size = modules.size + margin * 2;
	const dark = (row: number, column: number) => {
		const r = row - margin;
		const c = column - margin;
		return r >= 0 && c >= 0 && r < modules.size && c < modules.size && modules.get(r, c) === 1;
	};
	const lines: string[] = [];
	for (let row = 0; row < size; row += 2) {
		let line = '';
		for (let column = 0; column < size; column++) {
			const top = !dark(row, column);
			const bottom = row + 1 < size ? !dark(row + 1, column) : false;
			line += top && bottom ? '█' : top ? '▀' : bottom ? '▄' : ' ';
		}
		lines.push(line);
	}
	return lines;
}

/** "Accéder au Webmail": the URL, its QR code (UTF-8 terminals), and the browser where there is one. */
export function WebmailScreen({url: webmailUrl, actions}: WebmailProps) {
	const t = useT();
	const {browserAvailable: askBrowser, openBrowser, close} = actions;
	const {unicode} = useTheme();
	const [qr, setQr] = useState<string[] | null>(null);
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
				if (live) setQr(qrLines(qrcode.create(webmailUrl, {errorCorrectionLevel: 'L'}).modules));
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
	return (
		<Box flexDirection="column" paddingX={1}>
			<Text bold>{t.webmail.title}</Text>
			<Text>{t.webmail.scan}</Text>
			<Text bold underline>
				{stripControl(webmailUrl)}
			</Text>
			{qr && (
				<Box flexDirection="column" paddingLeft={2}>
					{qr.map((line, index) => (
						// biome-ignore lint/suspicious/noArrayIndexKey: rows of a fixed picture, their index is their identity.
						<Text key={index}>{line}</Text>
					))}
				</Box>
			)}
			{browserAvailable ? <Button label={opened ? t.webmail.opened : t.webmail.open} focused /> : <Text dimColor>{t.webmail.noBrowser}</Text>}
		</Box>
	);
}
