import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConnectionString } from 'mongodb-connection-string-url';
import { EmbeddedStore, MongoStore, type Store } from '../../store/index.js';

/**
 * Which store engine a test run uses. One engine per run, for every suite that touches the
 * store: `TEST_ENGINE=mongodb` (with `MONGODB_URI`, as `npm run test:mongo` sets them) runs
 * the same files on MongoDB that `npm test` runs on the embedded engine.
 */
export type EngineName = 'embedded' | 'mongodb';

export const TEST_ENGINE: EngineName = process.env.TEST_ENGINE === 'mongodb' ? 'mongodb' : 'embedded';
if (TEST_ENGINE === 'mongodb' && !process.env.MONGODB_URI) throw new Error('TEST_ENGINE=mongodb needs MONGODB_URI');

/** Every database a test run makes is named with this prefix and the run's id; the runner drops them after. */
export const TEST_DB_PREFIX = 'htx_test_';
/** The data key of apps under test on MongoDB (which requires one). */
export const TEST_DATA_KEY = 'a1'.repeat(32);

/** A store engine a contract suite can run against. */
export interface EngineUnderTest {
  name: EngineName;
  /** A fresh, empty store (a new directory or a new database) with its indexes built. */
  open(): Promise<Store>;
  /**
   * A fresh, empty place (a directory or a database) that several stores can open at once:
   * what one of them wrote, another reads (e.g. with a newer version of a schema).
   */
  place(): { open(): Promise<Store> };
}

export const tempDir = (prefix = 'htx-') => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

/**
 * MONGODB_URI with a new database name (the rest kept: several hosts, replicaSet, credentials).
 * Parsed with the driver's own parser: `new URL()` refuses a URI with several hosts.
 */
export function freshMongoUri(base = process.env.MONGODB_URI): string {
  if (!base) throw new Error('MONGODB_URI is not set');
  const uri = new ConnectionString(base);
  uri.pathname = `/${TEST_DB_PREFIX}${process.env.HTX_TEST_RUN ?? 'adhoc'}_${crypto.randomBytes(5).toString('hex')}`;
  return uri.toString();
}

/** A fresh store on this run's engine, with every index built. */
export async function openTestStore(): Promise<Store> {
  if (TEST_ENGINE === 'embedded') return new EmbeddedStore(tempDir());
  return MongoStore.connect(freshMongoUri());
}

/** A fresh directory or database, which each `open()` opens again. */
export function testPlace(): { open(): Promise<Store> } {
  if (TEST_ENGINE === 'embedded') {
    const dir = tempDir();
    return { open: async () => new EmbeddedStore(dir) };
  }
  const uri = freshMongoUri();
  return { open: () => MongoStore.connect(uri) };
}

/**
 * What an app under test adds to its environment to run on this run's engine: a fresh
 * database on MongoDB (and the data key it requires); nothing for the embedded engine, whose
 * files go to the test's DATA_DIR. Spread it first, so a test's own DATA_KEY wins.
 */
export function engineEnv(): Record<string, string> {
  return TEST_ENGINE === 'mongodb' ? { MONGODB_URI: freshMongoUri(), DATA_KEY: TEST_DATA_KEY } : {};
}

/** The engines a contract suite runs against in this run: the run's one engine. */
export function enginesUnderTest(): EngineUnderTest[] {
  return [{ name: TEST_ENGINE, open: openTestStore, place: testPlace }];
}

/** True when the store undoes a failed transaction's writes (the embedded engine; MongoDB on a replica set). */
export const undoesFailedTransactions = (store: Store) => !(store instanceof MongoStore) || store.transactional;

/** True in a run on the embedded engine: the contract suites say the MongoDB leg is not this run. */
export const mongoLegSkipped = TEST_ENGINE !== 'mongodb';
