import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedStore, MongoStore, type Store } from '../../store/index.js';

/** A store engine a contract suite can run against. */
export interface EngineUnderTest {
  name: 'embedded' | 'mongodb';
  /** A fresh, empty store (a new directory or a new database). */
  open(): Promise<Store>;
}

export const tempDir = (prefix = 'htx-') => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

/**
 * The engines to run: the embedded one always; MongoDB when MONGODB_URI is set (each store
 * gets its own database on that server).
 */
export function enginesUnderTest(): EngineUnderTest[] {
  const engines: EngineUnderTest[] = [{ name: 'embedded', open: async () => new EmbeddedStore(tempDir()) }];
  const uri = process.env.MONGODB_URI;
  if (uri) {
    engines.push({
      name: 'mongodb',
      open: async () => {
        const url = new URL(uri);
        url.pathname = `/htx_test_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
        const store = await MongoStore.connect(url.toString());
        await store.connection.dropDatabase();
        return store;
      },
    });
  }
  return engines;
}

export const mongoLegSkipped = !process.env.MONGODB_URI;
