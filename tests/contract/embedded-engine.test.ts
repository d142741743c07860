import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseModel, MessageModel, OutboxModel, type Case } from '../../models/index.js';
import { defineModel } from '../../models/define.js';
import { Schema } from 'mongoose';
import Database from 'libsql';
import { checkDatabaseFile, EmbeddedStore, isDuplicateKey, openStore } from '../../store/index.js';
import { DATABASE_FILE } from '../../store/sqlite/sqlite-database.js';
import { tempDir } from '../helpers/engines.js';
import { eventually } from '../helpers/telegram-child.js';

/** What only the embedded engine promises: SQL indexes, its transaction gate, its file. */
describe('the embedded engine on SQLite', () => {
  let dir: string;
  let store: EmbeddedStore;
  beforeAll(() => {
    dir = tempDir('htx-sqlite-');
    store = new EmbeddedStore(dir);
  });
  afterAll(async () => {
    await store.close();
  });

  const SYMBOLS = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
  const symbols = (n: number) => Array.from({ length: 5 }, (_, i) => SYMBOLS[Math.floor(n / SYMBOLS.length ** i) % SYMBOLS.length]).join('');
  const newCase = (n: number, over: Partial<Case> = {}) => ({
    code: `HTX-${symbols(n)}-ABCDE`,
    kind: 'report' as const,
    channel: 'web' as const,
    contactId: `contact-${n}`,
    ...over,
  });

  it('answers inbox-style filters from an index, in SQL alone', () => {
    const inbox = store.explain(CaseModel, { $and: [{}, { status: 'new' }] }, { sort: { createdAt: -1, _id: -1 }, limit: 20 });
    expect(inbox.mode).toBe('exact');
    expect(inbox.plan.join(' | ')).toMatch(/USING INDEX cases__status/);

    const coordinator = { $or: [{ 'area.province': { $in: ['Hà Giang'] } }, { 'area.province': null }, { 'area.province': { $exists: false } }] };
    expect(store.explain(CaseModel, { $and: [coordinator, { status: { $in: ['new', 'triaged'] } }] }).mode).toBe('exact');

    const mine = store.explain(CaseModel, { $and: [{ assigneeId: 'staff-1' }, { status: 'in_progress' }] });
    expect(mine.plan.join(' | ')).toMatch(/USING INDEX cases__assigneeId__status/);

    const thread = store.explain(MessageModel, { caseId: 'c1' }, { sort: { seq: 1 } });
    expect(thread).toEqual({ mode: 'exact', plan: [expect.stringMatching(/USING INDEX messages__caseId__seq/)] });

    const due = store.explain(OutboxModel, { status: 'pending', nextAttemptAt: { $lte: new Date() } }, { sort: { nextAttemptAt: 1 } });
    expect(due.plan.join(' | ')).toMatch(/USING INDEX outbox__status__nextAttemptAt/);

    // A chat's next message to send: found by its status, not by walking the chat's whole history.
    const head = store.explain(OutboxModel, { recipientKey: 'telegram:p1', status: { $in: ['pending', 'sending'] } }, { sort: { seq: 1 } });
    expect(head.mode).toBe('exact');
    expect(head.plan.join(' | ')).toMatch(/USING INDEX outbox__recipientKey__status__seq \(<expr>=\? AND <expr>=\?\)/);
  });

  it('refuses a write that comes while it closes (a job outliving the scheduler), and still closes cleanly, leaving no log', async () => {
    const own = tempDir('htx-sqlite-closing-');
    const closing = new EmbeddedStore(own);
    const outbox = closing.collection(OutboxModel);
    const item = { channel: 'telegram' as const, addressEnc: 'x', recipientKey: 'telegram:p1', payload: { text: 'a' } };
    const before = outbox.insertOne(item);
    const closed = closing.close();
    const late = outbox.insertOne(item);
    await expect(late).rejects.toThrow(/closing/);
    await expect(closed).resolves.toBeUndefined();
    await before;
    const wal = path.join(own, `${DATABASE_FILE}-wal`);
    expect(fs.existsSync(wal) ? fs.statSync(wal).size : 0).toBe(0);
    const reopened = new EmbeddedStore(own);
    expect(await reopened.collection(OutboxModel).count({})).toBe(1);
    await reopened.close();
  });

  it('drops an index its schema no longer names when it opens the file, and keeps the ones it names', async () => {
    const own = tempDir('htx-sqlite-stale-');
    const first = new EmbeddedStore(own);
    await first.collection(OutboxModel).insertOne({ channel: 'telegram', addressEnc: 'x', recipientKey: 'telegram:p1', payload: { text: 'a' } });
    await first.close();
    const raw = new Database(path.join(own, DATABASE_FILE));
    raw.exec(`CREATE INDEX "outbox__recipientKey__seq" ON "outbox" (json_extract(doc, '$.recipientKey'), json_extract(doc, '$.seq'))`);
    raw.close();
    const second = new EmbeddedStore(own);
    await second.collection(OutboxModel).count({});
    const indexes = (second as unknown as { database: { db: Database.Database } }).database.db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox' AND sql IS NOT NULL ORDER BY name`)
      .all()
      .map((r) => (r as { name: string }).name);
    await second.close();
    expect(indexes).toEqual(['outbox__dedupeKey', 'outbox__recipientKey__status__seq', 'outbox__status__nextAttemptAt']);
  });

  it('walks an index range for a field that is set ($ne: null), not past every case without it', async () => {
    const waiting = { priority: 'normal', answerDueAt: { $ne: null } };
    const page = store.explain(CaseModel, waiting, { sort: { answerDueAt: 1, firstResponseAt: 1, createdAt: 1, _id: 1 }, limit: 20 });
    expect(page.mode).toBe('exact');
    expect(page.plan.join(' | ')).toMatch(/USING INDEX cases__priority__answerDueAt\S* \(<expr>=\? AND <expr>>\?\)/);
    const own = new EmbeddedStore(null);
    const cases = own.collection(CaseModel);
    await cases.insertOne(newCase(901, { priority: 'normal', answerDueAt: new Date(0) }));
    await cases.insertOne(newCase(902, { priority: 'normal', answerDueAt: new Date('2026-12-01T00:00:00Z') }));
    await cases.insertOne(newCase(903, { priority: 'normal', answerDueAt: null }));
    await cases.insertOne(newCase(904, { priority: 'high', answerDueAt: new Date(0) }));
    expect((await cases.find(waiting, { sort: { answerDueAt: 1 } })).map((c) => c.contactId)).toEqual(['contact-901', 'contact-902']);
    expect(await cases.count({ answerDueAt: { $ne: null } })).toBe(3);
    await own.close();
  });

  describe('counts kept by the store (a model\'s tally)', () => {
    const STATUSES = ['new', 'triaged', 'in_progress', 'closed'] as const;
    const PROVINCES = ['Hà Giang', 'Cao Bằng', null];
    /** What each scope's count of each status must be, counted here from every case read back. */
    async function expectedCounts(read: EmbeddedStore) {
      const all = await read.collection(CaseModel).find({});
      const n = (test: (c: Case) => boolean) => all.filter(test).length;
      return STATUSES.map((status) => ({
        status,
        all: n((c) => c.status === status),
        province: n((c) => c.status === status && [PROVINCES[0], null].includes(c.area?.province ?? null)),
        mine: n((c) => c.status === status && c.assigneeId === 'staff-1'),
      }));
    }
    async function countedBy(read: EmbeddedStore) {
      const cases = read.collection(CaseModel);
      return Promise.all(
        STATUSES.map(async (status) => ({
          status,
          all: await cases.count({ $and: [{}, { status }] }),
          province: await cases.count({ $or: [{ 'area.province': { $in: [PROVINCES[0]] }, status }, { 'area.province': null, status }] }),
          mine: await cases.count({ $and: [{ assigneeId: 'staff-1' }, { status }] }),
        })),
      );
    }

    it('answers the inbox\'s counts per status from the tally, right through every kind of write and from another connection', async () => {
      const own = tempDir('htx-tally-');
      const writer = new EmbeddedStore(own);
      const reader = new EmbeddedStore(own);
      const cases = writer.collection(CaseModel);
      for (let i = 0; i < 30; i++) {
        await cases.insertOne(newCase(500 + i, { status: STATUSES[i % 4], area: { province: PROVINCES[i % 3] ?? null }, assigneeId: i % 5 === 0 ? 'staff-1' : null }));
      }
      expect(await countedBy(reader)).toEqual(await expectedCounts(reader));
      const [first, second, third] = await cases.find({}, { sort: { createdAt: 1, _id: 1 }, limit: 3 });
      await cases.findOneAndUpdate({ _id: first!._id }, { $set: { status: 'closed', assigneeId: 'staff-1' } });
      await cases.updateOne({ _id: second!._id }, { $set: { status: 'in_progress' } });
      await cases.updateMany({ status: 'triaged' }, { $set: { status: 'in_progress', 'area.province': PROVINCES[0] } });
      await cases.deleteMany({ _id: third!._id });
      await writer.transaction(async () => {
        await cases.insertOne(newCase(600, { status: 'new', assigneeId: 'staff-1' }));
      });
      await writer
        .transaction(async () => {
          await cases.insertOne(newCase(601, { status: 'new' }));
          throw new Error('rolled back');
        })
        .catch(() => undefined);
      expect(await countedBy(reader)).toEqual(await expectedCounts(reader));
      expect(reader.explainCount(CaseModel, { $and: [{}, { status: 'new' }] }).join(' | ')).toMatch(/cases__tally__/);
      // A counsellor's open cases, as the assignee suggestions count them.
      expect(reader.explainCount(CaseModel, { assigneeId: 'staff-1', status: { $in: ['new', 'in_progress'] } }).join(' | ')).toMatch(/cases__tally__/);
      // Any other condition is counted from the cases themselves.
      expect(reader.explainCount(CaseModel, { status: 'new', kind: 'report' }).join(' | ')).not.toMatch(/tally/);
      expect(await reader.collection(CaseModel).count({ status: 'new', kind: 'report' })).toBe((await expectedCounts(reader))[0]!.all);
      await reader.close();
      await writer.close();
    });

    it('is filled from the cases already in the file when it is new (an upgrade)', async () => {
      const own = tempDir('htx-tally-old-');
      const before = new EmbeddedStore(own);
      const cases = before.collection(CaseModel);
      for (let i = 0; i < 12; i++) await cases.insertOne(newCase(700 + i, { status: STATUSES[i % 4], area: { province: PROVINCES[i % 3] ?? null } }));
      // A file from before the tally: no table, no triggers.
      const db = before.database.db;
      const tallies = (db.prepare(`SELECT name, type FROM sqlite_master WHERE name LIKE 'cases__tally%'`).all() as { name: string; type: string }[]);
      for (const t of tallies.filter((x) => x.type === 'trigger')) db.exec(`DROP TRIGGER "${t.name}"`);
      for (const t of tallies.filter((x) => x.type === 'table')) db.exec(`DROP TABLE "${t.name}"`);
      await cases.insertOne(newCase(720, { status: 'new' }));
      await before.close();
      const after = new EmbeddedStore(own);
      expect(await countedBy(after)).toEqual(await expectedCounts(after));
      await after.close();
    });
  });

  it('leaves to mingo only what SQL cannot answer, and still answers it', async () => {
    const cases = store.collection(CaseModel);
    await cases.insertOne(newCase(1, { urgentReasons: ['self_harm'], area: { province: 'Hà Giang' } }));
    await cases.insertOne(newCase(2, { urgentReasons: [], area: { province: 'Cao Bằng' } }));
    const filter = { 'area.province': 'Hà Giang', urgentReasons: 'self_harm' };
    expect(store.explain(CaseModel, filter).mode).not.toBe('exact');
    expect((await cases.find(filter)).map((c) => c.contactId)).toEqual(['contact-1']);
    expect(await cases.count({ code: /^HTX-3/ })).toBe(1);
  });

  it('turns a unique index clash into a DuplicateKeyError, and a sparse one ignores documents without the field', async () => {
    const outbox = store.collection(OutboxModel);
    const item = { channel: 'web' as const, addressEnc: 'x', recipientKey: 'r', payload: {} };
    await outbox.insertOne(item);
    await outbox.insertOne(item);
    await outbox.insertOne({ ...item, dedupeKey: 'k1' });
    expect(isDuplicateKey(await outbox.insertOne({ ...item, dedupeKey: 'k1' }).catch((e: unknown) => e))).toBe(true);
    expect(await outbox.count({ dedupeKey: 'k1' })).toBe(1);
  });

  it('folds the write-ahead log back into the file on a thread of its own, never in a commit', async () => {
    const own = new EmbeddedStore(tempDir('htx-checkpoint-'));
    try {
      const file = own.database.file;
      const outbox = own.collection(OutboxModel);
      const before = fs.statSync(file).size;
      // ~4.5 MB of rows, three turns' worth of commits: past the 1,000 pages at which SQLite
      // itself would have checkpointed inside the commit that crossed them.
      for (let turn = 0; turn < 3; turn++) {
        await own.transaction(async () => {
          for (let i = 0; i < 3000; i++) await outbox.insertOne({ channel: 'web', addressEnc: 'x'.repeat(200), recipientKey: `r${turn}-${i}`, payload: { text: 'y'.repeat(200) } });
        });
      }
      expect(own.database.db.prepare('PRAGMA wal_autocheckpoint').get()).toMatchObject({ wal_autocheckpoint: 0 });
      await eventually(() => fs.statSync(file).size > before + 1_000_000, 10_000, () => `the file is ${fs.statSync(file).size} bytes, the log ${fs.statSync(`${file}-wal`).size}`);
      await eventually(() => own.database.checkpointsInThread >= 1, 10_000, () => 'the thread never reported a checkpoint');
    } finally {
      await own.close();
    }
  });

  it('brings dates back as dates, in schema fields and in free-form values', async () => {
    const Free = defineModel<{ _id: string; data: Record<string, unknown>; createdAt: Date; updatedAt: Date }>('free_things', {
      data: { type: Schema.Types.Mixed, default: () => ({}) },
    });
    const when = new Date(Date.UTC(2026, 10, 30, 9, 0, 0, 123));
    const saved = await store.collection(Free).insertOne({ data: { when, list: [when], none: null, nested: { $dateLike: 1 } } });
    const read = await store.collection(Free).findOne({ _id: saved._id });
    expect(read?.data).toEqual({ when, list: [when], none: null, nested: { $dateLike: 1 } });
    expect(read?.createdAt).toBeInstanceOf(Date);
  });

  describe('transactions', () => {
    const Counter = defineModel<{ _id: string; n: number; createdAt: Date; updatedAt: Date }>('tx_counters', { n: { type: Number, default: 0 } });
    const counters = () => store.collection(Counter);

    it('commits every write of the function together', async () => {
      await store.transaction(async () => {
        await counters().insertOne({ _id: 'a', n: 1 });
        await counters().findOneAndUpdate({ _id: 'a' }, { $inc: { n: 1 } });
      });
      expect((await counters().findOne({ _id: 'a' }))?.n).toBe(2);
    });

    it('keeps nothing of a function that throws', async () => {
      const err = await store
        .transaction(async () => {
          await counters().insertOne({ _id: 'b', n: 1 });
          await counters().findOneAndUpdate({ _id: 'a' }, { $inc: { n: 100 } });
          throw new Error('turn failed');
        })
        .catch((e: unknown) => e);
      expect((err as Error).message).toBe('turn failed');
      expect(await counters().findOne({ _id: 'b' })).toBeNull();
      expect((await counters().findOne({ _id: 'a' }))?.n).toBe(2);
    });

    it('lets no other caller read or write into an open transaction', async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let insideWrote!: () => void;
      const wrote = new Promise<void>((resolve) => (insideWrote = resolve));
      const tx = store.transaction(async () => {
        await counters().insertOne({ _id: 'c', n: 1 });
        insideWrote();
        await gate;
        throw new Error('rolled back');
      });
      await wrote;
      // Started while the transaction is open: they must neither see its row nor join it.
      const outsideRead = counters().findOne({ _id: 'c' });
      const outsideWrite = counters().insertOne({ _id: 'd', n: 1 });
      const order: string[] = [];
      void outsideRead.then(() => order.push('read'));
      await new Promise((resolve) => setImmediate(resolve));
      order.push('released');
      release();
      await expect(tx).rejects.toThrow('rolled back');
      expect(await outsideRead).toBeNull();
      await outsideWrite;
      expect(order[0]).toBe('released');
      expect(await counters().findOne({ _id: 'd' })).not.toBeNull();
      expect(await counters().findOne({ _id: 'c' })).toBeNull();
    });

    it('tells each writer of a turn of the event loop only once its write is in the file, where another connection reads it', async () => {
      const other = new Database(path.join(dir, DATABASE_FILE), { readonly: true });
      const inFile = (id: string) => other.prepare(`SELECT count(*) AS n FROM tx_counters WHERE _id = ?`).get(id) as { n: number };
      const seen: number[] = [];
      await Promise.all(
        Array.from({ length: 12 }, (_, i) => counters().insertOne({ _id: `g${i}`, n: i }).then(() => seen.push(inFile(`g${i}`).n))),
      );
      other.close();
      expect(seen).toEqual(Array(12).fill(1));
    });

    it('keeps the writes of the same turn of the event loop when one of them fails or a transaction beside them rolls back', async () => {
      const results = await Promise.allSettled([
        counters().insertOne({ _id: 'h1', n: 1 }),
        counters().insertOne({ _id: 'a', n: 9 }),
        store.transaction(async () => {
          await counters().insertOne({ _id: 'h2', n: 2 });
          throw new Error('turn failed');
        }),
        counters().insertOne({ _id: 'h3', n: 3 }),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
      expect(isDuplicateKey((results[1] as PromiseRejectedResult).reason)).toBe(true);
      expect((await counters().find({ _id: { $in: ['h1', 'h2', 'h3'] } }, { sort: { _id: 1 } })).map((c) => c._id)).toEqual(['h1', 'h3']);
      expect((await counters().findOne({ _id: 'a' }))?.n).toBe(2);
    });

    it('runs a nested transaction inside the open one', async () => {
      await store.transaction(async () => {
        await store.transaction(async () => {
          await counters().insertOne({ _id: 'e', n: 1 });
        });
        expect((await counters().findOne({ _id: 'e' }))?.n).toBe(1);
      });
      expect(await counters().count({ _id: 'e' })).toBe(1);
    });
  });

  it("reads the cases a word search found by their ids, not by walking a coordinator's provinces", () => {
    const found = Array.from({ length: 2000 }, (_, i) => `case-${i}`);
    const coordinator = { $or: [{ 'area.province': { $in: ['Huế', 'Cần Thơ'] } }, { 'area.province': null }] };
    const keys = store.explain(CaseModel, { $and: [coordinator, { status: 'new' }, { _id: { $in: found } }] }, { fields: ['priority', 'createdAt'] });
    expect(keys.mode).toBe('exact');
    expect(keys.plan[0]).toMatch(/SEARCH cases USING INDEX sqlite_autoindex_cases_1 \(_id=\?\)/);
  });

  it('searches words through the full-text index, and leaves no erased word in the file', async () => {
    const plan = store.explain(MessageModel, { author: 'child' }, { sort: { seq: -1 }, limit: 2000 });
    expect(plan.mode).toBe('exact');
    const words = (store.collection(MessageModel) as unknown as { table: { explain: (...a: unknown[]) => { plan: string[] } } }).table.explain(
      { author: 'child' },
      { sort: { seq: -1 }, limit: 2000 },
      ['danh'],
    );
    expect(words.plan.join(' | ')).toMatch(/VIRTUAL TABLE INDEX/);

    const own = tempDir('htx-erase-');
    const s = new EmbeddedStore(own);
    const messages = s.collection(MessageModel);
    const secret = 'Quyzhwartel';
    const m = await messages.insertOne({ caseId: 'c1', author: 'child', text: `em tên là ${secret} ở xóm Đồi` });
    await messages.insertOne({ caseId: 'c2', author: 'child', text: 'em ở xóm trên' });
    expect((await messages.findByWords(secret.toLowerCase(), {})).map((x) => x._id)).toEqual([m._id]);
    await messages.findOneAndUpdate({ _id: m._id }, { $set: { text: '', erasedAt: new Date() } });
    expect(await messages.findByWords(secret, {})).toEqual([]);
    expect(await messages.groupsByWords(secret, 10)).toEqual([]);
    expect(await messages.groupsByWords('xom', 10)).toEqual(['c2']);
    await s.close();
    for (const file of fs.readdirSync(own).map((f) => path.join(own, f))) {
      const bytes = fs.readFileSync(file);
      expect(bytes.includes(Buffer.from(secret)), file).toBe(false);
      expect(bytes.includes(Buffer.from(secret.toLowerCase())), file).toBe(false);
    }
  });

  it("gives a store of the earlier form the cases' word index at its first start, and builds it only once", async () => {
    const own = tempDir('htx-words-form-');
    const first = new EmbeddedStore(own);
    await first.collection(MessageModel).insertOne({ caseId: 'old-case', author: 'child', text: 'Ở ký túc xá anh lớp trên đòi tiền em' });
    await first.collection(MessageModel).insertOne({ caseId: 'other-case', author: 'counsellor', text: 'Ký túc xá có cô quản lý' });
    await first.close();
    // The word index as the earlier code kept it: one row per message, by its row id, no prefix index, no groups.
    const raw = new Database(path.join(own, DATABASE_FILE));
    raw.exec(`DROP TABLE messages__words; DROP TABLE messages__word_groups;
      CREATE VIRTUAL TABLE messages__words USING fts5(words, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2');
      INSERT INTO messages__words (rowid, words) SELECT rowid, lower(doc ->> '$.text') FROM messages;`);
    raw.close();

    const second = new EmbeddedStore(own);
    expect(await second.collection(MessageModel).groupsByWords('ky tuc xa', 10)).toEqual(['old-case']);
    expect((await second.collection(MessageModel).findByWords('ky tuc', {}, { sort: { seq: 1 } })).map((m) => m.caseId)).toEqual(['old-case', 'other-case']);
    second.database.db.exec(`INSERT INTO messages__word_groups (key) VALUES ('kept-if-not-rebuilt')`);
    await second.close();

    const third = new EmbeddedStore(own);
    const groups = third.database.db.prepare('SELECT key FROM messages__word_groups ORDER BY g').all() as { key: string }[];
    expect(groups.map((g) => g.key)).toEqual(['old-case', 'kept-if-not-rebuilt']);
    expect(await third.collection(MessageModel).groupsByWords('đòi tiền', 10)).toEqual(['old-case']);
    await third.close();
  });

  describe('a damaged database file', () => {
    let broken: string;
    let file: string;
    let damaged: Buffer;
    const namesTheFile = () => new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is damaged`);
    beforeAll(async () => {
      broken = tempDir('htx-broken-');
      file = path.join(broken, DATABASE_FILE);
      const first = new EmbeddedStore(broken);
      const cases = first.collection(CaseModel);
      for (let i = 0; i < 200; i++) await cases.insertOne(newCase(i + 10, { area: { province: `Tỉnh ${i}` } }));
      await first.close();
      // Scribble over the middle of the file, where the tables' pages are.
      damaged = fs.readFileSync(file);
      damaged.fill(0x5a, 4096 * 2, 4096 * 6);
      fs.writeFileSync(file, damaged);
    });

    it('is refused when opened, naming it', () => {
      expect(() => new EmbeddedStore(broken)).toThrow(namesTheFile());
    });

    it('is found damaged by the check in a worker thread, before anything opens it for writing', async () => {
      expect(await checkDatabaseFile(file)).toMatchObject({ verdict: 'damaged', problems: [expect.any(String)] });
      await expect(openStore({ dataDir: broken })).rejects.toThrow(namesTheFile());
      expect(fs.readFileSync(file).equals(damaged)).toBe(true);
    });

    it('stops `npm start` with one line naming it, and leaves it as it was', () => {
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'app/main.ts'], {
        env: { PATH: process.env.PATH, DATA_DIR: broken, DATA_KEY: 'ab'.repeat(32), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'error' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.status).toBe(1);
      const lines = run.stderr.trim().split('\n').filter((l) => !/Warning|trace-warnings/.test(l));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`could not start: The database file ${namesTheFile().source} \\(.+\\); the service will not start on it\\. Restore it from a backup`));
      expect(fs.readFileSync(file).equals(damaged)).toBe(true);
    });

    it('is not confused with a file another process holds locked for a moment: that one is waited for', async () => {
      const own = tempDir('htx-held-');
      // Another process makes the file and holds it locked (exclusive locking mode: readers too,
      // as while a process closes the file), then lets go after half a second.
      const holding = `const D = require('libsql'); const d = new D(${JSON.stringify(path.join(own, DATABASE_FILE))});
        d.pragma('journal_mode = WAL'); d.exec('CREATE TABLE kept (x)'); d.pragma('locking_mode = EXCLUSIVE');
        d.exec('BEGIN EXCLUSIVE'); d.exec('INSERT INTO kept VALUES (1)'); d.exec('COMMIT'); console.log('held'); setTimeout(() => d.close(), 500);`;
      const holder = spawn(process.execPath, ['-e', holding], { stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = new Promise((resolve) => holder.once('exit', resolve));
      await new Promise<void>((resolve) => holder.stdout!.on('data', (b: Buffer) => b.toString().includes('held') && resolve()));
      const opened = await openStore({ dataDir: own });
      expect(await opened.collection(CaseModel).count({})).toBe(0);
      await opened.close();
      await exited;
    });

    it('a sound file passes the check in a worker thread', async () => {
      expect(await checkDatabaseFile(path.join(dir, DATABASE_FILE))).toEqual({ verdict: 'ok' });
      expect(await checkDatabaseFile(path.join(tempDir('htx-none-'), DATABASE_FILE))).toMatchObject({ verdict: 'unchecked' });
    });
  });
});
