import fs from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * What the start-up check of the database file found: `ok` (checked, sound), `damaged` (the
 * check's findings), or `unchecked` (no file yet, or the read-only connection could not run it:
 * the writable connection then runs the check itself before anything is written).
 */
export type IntegrityVerdict = { verdict: 'ok' } | { verdict: 'damaged'; problems: string[] } | { verdict: 'unchecked'; why: string };

/**
 * The check, as plain CommonJS run in a worker thread: `PRAGMA quick_check` (the b-tree
 * structure of every page) on a read-only connection of its own. Plain source, so that it runs
 * the same from the compiled service and from the TypeScript sources.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
let result;
try {
  const Database = require(workerData.driver);
  const db = new Database(workerData.file, { readonly: true });
  try {
    db.pragma('busy_timeout = 5000');
    const problems = db.prepare('PRAGMA quick_check').all().map((r) => r.quick_check).filter((r) => r !== 'ok');
    result = problems.length > 0 ? { verdict: 'damaged', problems } : { verdict: 'ok' };
  } finally {
    db.close();
  }
} catch (err) {
  result = { verdict: 'unchecked', why: String((err && err.message) || err) };
}
parentPort.postMessage(result);
`;

/**
 * Starts the integrity check of the database file in a worker thread and returns at once: the
 * check of a large file (0.6 s for 300 MB) runs on the second core while the service loads its
 * modules. The promise never rejects; its verdict says what the writable connection must do.
 */
export function checkDatabaseFile(file: string): Promise<IntegrityVerdict> {
  if (!fs.existsSync(file)) return Promise.resolve({ verdict: 'unchecked', why: 'no database file yet' });
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      const driver = createRequire(import.meta.url).resolve('libsql');
      worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file } });
    } catch (err) {
      resolve({ verdict: 'unchecked', why: (err as Error).message });
      return;
    }
    worker.once('message', (verdict: IntegrityVerdict) => resolve(verdict));
    worker.once('error', (err) => resolve({ verdict: 'unchecked', why: err.message }));
    worker.once('exit', (code) => resolve({ verdict: 'unchecked', why: `the check's thread ended (${code})` }));
  });
}
