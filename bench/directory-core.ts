// What bench/directory.mjs runs in-process, bundled by it like the kiosk: the directory's import
// and index, the generator, and the plain linear scan the tests check the index against.
export {DirectoryIndexBuilder} from '../src/server/directory/directory-index.js';
export {fileLines, importExtraction} from '../src/server/directory/extraction.js';
export {writeExtraction} from '../src/server/directory/generator.js';
export {prepareScan, scanDirectory} from '../test/helpers/directory-scan.js';
