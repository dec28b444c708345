/** Where the program keeps its data when `--data-dir` does not say, and what a deployer may drop there. */
import {existsSync} from 'node:fs';
import {homedir} from 'node:os';
import path from 'node:path';

/** Name of the national directory's extraction when a deployer drops it in the data directory. */
const NATIONAL_DIRECTORY_FILE = 'Extraction_Correspondance_MSSante.txt';

/** `$MSSANTE_KIOSK_DATA`, else `$XDG_DATA_HOME/mssante-kiosk`, else `~/.local/share/mssante-kiosk`. */
export function defaultDataDir(env: NodeJS.ProcessEnv): string {
	if (env['MSSANTE_KIOSK_DATA']) return env['MSSANTE_KIOSK_DATA'];
	return path.join(env['XDG_DATA_HOME'] || path.join(homedir(), '.local', 'share'), 'mssante-kiosk');
}

/** The national extraction dropped in the data directory, if any. */
export function droppedDirectoryFile(dataDir: string): string | undefined {
	const file = path.join(dataDir, NATIONAL_DIRECTORY_FILE);
	return existsSync(file) ? file : undefined;
}
