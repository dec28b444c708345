// The directory as the account service keeps it: the national file, and the accounts activated
// here, each shown as the card's identity with its holder's directory choices.
import {writeFile} from 'node:fs/promises';
import path from 'node:path';
import type {AccountView} from '../../contract/domain/account.js';
import type {AccountEntry} from '../directory/directory-index.js';
import {DirectoryService, type DirectorySource} from '../directory/directory-service.js';
import type {ImportReport} from '../directory/extraction.js';
import {nationalIdOf} from '../directory/extraction-fields.js';

/** Options of the account service's directory. */
export type AccountDirectoryOptions = {
	/** Folder where the import report is saved as `annuaire-import.json`. */
	dataDir: string;
	/** The national directory (a file, or generated for the demo); null: the accounts activated here only. */
	source: DirectorySource | null;
	/** Told when the national directory has been read. */
	onLoaded?: (report: ImportReport, buildMs: number) => void;
	/** Told when the national directory could not be read. */
	onFailed?: (error: string) => void;
	/** Handed each file write the directory starts, so that closing can wait for it. */
	track: (write: Promise<unknown>) => void;
};

/** The directory of the accounts (added as they are read or change), and of the national file when there is one (read on first use). */
export function openAccountDirectory(options: AccountDirectoryOptions): DirectoryService {
	const directory = new DirectoryService({
		source: options.source,
		onLoaded: (report, buildMs) => {
			options.track(
				writeFile(path.join(options.dataDir, 'annuaire-import.json'), `${JSON.stringify({source: options.source, buildMs: Math.round(buildMs), ...report}, null, 2)}\n`).catch(() => undefined),
			);
			options.onLoaded?.(report, buildMs);
		},
		onFailed: error => options.onFailed?.(error),
	});
	return directory;
}

/** An account as the directory shows it: the card's identity and the holder's directory choices. */
export function directoryEntryOf(account: AccountView): AccountEntry {
	const {identity, options} = account;
	return {
		type: 'PER',
		address: account.address,
		nationalId: nationalIdOf(identity),
		civility: identity.civilite ?? '',
		surname: identity.surname,
		givenName: identity.givenName,
		professionCode: identity.professionCode ?? '',
		profession: identity.profession,
		specialty: '',
		organisation: '',
		service: '',
		street: '',
		postalCode: '',
		city: '',
		departement: '',
		listeRouge: options.listeRouge,
		publishedMobile: options.publishMobile && options.mobile ? options.mobile : undefined,
	};
}
