/** Shell commands the texts quote, the same in every language: what installs a missing native addon. */
export const ADDON_FIX = {
	// Building pcsclite needs the PC/SC headers; npm skipped it (an optional dependency) without them.
	pcsclite: 'apt-get install libpcsclite-dev && npm rebuild pcsclite',
	pkcs11js: 'npm rebuild pkcs11js',
} as const;
