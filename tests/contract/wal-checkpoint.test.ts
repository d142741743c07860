import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'libsql';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteDatabase } from '../../store/sqlite/sqlite-database.js';
import { WAL_CHECKPOINT_FRAMES } from '../../store/sqlite/wal-checkpointer.js';
import { tempDir } from '../helpers/engines.js';

/** A row of about 2 KB: each commit of one adds a page or two to the write-ahead log. */
const filler = (i: number) => `${i}:${'x'.repeat(2000)}`;
/** What a checkpoint of the threshold's pages puts into the file, at least (two rows a page). */
const CHECKPOINTED_BYTES = WAL_CHECKPOINT_FRAMES * 2000;

async function until(condition: () => boolean, what: string) {
  for (let i = 0; i < 1500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  if (!condition()) throw new Error(`never happened: ${what}`);
}

/**
 * The write-ahead log is checkpointed in a thread of its own (store/sqlite/wal-checkpointer.ts):
 * a commit of the service (a case view's audit entry) never waits for pages to be copied into
 * the file and synced, and nothing committed is lost on the way.
 */
describe("the embedded engine's write-ahead log", () => {
  const opened: SqliteDatabase[] = [];
  afterAll(async () => {
    for (const db of opened) await db.close();
  });

  it('is checkpointed into the file by its own thread while the service keeps writing, never by a commit of the service', async () => {
    const file = path.join(tempDir('htx-wal-'), 'test.sqlite');
    const database = SqliteDatabase.open(file);
    opened.push(database);
    expect(database.db.prepare('PRAGMA wal_autocheckpoint').get()).toMatchObject({ wal_autocheckpoint: 0 });
    database.db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    const fileAtStart = fs.statSync(file).size;
    const insert = database.db.prepare('INSERT INTO t (v) VALUES (?)');
    // Each row its own commit, as the service writes, a few thresholds' worth.
    const rows = WAL_CHECKPOINT_FRAMES * 4;
    for (let i = 0; i < rows; i++) {
      await database.write(() => insert.run(filler(i)));
      // The service's event loop turns between requests: the checkpoint thread's answers come in.
      if (i % 100 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    // The pages reach the database file itself (only a checkpoint writes them there).
    await until(() => fs.statSync(file).size > fileAtStart + CHECKPOINTED_BYTES, 'the file grew by a checkpoint');
    const other = new Database(file, { readonly: true });
    expect(other.prepare('SELECT count(*) AS n FROM t').get()).toMatchObject({ n: rows });
    other.close();
    // As often as SQLite itself would (once per threshold of pages), not after every commit.
    await until(() => database.checkpointsInThread >= 1, 'the thread reported its checkpoint');
    expect(database.checkpointsInThread).toBeLessThanOrEqual(8);
  });

  it('closes all the way in a process with nothing else to do: its last checkpoint runs and the log is emptied', () => {
    const file = path.join(tempDir('htx-wal-close-'), 'test.sqlite');
    // Waiting on a thread that does not hold the process open, such a script used to exit (code 13) mid-close.
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `
        import { SqliteDatabase } from ${JSON.stringify(path.resolve('store/sqlite/sqlite-database.ts'))};
        const database = SqliteDatabase.open(${JSON.stringify(file)});
        database.db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
        for (let i = 0; i < 50; i++) await database.write(() => database.db.prepare('INSERT INTO t (v) VALUES (?)').run('x'));
        await database.close();
        console.log('closed');
        `,
      ],
      { cwd: process.cwd(), encoding: 'utf8', timeout: 60_000 },
    );
    expect({ status: run.status, said: run.stdout.trim() }).toEqual({ status: 0, said: 'closed' });
    expect(fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0).toBe(0);
  }, 60_000);

  it('loses no commit when the process is killed while the thread checkpoints, and the file stays sound', async () => {
    const dir = tempDir('htx-wal-crash-');
    const file = path.join(dir, 'test.sqlite');
    // A child writing commit after commit, saying each one once it is committed, until killed.
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `
        import { SqliteDatabase } from ${JSON.stringify(path.resolve('store/sqlite/sqlite-database.ts'))};
        const database = SqliteDatabase.open(${JSON.stringify(file)});
        database.db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
        const insert = database.db.prepare('INSERT INTO t (id, v) VALUES (?, ?)');
        for (let i = 1; ; i++) {
          await database.write(() => insert.run(i, ${JSON.stringify('x'.repeat(2000))}));
          process.stdout.write(i + '\\n');
          if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
        }
        `,
      ],
      { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let said = '';
    child.stdout.on('data', (chunk: Buffer) => (said += chunk.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const committed = () => Number(said.trim().split('\n').at(-1) ?? 0);
    // Well past two checkpoints' worth, so that the thread is at work when the kill comes.
    await until(() => committed() > WAL_CHECKPOINT_FRAMES * 3, 'the child wrote enough');
    child.kill('SIGKILL');
    await exited;
    const last = committed();
    const after = new Database(file);
    try {
      expect(after.prepare('PRAGMA integrity_check').all()).toEqual([{ integrity_check: 'ok' }]);
      const { n, top } = after.prepare('SELECT count(*) AS n, max(id) AS top FROM t').get() as { n: number; top: number };
      // Every commit it reported is there, in order and without a gap (one more may have landed).
      expect(top).toBeGreaterThanOrEqual(last);
      expect(n).toBe(top);
      expect(fs.statSync(file).size).toBeGreaterThan(CHECKPOINTED_BYTES);
    } finally {
      after.close();
    }
  }, 60_000);
});
