// Bundles the kiosk (and, for the start-up benchmark, any other entry) with esbuild.
// Bundling cuts Node's module resolution out of start-up (SPEC §9).
import {build} from 'esbuild';
import {fileURLToPath} from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** Options shared by every bundle, so the benchmark's bare Ink app is built like the kiosk. */
export const bundleOptions = {
	bundle: true,
	platform: 'node',
	target: 'node20',
	format: 'esm',
	// Prefer packages' ES modules: a dynamic import() of a CommonJS build loses its named exports.
	mainFields: ['module', 'main'],
	splitting: true,
	jsx: 'automatic',
	minify: true,
	legalComments: 'none',
	sourcemap: 'linked',
	define: {'process.env.NODE_ENV': '"production"'},
	// Ink imports react-devtools-core only when DEV=true; native addons stay outside the bundle, and so
	// does pg (its optional pg-native is a native addon, looked up with require()).
	external: ['react-devtools-core', 'pkcs11js', 'pcsclite', 'better-sqlite3', 'pg'],
	// Bundled CommonJS dependencies call require() for Node built-ins.
	banner: {js: "import {createRequire as __cr} from 'node:module';const require=__cr(import.meta.url);"},
	logLevel: 'warning',
};

/** Bundles entries (`{outputName: pathInRepository}`, or one path) into `outdir`. */
export async function bundle(entries, outdir) {
	const named = typeof entries === 'string' ? {[path.basename(entries).replace(/\.[^.]+$/, '')]: entries} : entries;
	const entryPoints = Object.fromEntries(Object.entries(named).map(([name, file]) => [name, path.join(root, file)]));
	await build({...bundleOptions, entryPoints, outdir: path.join(root, outdir)});
}

/** The kiosk, and the workers it starts (separate files: a worker thread loads them by path). */
export const KIOSK_ENTRIES = {cli: 'src/main.ts', 'pkcs11-worker': 'src/hardware/pkcs11-worker.ts', 'directory-worker': 'src/server/directory/directory-worker.ts'};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	await bundle(KIOSK_ENTRIES, 'dist');
}
