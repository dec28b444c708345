import {configDefaults, defineConfig} from 'vitest/config';

/**
 * The files that need the machine's one pcscd and its two virtual readers, drive the built app in a
 * pseudo-terminal, or time the service under a flood (test/load: the two cores must be theirs alone).
 */
const HARDWARE = ['test/hardware/**/*.test.{ts,tsx}', 'test/e2e/**/*.test.{ts,tsx}', 'test/load/**/*.test.{ts,tsx}'];

// `--no-file-parallelism` (npm run test:hardware) runs every file alone in its own process.
const fileParallelism = !process.argv.some(arg => arg === '--no-file-parallelism' || arg === '--fileParallelism=false' || arg === '--file-parallelism=false');

export default defineConfig({
	esbuild: {jsx: 'automatic'},
	test: {
		testTimeout: 20_000,
		hookTimeout: 20_000,
		// Ink and the embedded backend are single-process resources per test file.
		pool: 'forks',
		// Two cores: more workers than cores only adds switching (the lead measures 2 against 3).
		maxWorkers: 2,
		minWorkers: 1,
		env: {FORCE_COLOR: '0'},
		projects: [
			{
				extends: true,
				test: {
					name: 'unit',
					// test/contract, test/server, test/kiosk and anything else: no pcscd, no fixed port, no shared
					// file, so the files run in parallel.
					include: ['test/**/*.test.{ts,tsx}'],
					exclude: [...configDefaults.exclude, ...HARDWARE],
					sequence: {groupOrder: 0},
				},
			},
			{
				extends: true,
				test: {
					name: 'hardware',
					// One file at a time: these share one pcscd and its two virtual readers (some stop and restart the
					// daemon), and time what they see on screen. After the unit files (groupOrder), so that they never
					// compete for the two cores with them.
					include: HARDWARE,
					sequence: {groupOrder: 1},
					// Vitest 3 cannot give one project its own number of workers: within one run with file parallelism,
					// its files go one after another through a single process. `npm test` runs this project alone
					// with --no-file-parallelism instead, which keeps a fresh process for each file.
					poolOptions: {forks: {singleFork: fileParallelism}},
				},
			},
		],
	},
});
