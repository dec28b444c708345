import {existsSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

/**
 * The bundle of worker `name` (e.g. `pkcs11-worker.js`): beside the calling module when it runs
 * from dist/, else in the repository's dist/ when it runs from src/ (tests). `from` is the
 * caller's `import.meta.url`.
 */
export function workerFile(name: string, from: string): string {
	let directory = path.dirname(fileURLToPath(from));
	if (existsSync(path.join(directory, name))) return path.join(directory, name);
	for (let parent = path.dirname(directory); parent !== directory; directory = parent, parent = path.dirname(parent)) {
		if (existsSync(path.join(parent, 'package.json'))) {
			const built = path.join(parent, 'dist', name);
			if (existsSync(built)) return built;
			break;
		}
	}
	throw new Error(`${name} introuvable : lancez « npm run build »`);
}
