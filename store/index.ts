import path from 'node:path';
import { EmbeddedStore } from './embedded.store.js';
import { MongoStore } from './mongo.store.js';
import type { ModelDef, Store } from './store.js';
import { indexErrorFrom } from './indexes.js';
import { migrateNedbFiles } from './sqlite/nedb-migration.js';
import { damagedFile, DATABASE_FILE, findingsText } from './sqlite/sqlite-database.js';
import { checkDatabaseFile, type IntegrityVerdict } from './sqlite/integrity-check.js';

export * from './store.js';
export { EmbeddedStore } from './embedded.store.js';
export { MongoStore } from './mongo.store.js';
export { IndexBuildError } from './indexes.js';
export { checkDatabaseFile, type IntegrityVerdict } from './sqlite/integrity-check.js';

/** The embedded engine's database file under DATA_DIR. */
export const databaseFile = (dataDir: string) => path.join(dataDir, DATABASE_FILE);

/**
 * Opens the store the configuration names: MongoDB when a URI is set, the embedded engine
 * otherwise — moving the former NeDB engine's files (`DATA_DIR/db`) into it first, once (`log`
 * says so). The embedded file is opened for writing only once its integrity check has passed:
 * `integrity` when the caller started it earlier ({@link checkDatabaseFile}, so that it ran
 * while the modules loaded), else it runs now. A damaged file is refused, naming it.
 */
export async function openStore(options: {
  mongodbUri?: string | undefined;
  dataDir: string;
  log?: (message: string) => void;
  integrity?: Promise<IntegrityVerdict> | undefined;
}): Promise<Store> {
  if (options.mongodbUri) return MongoStore.connect(options.mongodbUri);
  const file = databaseFile(options.dataDir);
  const integrity = await (options.integrity ?? checkDatabaseFile(file));
  if (integrity.verdict === 'damaged') throw damagedFile(file, findingsText(integrity.problems));
  // Unchecked (no file yet, or no read-only connection): the writable connection checks first.
  const store = new EmbeddedStore(options.dataDir, { checked: integrity.verdict === 'ok', ...(options.log ? { log: options.log } : {}) });
  try {
    const migrated = await migrateNedbFiles(store.database, options.dataDir);
    if (migrated) {
      options.log?.(`embedded engine: ${migrated.documents} documents of ${migrated.tables} NeDB files moved into ${DATABASE_FILE}; the old files are kept in ${migrated.movedTo}`);
    }
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}

/**
 * Registers every collection and builds every index the schemas declare, awaited: run at start,
 * before the app serves anything. An index that cannot be built raises an IndexBuildError whose
 * one-line message names the collection and the index. On MongoDB, documents stored before word
 * search existed then get their folded words (`log` says how many).
 */
export async function ensureIndexes(store: Store, defs: readonly ModelDef<any>[], log?: (message: string) => void): Promise<void> {
  if (store instanceof MongoStore) return store.ensureIndexes(defs, log);
  // The embedded engine builds a collection's indexes when the collection is first used.
  for (const def of defs) {
    try {
      await store.collection(def).count({ _id: '' });
    } catch (err) {
      throw indexErrorFrom(def, err);
    }
  }
}
