import { EmbeddedStore } from './embedded.store.js';
import { MongoStore } from './mongo.store.js';
import type { ModelDef, Store } from './store.js';
import { indexErrorFrom } from './indexes.js';

export * from './store.js';
export { EmbeddedStore } from './embedded.store.js';
export { MongoStore } from './mongo.store.js';
export { IndexBuildError } from './indexes.js';

/** Opens the store the configuration names: MongoDB when a URI is set, the embedded engine otherwise. */
export async function openStore(options: { mongodbUri?: string | undefined; dataDir: string }): Promise<Store> {
  if (options.mongodbUri) return MongoStore.connect(options.mongodbUri);
  return new EmbeddedStore(options.dataDir);
}

/**
 * Registers every collection and builds every index the schemas declare, awaited: run at start,
 * before the app serves anything. An index that cannot be built raises an IndexBuildError whose
 * one-line message names the collection and the index.
 */
export async function ensureIndexes(store: Store, defs: readonly ModelDef<any>[]): Promise<void> {
  if (store instanceof MongoStore) return store.ensureIndexes(defs);
  // The embedded engine builds a collection's indexes when the collection is first used.
  for (const def of defs) {
    try {
      await store.collection(def).count({ _id: '' });
    } catch (err) {
      throw indexErrorFrom(def, err);
    }
  }
}
