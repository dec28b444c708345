import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

let assetsDir: string | undefined;

/** The project's `data/` folder, found from this module whether it runs bundled (dist/) or from src/. */
function findAssetsDir(): string {
	let dir = path.dirname(fileURLToPath(import.meta.url));
	for (;;) {
		const candidate = path.join(dir, 'data');
		if (existsSync(path.join(candidate, 'cgu.fr.txt'))) return candidate;
		const parent = path.dirname(dir);
		if (parent === dir) throw new Error('Dossier data/ introuvable à côté du programme');
		dir = parent;
	}
}

/** Reads a text file shipped in `data/`. */
export function readAsset(name: string): string {
	assetsDir ??= findAssetsDir();
	return readFileSync(path.join(assetsDir, name), 'utf8');
}
