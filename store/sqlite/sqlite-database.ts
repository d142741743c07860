import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'libsql';
import { WalCheckpointer } from './wal-checkpointer.js';

/** The database file under DATA_DIR. */
export const DATABASE_FILE = 'hopthuxanh.sqlite';

export class DatabaseRefusedError extends Error {
  readonly code = 'database_refused';
}

/** What an integrity check found, on one line: the first three findings, and how many more. */
export function findingsText(rows: string[]): string {
  const findings = rows.flatMap((row) => row.split('\n')).map((f) => f.trim()).filter((f) => f && !/^\*\*\* in database/.test(f));
  const more = findings.length > 3 ? `; and ${findings.length - 3} more` : '';
  return `${findings.slice(0, 3).join('; ')}${more}`;
}

/** The size the write-ahead log's file is cut back to when it starts over. */
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

/** How long a statement waits for a lock another connection holds. */
const BUSY_TIMEOUT_MS = 5000;

const isBusy = (err: unknown) => /^SQLITE_(BUSY|LOCKED)/.test(String((err as { code?: unknown })?.code ?? ''));

/** The refusal of a file another process kept locked: not damage, and said so. */
function lockedFile(file: string, cause: unknown): DatabaseRefusedError {
  return new DatabaseRefusedError(
    `The database file ${file} stayed locked by another process for ${BUSY_TIMEOUT_MS / 1000} s; the service will not start on it meanwhile. Start again once the other process has let go of it.`,
    { cause },
  );
}

/** The refusal of a write that comes once the database is closing (a job that outlived the scheduler's drain). */
function closingError(file: string): Error {
  return new Error(`The database file ${file} is closing: the write was not made`);
}

/** The refusal of a damaged database file, naming it and what to do (one line). */
export function damagedFile(file: string, detail: string, cause?: unknown): DatabaseRefusedError {
  return new DatabaseRefusedError(
    `The database file ${file} is damaged (${detail.replace(/\s+/g, ' ')}); the service will not start on it. Restore it from a backup, or move it aside to start empty.`,
    { cause },
  );
}

/** An open transaction: its own queue of writes, and a promise settled when it ends. */
class Tx {
  chain: Promise<unknown> = Promise.resolve();
  /** What runs once it has committed. */
  readonly committed: (() => void)[] = [];
  /** What runs if it rolls back. */
  readonly rolledBack: (() => void)[] = [];
  ended!: () => void;
  readonly done = new Promise<void>((resolve) => (this.ended = resolve));
}

/**
 * The writes of one turn of the event loop, committed together at its end (group commit): one
 * commit writes each page they changed once, where a commit each would write the hot pages (a
 * table's last leaf, its indexes' leaves) again and again. No caller hears of its write before
 * the commit that holds it.
 */
class Batch {
  /** Writes and transactions running in it now; it commits once none is. */
  running = 0;
  /** Its turn of the event loop has ended: commit as soon as nothing runs. */
  due = false;
  readonly committed: (() => void)[] = [];
  readonly rolledBack: (() => void)[] = [];
  settle!: (err?: unknown) => void;
  readonly done = new Promise<void>((resolve, reject) => (this.settle = (err) => (err === undefined ? resolve() : reject(err))));
  constructor() {
    this.done.catch(() => undefined);
  }
}

type Db = InstanceType<typeof Database>;

/**
 * The database files open in this process, each with its one connection, shared by whoever
 * opens the file again: two connections of one process would wait on each other's batch for
 * the write lock, on the one thread that must commit it.
 */
const openFiles = new Map<string, SqliteDatabase>();

/**
 * One SQLite database (WAL) shared by the store and agenda's jobs, and the one gate every
 * operation passes. The driver is synchronous, so a statement never interleaves with another;
 * what must be guarded is what spans an `await`:
 * - a write that reads, validates (async) and writes runs in a queue, so that two writes never
 *   interleave (findOneAndUpdate is atomic);
 * - a transaction holds that queue while its (async) function runs, and operations from
 *   outside it — reads included, which would otherwise see its uncommitted rows on this one
 *   connection — wait until it has committed or rolled back. Operations called from inside it
 *   (found through AsyncLocalStorage) run in it.
 */
export class SqliteDatabase {
  readonly db: Db;
  private readonly context = new AsyncLocalStorage<Tx>();
  private writes: Promise<unknown> = Promise.resolve();
  private open: Tx | null = null;
  /** The batch of writes not yet committed, if any. */
  private batch: Batch | null = null;
  /** Checkpoints the write-ahead log off the service's thread (none in memory). */
  private readonly checkpointer: WalCheckpointer | null;
  /** How many opened it and have not closed it yet. */
  private users = 1;
  /** The last user is closing it: no write is taken any more. */
  private closing = false;

