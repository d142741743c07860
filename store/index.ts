import { EmbeddedStore } from './embedded.store.js';
import { MongoStore } from './mongo.store.js';
import type { Store } from './store.js';

export * from './store.js';
export { EmbeddedStore } from './embedded.store.js';
export { MongoStore } from './mongo.store.js';

/** Opens the store the configuration names: MongoDB when a URI is set, the embedded engine otherwise. */
export async function openStore(options: { mongodbUri?: string | undefined; dataDir: string }): Promise<Store> {
  if (options.mongodbUri) return MongoStore.connect(options.mongodbUri);
  return new EmbeddedStore(options.dataDir);
}
