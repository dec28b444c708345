#!/usr/bin/env -S node --max-semi-space-size=1
// A 1 MB young generation: the kiosk allocates little per frame, and the default 16 MB
// semi-spaces alone cost ~6 MB of resident memory (bench/startup.mjs).
// Ink's colour library reads FORCE_COLOR when it loads and ignores NO_COLOR: map it first.
// An empty NO_COLOR does not count (no-color.org).
if (process.env.NO_COLOR) process.env.FORCE_COLOR = '0';
await import('../dist/cli.js');
