import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the thread folds the write-ahead log back into the file. */
const EVERY_MS = 200;

/**
 * The checkpointer, as plain CommonJS run in a worker thread (so that it runs the same from the
 * compiled service and from the TypeScript sources): a connection of its own that runs a
 * PASSIVE checkpoint every {@link EVERY_MS} — it copies what the log holds into the file and
 * syncs the file, never waiting for, nor blocking, a writer.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
let copied = 0;
const timer = setInterval(() => {
  const [result] = db.prepare('PRAGMA wal_checkpoint(PASSIVE)').all();
  if (result && result.checkpointed > copied) parentPort.postMessage({ checkpointed: result.checkpointed });
  copied = result ? result.checkpointed : 0;
}, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * Folds the write-ahead log back into the database file on a thread of its own. SQLite's own
 * checkpoint runs inside the commit that crosses its threshold, on the thread that committed:
 * every ~1,000 pages one commit also copied 4 MB and waited for the disk to sync — 0.2 ms of
 * blocking per commit on average, a tenth of a child's turn. With this thread, the main
 * connection keeps a far higher threshold only as a safety net (should the thread stop).
 */
export class Checkpointer {
  private readonly exited: Promise<unknown>;

  private constructor(private readonly worker: Worker) {
    this.exited = new Promise((resolve) => worker.once('exit', resolve));
  }

  /** Starts the thread; `onCopied` hears how many log pages the latest checkpoint copied (tests). */
  static start(file: string, onStopped: (err: unknown) => void, onCopied?: (pages: number) => void): Checkpointer {
    const driver = createRequire(import.meta.url).resolve('libsql');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file, everyMs: EVERY_MS } });
    worker.on('message', (m: { checkpointed: number }) => onCopied?.(m.checkpointed));
    worker.on('error', onStopped);
    // Never what keeps the process alive; closing the database stops it first.
    worker.unref();
    return new Checkpointer(worker);
  }

  /** Stops the thread and closes its connection (before the main connection's last checkpoint). */
  async stop(): Promise<void> {
    this.worker.postMessage('stop');
    await this.exited;
  }
}
