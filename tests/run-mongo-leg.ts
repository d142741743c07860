/**
 * `npm run test:mongo`: the contract suites against MongoDB — the server in MONGODB_URI, or
 * one that mongodb-memory-server starts (it downloads a mongod, so it needs the internet).
 */
import { spawnSync } from 'node:child_process';

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
const result = spawnSync('npx', ['vitest', 'run', 'tests/contract', 'tests/scheduler'], {
  stdio: 'inherit',
  env: { ...process.env, MONGODB_URI: uri },
});
await stop?.();
process.exit(result.status ?? 1);
