import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {stripControl} from '../text/sanitize.js';
import {wrapText} from '../text/text.js';

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

/** Long texts the screens show, read once at start in the session's language. */
export type Texts = {
	/** Conditions générales d'utilisation (step 2). */
	cgu: string;
	/** Convention de preuve ("En savoir plus", step 3). */
	convention: string;
};

export function loadTexts(lang: 'fr' | 'en'): Texts {
	return {cgu: readAsset(`cgu.${lang}.txt`), convention: readAsset(`convention-preuve.${lang}.txt`)};
}

/** A shipped text as screen lines: control characters removed, wrapped to `width`. */
export function textLines(text: string, width: number): string[] {
	return text
		.trimEnd()
		.split('\n')
		.flatMap(line => wrapText(stripControl(line), width));
}