  private constructor(
    readonly file: string,
    db: Db,
    log: (message: string) => void,
  ) {
    this.db = db;
    this.checkpointer = file === ':memory:' ? null : new WalCheckpointer(file, db, log);
  }

  /**
   * Opens (creating if needed) the database file: WAL with `synchronous=NORMAL` (a crash of the
   * process loses no commit and never damages the file; a power cut may lose the last
   * moments — FULL would make every commit wait for the disk, 12 ms on this machine),
   * `secure_delete` (erased words are overwritten, not left in free pages), and a quick
   * integrity check that refuses a damaged file by name — unless `checked` says the file passed
   * it already (integrity-check.ts, run in a worker thread at start). The log is checkpointed
   * in a worker thread (wal-checkpointer.ts); `log` hears when that thread cannot do it.
   * A file this process has open already gives its connection again.
   */
  static open(file: string, options: { checked?: boolean; log?: (message: string) => void } = {}): SqliteDatabase {
    const known = file === ':memory:' ? undefined : openFiles.get(path.resolve(file));
    if (known) {
      known.users++;
      return known;
    }
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    let db: Db;
    try {
      db = new Database(file);
      // First: a file another process holds for a moment (closing it, checkpointing) is waited
      // for, not refused as damaged (the driver's default is to fail at once).
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      db.pragma('journal_mode = WAL');
      if (!options.checked) {
        const problems = (db.prepare('PRAGMA quick_check').all() as { quick_check: string }[]).map((r) => r.quick_check).filter((r) => r !== 'ok');
        if (problems.length > 0) throw new Error(findingsText(problems));
      }
    } catch (err) {
      if (isBusy(err)) throw lockedFile(file, err);
      throw damagedFile(file, (err as Error).message, err);
    }
    db.pragma('synchronous = NORMAL');
    db.pragma('secure_delete = ON');
    // The log's file is cut back to 64 MB when it starts over: a burst of writes (a sweep over
    // every open case) would otherwise leave it at its largest for good.
    db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
    db.pragma('foreign_keys = OFF');
    const database = new SqliteDatabase(file, db, options.log ?? (() => undefined));
    if (file !== ':memory:') openFiles.set(path.resolve(file), database);
    return database;
  }

  /** How many checkpoints the write-ahead log's own thread has completed (for tests and measurements). */
  get checkpointsInThread(): number {
    return this.checkpointer?.completed ?? 0;
  }

  /** The open transaction the caller runs in, if any. */
  private current(): Tx | null {
    const tx = this.context.getStore();
    return tx && tx === this.open ? tx : null;
  }

  /** Runs a read once no other caller's transaction is open. */
  async read<R>(fn: () => R): Promise<R> {
    if (!this.current()) while (this.open) await this.open.done;
    return fn();
  }

  /**
   * Runs a write after the writes queued before it (in the caller's transaction, if any).
   * Outside a transaction it runs in this turn's batch and settles once the batch has
   * committed; a write that fails says so at once.
   */
  write<R>(fn: () => R | Promise<R>): Promise<R> {
    const tx = this.current();
    if (tx) {
      const result = tx.chain.then(fn);
      tx.chain = result.catch(() => undefined);
      return result;
    }
    return this.inBatch(async () => fn());
  }

  /**
   * Runs `fn` in one transaction: everything it writes commits together, or nothing does when
   * it throws. Nested calls join the transaction already open. It is a savepoint in this
   * turn's batch, and settles once the batch has committed.
   */
  transaction<R>(fn: () => Promise<R>): Promise<R> {
    if (this.current()) return fn();
    return this.inBatch(async (batch) => {
      const tx = new Tx();
      this.open = tx;
      try {
        this.db.exec('SAVEPOINT tx');
        const value = await this.context.run(tx, fn);
        await tx.chain;
        this.db.exec('RELEASE tx');
        batch.committed.push(...tx.committed);
        batch.rolledBack.push(...tx.rolledBack);
        return value;
      } catch (err) {
        await tx.chain;
        if (this.db.inTransaction) this.db.exec('ROLLBACK TO tx; RELEASE tx');
        for (const undo of tx.rolledBack) undo();
        throw err;
      } finally {
        this.open = null;
        tx.ended();
      }
    });
  }

