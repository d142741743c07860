import fs from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * The write-ahead log's checkpoints (copying committed pages from `<file>-wal` into the file,
 * then syncing it) run in a worker thread, on a connection of its own, instead of in whichever
 * commit of the service's connection crossed SQLite's threshold: there a checkpoint stalled
 * that request for two disk syncs and a few megabytes of writes (15–65 ms on this machine; one
 * case page view in about 140 paid it, the same one in every run).
 *
 * Nothing about durability changes: a commit is complete once it is in the log (WAL,
 * `synchronous=NORMAL`: a crash of the process loses no commit); a checkpoint only moves
 * committed pages, and SQLite makes it safe against a crash at any point (the log keeps every
 * page until the file holding it has been synced). PASSIVE: it never waits for, nor blocks,
 * the service's reads and writes.
 *
 * When: as SQLite would, once {@link WAL_CHECKPOINT_FRAMES} pages of the log wait to be copied.
 * That count is read after each commit from the log's shared-memory index (`<file>-shm`: the
 * last valid frame and the frames already copied, in the header SQLite documents in wal.c) —
 * not from the log file's size, which stays as large as it once grew while the log is reused.
 * The worker starts with the connection (its start, tens of ms of a core, belongs to start-up,
 * not to the request whose commit first needs it).
 * If it cannot start or fails, or the index is not in the form expected, the service's
 * connection goes back to SQLite's own automatic checkpoints; if the frames waiting still pass
 * {@link WAL_HARD_LIMIT_FRAMES} (a checkpoint held back), the service's connection checkpoints.
 *
 * One sync stays with the service: the first commit after a complete checkpoint, which starts
 * the log over, syncs the log's header (SQLite, synchronous=NORMAL) — a few ms, once per
 * checkpoint, instead of the checkpoint's copy and its two syncs.
 */
/** SQLite's own default threshold (wal_autocheckpoint), in log frames (pages). */
export const WAL_CHECKPOINT_FRAMES = 1000;
export const WAL_HARD_LIMIT_FRAMES = 16 * WAL_CHECKPOINT_FRAMES;
/** The wal-index header (sqlite/src/wal.c): its version, the last valid frame, and (WalCkptInfo) the frames copied. */
const WAL_INDEX_VERSION = 3007000;
const AT_VERSION = 0;
const AT_MX_FRAME = 16;
const AT_N_BACKFILL = 96;

/** Plain CommonJS, so that it runs the same from the compiled service and from the sources. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
db.pragma('wal_autocheckpoint = 0');
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    const [row] = db.prepare('PRAGMA wal_checkpoint(PASSIVE)').all();
    parentPort.postMessage({ done: true, busy: row.busy, log: row.log, checkpointed: row.checkpointed });
  } catch (err) {
    parentPort.postMessage({ done: false, error: String((err && err.message) || err) });
  }
});
`;

interface Connection {
  pragma(source: string): unknown;
  prepare(sql: string): { all(): unknown[] };
}

export class WalCheckpointer {
  private worker: Worker | null = null;
  /** A checkpoint asked of the worker and not answered yet. */
  private running = false;
  /** The worker failed: SQLite's automatic checkpoints are back on the service's connection. */
  private fallenBack = false;
  private shm: number | null = null;
  private readonly header = Buffer.alloc(AT_N_BACKFILL + 4);

  constructor(
    private readonly file: string,
    private readonly db: Connection,
    private readonly onProblem: (message: string) => void = () => undefined,
  ) {
    db.pragma('wal_autocheckpoint = 0');
    try {
      this.worker = this.start();
    } catch (err) {
      this.fallBack(`the checkpoint thread could not start (${(err as Error).message})`);
    }
  }

  /** How many checkpoints the worker has completed (for tests). */
  completed = 0;

  /** Called after each commit of the service's connection: checkpoints when the log has grown. */
  afterCommit(): void {
    if (this.fallenBack) return;
    const waiting = this.framesWaiting();
    if (waiting === null) return this.fallBack("the write-ahead log's index is not in the form expected");
    if (waiting >= WAL_HARD_LIMIT_FRAMES) {
      this.onProblem(`${waiting} pages of the write-ahead log wait to be checkpointed: checkpointed on the service's connection`);
      this.db.prepare('PRAGMA wal_checkpoint(PASSIVE)').all();
      return;
    }
    if (waiting >= WAL_CHECKPOINT_FRAMES && !this.running) this.ask();
  }

  /** Lets the worker finish the checkpoint in hand, then closes its connection and ends it. */
  async close(): Promise<void> {
    if (this.shm !== null) fs.closeSync(this.shm);
    this.shm = null;
    const worker = this.worker;
    this.worker = null;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    // Held from here: an unreferenced thread would let a process with nothing else to do exit
    // (code 13) while this waits, before the service's connection's last checkpoint and close.
    worker.ref();
    worker.postMessage('close');
    await exited;
  }

  /** Pages of the log not yet copied into the file (0 before the index exists), or null for an index not understood. */
  private framesWaiting(): number | null {
    try {
      this.shm ??= fs.openSync(`${this.file}-shm`, 'r');
    } catch {
      return 0;
    }
    if (fs.readSync(this.shm, this.header, 0, this.header.length, 0) < this.header.length) return 0;
    const read = (at: number) => (os.endianness() === 'LE' ? this.header.readUInt32LE(at) : this.header.readUInt32BE(at));
    if (read(AT_VERSION) !== WAL_INDEX_VERSION) return null;
    return Math.max(0, read(AT_MX_FRAME) - read(AT_N_BACKFILL));
  }

  private ask() {
    try {
      this.worker ??= this.start();
    } catch (err) {
      this.fallBack(`the checkpoint thread could not start (${(err as Error).message})`);
      return;
    }
    this.running = true;
    this.worker.postMessage('checkpoint');
  }

  private start(): Worker {
    const driver = createRequire(import.meta.url).resolve('libsql');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file: this.file } });
    worker.unref();
    worker.on('message', (result: { done: boolean; error?: string }) => {
      this.running = false;
      if (result.done) this.completed++;
      else this.onProblem(`a checkpoint failed (${result.error}); the next one will try again`);
    });
    worker.once('error', (err) => this.fallBack(`the checkpoint thread failed (${err.message})`));
    worker.once('exit', (code) => {
      if (this.worker === worker) this.fallBack(`the checkpoint thread ended (${code})`);
    });
    return worker;
  }

  private fallBack(why: string) {
    if (this.fallenBack) return;
    this.fallenBack = true;
    this.running = false;
    this.worker = null;
    this.onProblem(`${why}: checkpoints run in the service's commits again`);
    this.db.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_FRAMES}`);
  }
}
