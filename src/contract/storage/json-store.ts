import {mkdirSync, renameSync} from 'node:fs';
import path from 'node:path';
import {Low, type Adapter} from 'lowdb';
import {TextFile} from 'lowdb/node';
import {lockFile} from './file-lock.js';

/** The file could not be used as it was; what the store did about it. */
type StoreNotice = {kind: 'corrupt-set-aside'; path: string; savedAs: string};

/** Raised when a store that must not be reset (the backend's) holds unreadable data. */
export class CorruptStoreError extends Error {
	constructor(
		readonly path: string,
		cause: unknown,
	) {
		super(`${path} est illisible (${(cause as Error).message}) ; corrigez ou déplacez ce fichier`);
		this.name = 'CorruptStoreError';
	}
}

/** Options of a JSON store. */
export type JsonStoreOptions<T> = {
	/** File path; its folder is created. */
	path: string;
	/** Values for a new file, and for keys a file written by an older version lacks. */
	defaults: T;
	/** Checks and cleans what was read; throws when the content is unusable. */
	parse: (raw: unknown, defaults: T) => T;
	/**
	 * What to do with an empty, corrupt or invalid file: `set-aside` renames it with a
	 * timestamp and starts from the defaults (settings); `fail` refuses to open (data).
	 */
	onCorrupt: 'set-aside' | 'fail';
};

/** A JSON file held by one writing process, written atomically (temp file + rename, by steno). */
export type JsonStore<T> = {
	/** The lowdb database: mutate `db.data`, then `db.write()`. */
	db: Low<T>;
	/** Set when the file was unusable and set aside. */
	notice?: StoreNotice;
	/** Releases the file for another process. */
	close(): void;
};

/** lowdb adapter that parses through `options.parse` and handles a bad file as configured. */
class CheckedJsonFile<T> implements Adapter<T> {
	notice?: StoreNotice;
	private readonly file: TextFile;

	constructor(private readonly options: JsonStoreOptions<T>) {
		this.file = new TextFile(options.path);
	}

	async read(): Promise<T | null> {
		const text = await this.file.read();
		if (text === null) return null;
		try {
			return this.options.parse(JSON.parse(text) as unknown, this.options.defaults);
		} catch (error) {
			if (this.options.onCorrupt === 'fail') throw new CorruptStoreError(this.options.path, error);
			const savedAs = `${this.options.path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
			renameSync(this.options.path, savedAs);
			this.notice = {kind: 'corrupt-set-aside', path: this.options.path, savedAs};
			return null;
		}
	}

	async write(data: T): Promise<void> {
		await this.file.write(`${JSON.stringify(data, null, 2)}\n`);
	}
}

/**
 * Opens a JSON file with lowdb, with what lowdb's presets lack (SPEC §9): an empty or corrupt
 * file handled, keys of newer defaults merged by `parse`, and a lock so that a second process
 * gets a clear error instead of a lost write.
 */
export async function openJsonStore<T>(options: JsonStoreOptions<T>): Promise<JsonStore<T>> {
	mkdirSync(path.dirname(options.path), {recursive: true, mode: 0o700});
	const release = lockFile(options.path);
	try {
		const adapter = new CheckedJsonFile(options);
		const db = new Low<T>(adapter, structuredClone(options.defaults));
		const existing = await adapter.read();
		if (existing === null) await db.write();
		else db.data = existing;
		return {db, notice: adapter.notice, close: release};
	} catch (error) {
		release();
		throw error;
	}
}
