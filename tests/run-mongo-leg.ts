/**
 * `npm run test:mongo`: every suite that touches the store, run on MongoDB — the server in
 * MONGODB_URI (one host or a replica set with several), or one that mongodb-memory-server
 * starts (it downloads a mongod, so it needs the internet). The run gets an id; each suite
 * makes its databases under it (`htx_test_<run>_…`) and every one of them is dropped at the end.
 */
import crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { MongoClient } from 'mongodb';
import { TEST_DB_PREFIX } from './helpers/engines.js';
import { storeSuites } from './helpers/store-suites.js';

async function dropRunDatabases(uri: string, run: string) {
  const client = await new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 }).connect();
  try {
    const { databases } = await client.db('admin').admin().listDatabases({ nameOnly: true });
    const ours = databases.map((d) => d.name).filter((name) => name.startsWith(`${TEST_DB_PREFIX}${run}_`));
    for (const name of ours) await client.db(name).dropDatabase();
    console.log(`Dropped the ${ours.length} test database(s) of run ${run}.`);
  } finally {
    await client.close();
  }
}

let uri = process.env.MONGODB_URI;
let stop: (() => Promise<unknown>) | null = null;
if (!uri) {
  console.log('MONGODB_URI is not set: starting a MongoDB server with mongodb-memory-server…');
  try {
    const { MongoMemoryReplSet } = await import('mongodb-memory-server');
    const server = await MongoMemoryReplSet.create({ replSet: { count: 1 } });
    uri = server.getUri();
    stop = () => server.stop();
  } catch (err) {
    console.error(`Could not start MongoDB (${err instanceof Error ? err.message : String(err)}).`);
    console.error('Set MONGODB_URI to a reachable server, or run where mongodb-memory-server can download mongod.');
    process.exit(1);
  }
}

const run = crypto.randomBytes(4).toString('hex');
const suites = storeSuites();
console.log(`MongoDB leg, run ${run}: ${suites.length} suites on MongoDB —\n${suites.map((s) => `  ${s}`).join('\n')}\n`);
const result = spawnSync('npx', ['vitest', 'run', ...suites], {
  stdio: 'inherit',
  env: { ...process.env, MONGODB_URI: uri, TEST_ENGINE: 'mongodb', HTX_TEST_RUN: run },
});
await dropRunDatabases(uri, run).catch((err: unknown) => console.error(`Could not drop the test databases of run ${run}: ${String(err)}`));
await stop?.();
process.exit(result.status ?? 1);
