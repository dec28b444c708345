// Import boundaries of src/ (`npm run lint:boundaries`, part of `npm run lint`). Run it through scripts/depcruise.mjs,
// not `npx depcruise`: see there why.
//
// The three parts of the program:
// - src/contract/: what the kiosk and the activation service agree on (API operations and schemas, the error type,
//   domain types, shared rules, text helpers, the certificate parser, storage helpers, i18n catalogues);
// - src/server/: the activation service;
// - the kiosk: everything else under src/ (commands, screens, components, hooks, flows, state, hardware, services,
//   terminal, app.tsx);
// plus src/main.ts, the program's entry, which dispatches to the command modules.
//
// Every kind of import counts: static, dynamic `import()`, `export … from`, require, and type-only imports
// (`tsPreCompilationDeps`), except where a rule says otherwise.

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
	forbidden: [
		{
			name: 'contract-imports-only-contract',
			comment: 'src/contract/ is shared by the kiosk and the service and must stay usable by either alone: it imports nothing of src/ outside itself (npm packages and node: built-ins are fine).',
			severity: 'error',
			from: {path: '^src/contract/'},
			to: {path: '^src/', pathNot: '^src/contract/'},
		},
		{
			name: 'server-imports-only-server-and-contract',
			comment:
				'The activation service runs on its own (`serve`, one service for many kiosks): it must not pull in the kiosk (Ink, the card stack, the settings of a workstation). It imports only src/server/ and src/contract/.',
			severity: 'error',
			from: {path: '^src/server/'},
			to: {path: '^src/', pathNot: ['^src/server/', '^src/contract/']},
		},
		{
			name: 'kiosk-does-not-import-server',
			comment:
				'The kiosk talks to the service over HTTP only (the backend client), so that a kiosk pointed at a remote service behaves like one using the embedded service. The one exception is src/commands/kiosk/embedded-service.ts, which starts the embedded service (see the next rule).',
			severity: 'error',
			from: {path: '^src/', pathNot: ['^src/contract/', '^src/server/', '^src/main\\.tsx?$', '^src/commands/kiosk/embedded-service\\.ts$']},
			to: {path: '^src/server/'},
		},
		{
			name: 'embedded-service-starts-only-the-service',
			comment: "The kiosk's embedded service is started through the service's one entry, activation-service.ts; its internals (stores, HTTP routes, the directory) stay behind it.",
			severity: 'error',
			from: {path: '^src/commands/kiosk/embedded-service\\.ts$'},
			to: {path: '^src/server/', pathNot: '^src/server/activation-service\\.ts$'},
		},
		{
			name: 'main-only-dispatches',
			comment:
				"src/main.ts only reads the command line and hands over to a command module: the kiosk's (src/commands/) or the service's own (`serve`, `directory`: src/server/commands/). Anything else it needs is in src/contract/.",
			severity: 'error',
			from: {path: '^src/main\\.tsx?$'},
			to: {path: '^src/', pathNot: ['^src/contract/', '^src/commands/', '^src/server/commands/']},
		},
		{
			name: 'nothing-imports-main',
			comment: 'src/main.ts is the program entry: importing it would run the command line.',
			severity: 'error',
			from: {path: '^src/'},
			to: {path: '^src/main\\.tsx?$'},
		},
		{
			name: 'hardware-imports-only-hardware-and-contract',
			comment:
				'The card stack (pcsclite, PKCS#11 in a worker thread, the demo card) serves the kiosk, `doctor` and the benchmarks, and its worker is bundled on its own: it knows nothing of screens, session state or services.',
			severity: 'error',
			from: {path: '^src/hardware/'},
			to: {path: '^src/', pathNot: ['^src/hardware/', '^src/contract/']},
		},
		{
			name: 'flows-do-not-import-ui',
			comment: 'src/flows/ is the session logic in plain TypeScript, tested without rendering: it must not depend on the React/Ink side of the kiosk (screens, components, hooks, app.tsx).',
			severity: 'error',
			from: {path: '^src/flows/'},
			to: {path: ['^src/screens/', '^src/components/', '^src/hooks/', '^src/app\\.tsx$']},
		},
		{
			name: 'flows-do-not-import-react-or-ink',
			comment:
				'Same reason as flows-do-not-import-ui, for the npm packages: plain session logic needs neither React nor Ink. A warning only (it does not fail the lint): the layout asks for the rule above.',
			severity: 'warn',
			from: {path: '^src/flows/'},
			to: {path: ['(?:^|/)node_modules/(?:react|ink|@inkjs/ui)/', '^(?:react|ink|@inkjs/ui)(?:/|$)'], dependencyTypesNot: ['type-only']},
		},
		{
			name: 'ui-does-no-io',
			comment:
				'Screens and components render the session and emit intents; all I/O (card, backend, files) goes through the hooks and flows. Types from services and hardware are fine (`import type`), code is not.',
			severity: 'error',
			from: {path: '^src/(?:screens|components)/'},
			to: {path: '^src/(?:services|hardware)/', dependencyTypesNot: ['type-only']},
		},
	],
	options: {
		// `lint:boundaries` cruises src/ only: tests, benchmarks and scripts may reach anywhere. npm packages are
		// recorded (flows-do-not-import-react-or-ink) but not followed.
		doNotFollow: {path: 'node_modules'},
		moduleSystems: ['es6', 'cjs'],
		// Parse the TypeScript sources themselves, so that type-only imports are seen (and marked `type-only`).
		tsPreCompilationDeps: true,
		// NodeNext resolution: './x.js' in a .ts file is ./x.ts or ./x.tsx.
		tsConfig: {fileName: 'tsconfig.json'},
		enhancedResolveOptions: {
			exportsFields: ['exports'],
			conditionNames: ['import', 'require', 'node', 'default', 'types'],
			extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
			mainFields: ['module', 'main', 'types', 'typings'],
		},
	},
};
