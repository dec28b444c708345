#!/usr/bin/env node
// Ink's colour library reads FORCE_COLOR when it loads and ignores NO_COLOR: map it first.
if ('NO_COLOR' in process.env) process.env.FORCE_COLOR = '0';
await import('../dist/cli.js');
