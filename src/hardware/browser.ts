import {access} from 'node:fs/promises';
import path from 'node:path';

/** The kiosk's web browser, when it has a graphical session. */
export interface Browser {
	/** Whether a browser can be opened here (none over SSH or on a bare console). */
	available(): Promise<boolean>;
	open(url: string): Promise<void>;
}

async function onPath(command: string, env: NodeJS.ProcessEnv): Promise<boolean> {
	for (const dir of (env['PATH'] ?? '').split(path.delimiter).filter(Boolean)) {
		try {
			await access(path.join(dir, command));
			return true;
		} catch {
			// Not in this folder.
		}
	}
	return false;
}

/** Opens URLs with `xdg-open` when a display is there. */
export function systemBrowser(env: NodeJS.ProcessEnv = process.env): Browser {
	return {
		async available() {
			return Boolean(env['DISPLAY'] || env['WAYLAND_DISPLAY']) && (await onPath('xdg-open', env));
		},
		async open(url) {
			// Loaded on use, off the start-up path. Argument array, no shell: the URL comes from settings.
			const {execa} = await import('execa');
			const opener = execa('xdg-open', [url], {detached: true, stdio: 'ignore'});
			opener.unref();
			// xdg-open failing (no default browser) must not take the kiosk down: the QR code remains.
			opener.catch(() => undefined);
		},
	};
}
