import {defineConfig} from 'vitest/config';

export default defineConfig({
	esbuild: {jsx: 'automatic'},
	test: {
		include: ['test/**/*.test.{ts,tsx}'],
		testTimeout: 20_000,
		hookTimeout: 20_000,
		// Ink and the embedded backend are single-process resources per test file.
		pool: 'forks',
		// One file at a time: the hardware tests share one pcscd and its two virtual readers, and
		// some of them stop and restart the daemon.
		fileParallelism: false,
		env: {FORCE_COLOR: '0'},
	},
});