  /**
   * Runs `run` after the writes queued before it, in this turn's batch; settles once the batch
   * has committed (a failure of `run` itself says so at once). Refused once the database closes.
   */
  private inBatch<R>(run: (batch: Batch) => Promise<R>): Promise<R> {
    if (this.closing) return Promise.reject(closingError(this.file));
    const ran = this.writes.then(async () => {
      // A transaction opened after this was queued is waited for too.
      while (this.open) await this.open.done;
      const batch = this.join();
      try {
        return { batch, value: await run(batch) };
      } finally {
        this.leave(batch);
      }
    });
    this.writes = ran.catch(() => undefined);
    return ran.then(async ({ batch, value }) => {
      await batch.done;
      return value;
    });
  }

  /** The batch open now, or a new one (BEGIN IMMEDIATE) due at the end of this turn of the event loop. */
  private join(): Batch {
    let batch = this.batch;
    // SQLite rolled the batch back under a statement (a full disk, an I/O error): its writers hear so.
    if (batch && !this.db.inTransaction) {
      this.commit(batch);
      batch = null;
    }
    if (!batch) {
      this.db.exec('BEGIN IMMEDIATE');
      batch = this.batch = new Batch();
      const opened = batch;
      setImmediate(() => {
        opened.due = true;
        if (opened.running === 0) this.commit(opened);
      });
    }
    batch.running++;
    return batch;
  }

  private leave(batch: Batch): void {
    batch.running--;
    if (batch.running === 0 && batch.due) this.commit(batch);
  }

  /**
   * Commits the batch and tells its writers; if the commit fails (or SQLite rolled the whole
   * transaction back under a statement: a full disk, an I/O error), every writer in it hears
   * the error and nothing of it stays.
   */
  private commit(batch: Batch): void {
    if (this.batch !== batch) return;
    this.batch = null;
    try {
      if (!this.db.inTransaction) throw new Error('The batch of writes was rolled back by the database before its commit');
      this.db.exec('COMMIT');
    } catch (err) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      for (const undo of batch.rolledBack) undo();
      batch.settle(err);
      return;
    }
    this.checkpointer?.afterCommit();
    for (const after of batch.committed) after();
    batch.settle();
  }

  /**
   * Runs `fn` if the transaction open now (whoever's it is: statements on this one connection
   * join it) rolls back. For what a statement did outside the data, such as creating a table.
   */
  onRollback(fn: () => void): void {
    if (this.db.inTransaction) (this.open ?? this.batch)?.rolledBack.push(fn);
  }

  /** Runs `fn` once the caller's transaction has committed (never if it rolls back), or at once outside one. */
  afterCommit(fn: () => void): void {
    const tx = this.current();
    if (tx) tx.committed.push(fn);
    else fn();
  }

  /** Runs several statements as one unit: a savepoint inside a transaction, else its own. */
  atomically<R>(fn: () => R): R {
    const nested = this.db.inTransaction;
    this.db.exec(nested ? 'SAVEPOINT unit' : 'BEGIN');
    try {
      const value = fn();
      this.db.exec(nested ? 'RELEASE unit' : 'COMMIT');
      if (!nested) this.checkpointer?.afterCommit();
      return value;
    } catch (err) {
      this.db.exec(nested ? 'ROLLBACK TO unit; RELEASE unit' : 'ROLLBACK');
      throw err;
    }
  }

  /**
   * SQLite's plan for a query (EXPLAIN QUERY PLAN details), for tests and measurements. It is
   * asked on a second, read-only connection: libsql leaves an EXPLAIN statement holding its
   * connection's lock, which would stop checkpoints.
   */
  explain(sql: string, params: unknown[]): string[] {
    if (this.file === ':memory:') throw new Error('explain needs a database file');
    const other = new Database(this.file, { readonly: true });
    try {
      return (other.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(params as [])) as { detail: string }[]).map((r) => r.detail);
    } finally {
      other.close();
    }
  }

  /**
   * Waits for queued writes, then closes the file (the WAL is folded back into it) — or, while
   * others in this process still use it, only waits for the writes to be committed.
   */
  async close(): Promise<void> {
    // A job still running past the scheduler's drain must not open a new batch under the last
    // checkpoint (it would fail, and leave the whole log to the next start): its writes are refused.
    if (this.users === 1) this.closing = true;
    await this.writes;
    while (this.open) await this.open.done;
    if (--this.users > 0) return this.batch?.done.catch(() => undefined);
    const key = path.resolve(this.file);
    if (openFiles.get(key) === this) openFiles.delete(key);
    if (this.batch) this.commit(this.batch);
    await this.checkpointer?.close();
    if (!this.db.open) return;
    // Fold the write-ahead log into the file and empty it: no old page (erased words) stays in it.
    if (this.file !== ':memory:') this.db.prepare('PRAGMA wal_checkpoint(TRUNCATE)').all();
    this.db.close();
  }
}
