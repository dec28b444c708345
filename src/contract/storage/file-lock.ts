import {linkSync, readFileSync, unlinkSync, writeFileSync} from 'node:fs';

/** Raised when another live process already writes the file. */
export class FileInUseError extends Error {
	constructor(
		/** The file that is locked. */
		readonly path: string,
		/** Process holding it. */
		readonly pid: number,
	) {
		super(`${path} est déjà utilisé par un autre processus (pid ${pid})`);
		this.name = 'FileInUseError';
	}
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: the process exists but belongs to someone else.
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/**
 * Takes `<path>.lock` for this process, so a second writer fails loudly instead of silently
 * overwriting (steno, under lowdb, serialises writes only within one process). A lock left by
 * a dead process is taken over. Returns the release function; it is also run on exit.
 */
export function lockFile(path: string): () => void {
	const lockPath = `${path}.lock`;
	for (let attempt = 0; attempt < 2; attempt++) {
		try {
			// Written aside then hard-linked: the lock never exists without its pid in it.
			const draft = `${lockPath}.${process.pid}`;
			writeFileSync(draft, String(process.pid), {mode: 0o600});
			try {
				linkSync(draft, lockPath);
			} finally {
				unlinkSync(draft);
			}
			const release = () => {
				process.removeListener('exit', release);
				try {
					if (readFileSync(lockPath, 'utf8') === String(process.pid)) unlinkSync(lockPath);
				} catch {
					// Already gone: nothing to release.
				}
			};
			process.on('exit', release);
			return release;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			const pid = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
			if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) throw new FileInUseError(path, pid);
			unlinkSync(lockPath);
		}
	}
	throw new Error(`Impossible de verrouiller ${path}`);
}
