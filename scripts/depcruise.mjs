#!/usr/bin/env node
// Runs the dependency-cruiser command line (`npm run lint:boundaries`) with a TypeScript compiler
// API it can use. Arguments are passed on unchanged.
//
// dependency-cruiser reads .ts/.tsx files, type-only imports and tsconfig.json through the
// classic TypeScript compiler API (typescript >=2 <7). The project's `typescript` is 7, the native
// compiler, which has no such API: dependency-cruiser then finds no dependency at all in a .ts
// file and every rule passes. @ts-morph/common ships a TypeScript 6 compiler as one JavaScript
// file (and no `tsc` binary to clash with the project's): this points the `typescript` that
// dependency-cruiser asks for, and only that one, at it.
import Module, {createRequire, register} from 'node:module';
import {fileURLToPath, pathToFileURL} from 'node:url';
import path from 'node:path';

const require = createRequire(import.meta.url);
const compiler = require.resolve('@ts-morph/common/dist/typescript.js');
const ts = require(compiler);
const cruiserMain = fileURLToPath(import.meta.resolve('dependency-cruiser'));
const cruiserRoot = cruiserMain.slice(0, cruiserMain.lastIndexOf(`${path.sep}src${path.sep}`) + 1);
const fromCruiser = file => typeof file === 'string' && file.startsWith(cruiserRoot);

// require('typescript') and require.resolve('typescript') (CommonJS side).
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
	if (request === 'typescript' && fromCruiser(parent?.filename)) return compiler;
	return resolveFilename.call(this, request, parent, ...rest);
};
// require('typescript/package.json'), read for the version check.
const load = Module._load;
Module._load = function (request, parent, ...rest) {
	if (request === 'typescript/package.json' && fromCruiser(parent?.filename)) return {name: 'typescript', version: ts.version};
	return load.call(this, request, parent, ...rest);
};
// import('typescript') (ES module side): a resolve hook, which runs in the loader's own thread.
const hook = `
let root, target;
export function initialize(data) { root = data.root; target = data.target; }
export async function resolve(specifier, context, next) {
	if (specifier === 'typescript' && context.parentURL?.startsWith(root)) return {url: target, format: 'commonjs', shortCircuit: true};
	return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`, {data: {root: pathToFileURL(cruiserRoot).href, target: pathToFileURL(compiler).href}});

await import(pathToFileURL(path.join(cruiserRoot, 'bin', 'dependency-cruise.mjs')).href);
