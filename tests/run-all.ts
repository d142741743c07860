/**
 * `npm test`: every suite on the embedded engine, then — when MONGODB_URI is set — the MongoDB
 * leg (`tests/run-mongo-leg.ts`: every store-touching suite again on MongoDB). Says plainly
 * when the leg is skipped. Extra arguments go to the first vitest run.
 */
import { spawnSync } from 'node:child_process';

const run = (command: string, args: string[], env: NodeJS.ProcessEnv = process.env) => spawnSync(command, args, { stdio: 'inherit', env }).status ?? 1;

const embedded = run('npx', ['vitest', 'run', ...process.argv.slice(2)], { ...process.env, TEST_ENGINE: 'embedded' });
let mongo = 0;
if (process.env.MONGODB_URI) {
  console.log('\nMONGODB_URI is set: running the MongoDB leg.\n');
  mongo = run('npx', ['tsx', 'tests/run-mongo-leg.ts']);
} else {
  console.log('\nMongoDB leg: SKIPPED — MONGODB_URI is not set (see README, "Storage engines and the MongoDB test leg").');
}
console.log(`\nEmbedded engine: ${embedded === 0 ? 'passed' : 'FAILED'}; MongoDB leg: ${process.env.MONGODB_URI ? (mongo === 0 ? 'passed' : 'FAILED') : 'skipped'}.`);
process.exit(embedded || mongo);
