import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineModel } from '../../models/define.js';
import { isDuplicateKey, ValidationFailedError, type Store } from '../../store/index.js';
import { enginesUnderTest, mongoLegSkipped } from '../helpers/engines.js';

interface Thing {
  _id: string;
  name: string;
  n: number;
  tags: string[];
  when?: Date | null;
  nested: { a?: string | null };
  createdAt: Date;
  updatedAt: Date;
}

const ThingModel = defineModel<Thing>(
  'contract_things',
  {
    name: { type: String, required: true, maxlength: 20 },
    n: { type: Number, default: 0, min: 0 },
    tags: { type: [String], default: [] },
    when: { type: Date, default: null },
    nested: { a: { type: String, default: null } },
  },
  (s) => s.index({ name: 1 }, { unique: true }),
);

interface Note {
  _id: string;
  topic: string;
  text: string;
  n: number;
  createdAt: Date;
  updatedAt: Date;
}

const NoteModel = defineModel<Note>(
  'contract_notes',
  { topic: { type: String, required: true }, text: { type: String, default: '' }, n: { type: Number, default: 0 } },
  (s) => s.index({ topic: 1, n: 1 }),
  { search: 'text' },
);

interface Line {
  _id: string;
  thread: string;
  from: string;
  text: string;
  seq: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Lines of threads, searched by words as threads (a case's messages, by case): only the child's lines count. */
const LineModel = defineModel<Line>(
  'contract_lines',
  { thread: { type: String, required: true }, from: { type: String, required: true }, text: { type: String, default: '' }, seq: { type: Number, default: 0 } },
  (s) => s.index({ from: 1, seq: -1 }),
  { search: 'text', searchGroup: { by: 'thread', when: { from: 'child' }, newest: 'seq' } },
);

describe.skipIf(!mongoLegSkipped)('MongoDB leg of the store contract', () => {
  it.skip('is skipped: MONGODB_URI is not set (run `npm run test:mongo`)', () => {});
});

for (const engine of enginesUnderTest()) {
  describe(`store contract on the ${engine.name} engine`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await engine.open();
    });
    afterAll(async () => {
      await store.close();
    });
    const things = () => store.collection(ThingModel);

    it('inserts a document with a generated string id, defaults and timestamps', async () => {
      const t = await things().insertOne({ name: 'alpha' });
      expect(typeof t._id).toBe('string');
      expect(t.n).toBe(0);
      expect(t.tags).toEqual([]);
      expect(t.createdAt).toBeInstanceOf(Date);
      const again = await things().findOne({ _id: t._id });
      expect(again?.name).toBe('alpha');
    });

    it('rejects a document the schema does not accept and stores nothing', async () => {
      await expect(things().insertOne({ name: 'x'.repeat(30) })).rejects.toThrow();
      await expect(things().insertOne({ n: 1 } as never)).rejects.toThrow();
      expect(await things().count({ n: 1 })).toBe(0);
    });

    it('refuses a second document with the same unique key', async () => {
      await things().insertOne({ name: 'unique-one' });
      const err = await things().insertOne({ name: 'unique-one' }).catch((e: unknown) => e);
      expect(isDuplicateKey(err)).toBe(true);
      expect(await things().count({ name: 'unique-one' })).toBe(1);
    });

    it('answers MongoDB query operators, sorting, skipping and limiting the same way', async () => {
      for (const [name, n, tags] of [
        ['q1', 1, ['a']],
        ['q2', 2, ['a', 'b']],
        ['q3', 3, ['b']],
        ['q4', 4, []],
      ] as const) {
        await things().insertOne({ name, n, tags: [...tags], when: new Date(Date.UTC(2026, 0, n)) });
      }
      const names = (docs: Thing[]) => docs.map((d) => d.name);
      expect(names(await things().find({ name: /^q/, n: { $gte: 2 } }, { sort: { n: -1 } }))).toEqual(['q4', 'q3', 'q2']);
      expect(names(await things().find({ tags: 'a' }, { sort: { n: 1 } }))).toEqual(['q1', 'q2']);
      expect(names(await things().find({ tags: { $in: ['b'] } }, { sort: { n: 1 } }))).toEqual(['q2', 'q3']);
      expect(names(await things().find({ $or: [{ n: 1 }, { n: 4 }] }, { sort: { n: 1 } }))).toEqual(['q1', 'q4']);
      expect(names(await things().find({ when: { $lt: new Date(Date.UTC(2026, 0, 3)) } }, { sort: { n: 1 } }))).toEqual(['q1', 'q2']);
      expect(names(await things().find({ name: /^q/ }, { sort: { n: 1 }, skip: 1, limit: 2 }))).toEqual(['q2', 'q3']);
      expect(await things().count({ name: { $in: ['q1', 'q3', 'nope'] } })).toBe(2);
    });

    it('updates atomically and returns the document after the update', async () => {
      const t = await things().insertOne({ name: 'counter' });
      const results = await Promise.all(
        Array.from({ length: 10 }, () => things().findOneAndUpdate({ _id: t._id }, { $inc: { n: 1 }, $push: { tags: 'x' } })),
      );
      expect(results.map((r) => r?.n).sort((a, b) => a! - b!)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      const after = await things().findOneAndUpdate({ _id: t._id }, { $set: { 'nested.a': 'set' }, $pull: { tags: 'x' } });
      expect(after?.nested.a).toBe('set');
      expect(after?.tags).toEqual([]);
    });

    it('lets only one of many concurrent claims win', async () => {
      await things().insertOne({ name: 'claim-me', n: 0 });
      const claims = await Promise.all(
        Array.from({ length: 8 }, () => things().findOneAndUpdate({ name: 'claim-me', n: 0 }, { $set: { n: 1 } })),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
    });

    it('updates one document without reading it back: only the first match, only when the filter still holds', async () => {
      const a = await things().insertOne({ name: 'one-a', n: 0 });
      await things().insertOne({ name: 'one-b', n: 0 });
      const when = new Date('2026-01-02T03:04:05Z');
      // A claim on a condition (with $or), as the outbox claims a message: the first wins, a repeat finds nothing.
      const claim = () => things().updateOne({ _id: a._id, $or: [{ n: 0 }, { when: { $lt: when } }] }, { $set: { n: 1, when, nested: { a: 'x' } } });
      expect((await Promise.all([claim(), claim(), claim()])).filter(Boolean)).toHaveLength(1);
      const after = await things().findOne({ _id: a._id });
      expect(after).toMatchObject({ n: 1, when, nested: { a: 'x' }, tags: [] });
      expect(after!.updatedAt.getTime()).toBeGreaterThanOrEqual(a.updatedAt.getTime());
      expect(await things().updateOne({ name: { $in: ['one-a', 'one-b'] } }, { $inc: { n: 5 } })).toBe(true);
      expect(await things().count({ name: { $in: ['one-a', 'one-b'] }, n: { $gte: 5 } })).toBe(1);
      // Operators SQL cannot apply alone take the general way, with the same answer.
      expect(await things().updateOne({ _id: a._id }, { $push: { tags: 'pushed' }, $unset: { when: 1 } })).toBe(true);
      expect((await things().findOne({ _id: a._id }))?.tags).toEqual(['pushed']);
      expect(await things().updateOne({ name: 'nobody' }, { $set: { n: 2 } })).toBe(false);
    });

    it('refuses an updateOne that breaks the schema and keeps the document as it was', async () => {
      const t = await things().insertOne({ name: 'one-valid', n: 3 });
      await expect(things().updateOne({ _id: t._id }, { $set: { n: -1 } })).rejects.toThrow(ValidationFailedError);
      await expect(things().updateOne({ _id: t._id }, { $set: { name: 'x'.repeat(21) }, $push: { tags: 'y' } })).rejects.toThrow(ValidationFailedError);
      expect(await things().findOne({ _id: t._id })).toMatchObject({ n: 3, name: 'one-valid', tags: [] });
    });

    it('upserts from the filter equalities and $setOnInsert only once', async () => {
      const first = await things().findOneAndUpdate({ name: 'upserted' }, { $setOnInsert: { n: 5 }, $push: { tags: 'one' } }, { upsert: true });
      const second = await things().findOneAndUpdate({ name: 'upserted' }, { $setOnInsert: { n: 9 }, $push: { tags: 'two' } }, { upsert: true });
      expect(first?.n).toBe(5);
      expect(second?._id).toBe(first?._id);
      expect(second?.n).toBe(5);
      expect(second?.tags).toEqual(['one', 'two']);
    });

    it('counts with $inc and $setOnInsert in an upsert: created once, then incremented, the document as it is after', async () => {
      const first = await things().findOneAndUpdate({ name: 'upsert-count' }, { $inc: { n: 2 }, $setOnInsert: { when: new Date(1000) } }, { upsert: true });
      const second = await things().findOneAndUpdate({ name: 'upsert-count' }, { $inc: { n: 3 }, $setOnInsert: { when: new Date(9000) } }, { upsert: true });
      expect(first).toMatchObject({ name: 'upsert-count', n: 2, when: new Date(1000) });
      expect(second).toMatchObject({ _id: first!._id, n: 5, when: new Date(1000) });
      expect(second!.updatedAt).toBeInstanceOf(Date);
      expect(second!.updatedAt.getTime()).toBeGreaterThanOrEqual(first!.updatedAt.getTime());
    });

    it('updates the first document in the sort order and returns it as it is after the update', async () => {
      await things().insertOne({ name: 'sorted-b', n: 7, nested: { a: 'q' } });
      await things().insertOne({ name: 'sorted-a', n: 6, nested: { a: 'q' } });
      const when = new Date('2026-01-02T03:04:05Z');
      const got = await things().findOneAndUpdate({ 'nested.a': 'q', n: { $gte: 6 } }, { $set: { when }, $unset: { tags: 1 } }, { sort: { n: -1 } });
      expect(got).toMatchObject({ name: 'sorted-b', when });
      expect((await things().findOne({ name: 'sorted-a' }))?.when).toBeNull();
    });

    it('returns null when nothing matches an update without upsert', async () => {
      expect(await things().findOneAndUpdate({ name: 'nobody' }, { $set: { n: 1 } })).toBeNull();
    });

    it('rejects an update that breaks the schema and keeps the document as it was', async () => {
      const t = await things().insertOne({ name: 'valid', n: 3 });
      await expect(things().findOneAndUpdate({ _id: t._id }, { $set: { n: -1 } })).rejects.toThrow();
      expect((await things().findOne({ _id: t._id }))?.n).toBe(3);
    });

    it('finds documents by the words of their text, ignoring case and diacritics, each word whole or begun', async () => {
      const notes = store.collection(NoteModel);
      await notes.insertOne({ topic: 'w', n: 1, text: 'Em bị đánh ở trường bán trú.' });
      await notes.insertOne({ topic: 'w', n: 2, text: 'BỐ ĐÁNH EM mỗi tối' });
      await notes.insertOne({ topic: 'other', n: 3, text: 'đánh răng trước khi ngủ' });
      await notes.insertOne({ topic: 'w', n: 4, text: 'Đường về nhà xa' });
      const ns = (docs: Note[]) => docs.map((d) => d.n);
      expect(ns(await notes.findByWords('bi danh', { topic: 'w' }, { sort: { n: 1 } }))).toEqual([1]);
      expect(ns(await notes.findByWords('Đánh', { topic: 'w' }, { sort: { n: -1 } }))).toEqual([2, 1]);
      expect(ns(await notes.findByWords('đánh', {}, { sort: { n: 1 }, limit: 2 }))).toEqual([1, 2]);
      expect(ns(await notes.findByWords('duong ve', {}, {}))).toEqual([4]);
      expect(ns(await notes.findByWords('trườn', {}, { sort: { n: 1 } }))).toEqual([1]);
      expect(ns(await notes.findByWords('ánh', {}, {}))).toEqual([]); // inside a word, not its start
      expect(await notes.findByWords('(.*', {}, {})).toEqual([]);
      expect(await notes.findByWords('   ', {}, {})).toEqual([]);
    });

    it('forgets the words of a text once it is changed, erased or deleted', async () => {
      const notes = store.collection(NoteModel);
      const a = await notes.insertOne({ topic: 'gone', text: 'chú hàng xóm đáng sợ' });
      const b = await notes.insertOne({ topic: 'gone', text: 'hàng xóm ồn ào' });
      await notes.findOneAndUpdate({ _id: a._id }, { $set: { text: '' } });
      expect((await notes.findByWords('hang xom', { topic: 'gone' })).map((d) => d._id)).toEqual([b._id]);
      await notes.updateMany({ topic: 'gone' }, { $set: { text: 'đã xoá theo yêu cầu' } });
      expect(await notes.findByWords('hang xom', {})).toEqual([]);
      expect((await notes.findByWords('xoa', { topic: 'gone' })).length).toBe(2);
      await notes.deleteMany({ topic: 'gone' });
      expect(await notes.findByWords('xoa', {})).toEqual([]);
    });

    it("finds the threads whose child's lines hold the words, the newest thread first, and forgets erased words", async () => {
      const lines = store.collection(LineModel);
      await lines.insertOne({ thread: 't1', from: 'child', seq: 1, text: 'Em bị đánh ở trường' });
      await lines.insertOne({ thread: 't1', from: 'staff', seq: 2, text: 'Ở ký túc xá có cô quản lý' });
      await lines.insertOne({ thread: 't2', from: 'child', seq: 3, text: 'Ở KÝ TÚC XÁ em bị đánh' });
      const third = await lines.insertOne({ thread: 't3', from: 'child', seq: 4, text: 'ký túc xá xa nhà' });
      await lines.insertOne({ thread: 't3', from: 'child', seq: 5, text: 'em cảm ơn' });
      expect(await lines.groupsByWords('ky tuc xa', 10)).toEqual(['t3', 't2']);
      expect(await lines.groupsByWords('bị đánh', 10)).toEqual(['t2', 't1']);
      expect(await lines.groupsByWords('Ký túc', 1)).toEqual(['t3']);
      expect(await lines.groupsByWords('ánh', 10)).toEqual([]);
      expect(await lines.groupsByWords(' (.* ', 10)).toEqual([]);
      await lines.findOneAndUpdate({ _id: third._id }, { $set: { text: '' } });
      expect(await lines.groupsByWords('ky tuc xa', 10)).toEqual(['t2']);
      await lines.updateMany({ thread: 't2' }, { $set: { text: 'đã xoá theo yêu cầu' } });
      expect(await lines.groupsByWords('ky tuc xa', 10)).toEqual([]);
      expect(await lines.groupsByWords('xoa', 10)).toEqual(['t2']);
      await lines.deleteMany({ thread: 't1' });
      expect(await lines.groupsByWords('bi danh', 10)).toEqual([]);
    });

    it('finds, counts and excludes documents by a long list of values (the 2,000 cases of a word search)', async () => {
      const made = [];
      for (let i = 0; i < 30; i++) made.push(await things().insertOne({ name: `long-${i}`, n: 500 + i }));
      const ids = [...made.slice(0, 25).map((t) => t._id), ...Array.from({ length: 20 }, (_, i) => `missing-${i}`)];
      expect((await things().find({ _id: { $in: ids } }, { sort: { n: 1 } })).map((t) => t.n)).toEqual(made.slice(0, 25).map((t) => t.n));
      expect(await things().count({ $and: [{ n: { $gte: 500 } }, { _id: { $in: ids } }] })).toBe(25);
      expect((await things().find({ n: { $gte: 500 }, _id: { $nin: ids } })).map((t) => t.n).sort()).toEqual([525, 526, 527, 528, 529]);
      expect(await things().count({ n: { $in: [...Array.from({ length: 40 }, (_, i) => 490 + i), null] } })).toBe(30);
      await things().deleteMany({ n: { $gte: 500 } });
    });

    it('updates and deletes many, counting what matched', async () => {
      await things().insertOne({ name: 'm1', n: 100 });
      await things().insertOne({ name: 'm2', n: 100 });
      expect(await things().updateMany({ n: 100 }, { $set: { n: 101 } })).toBe(2);
      expect(await things().count({ n: 101 })).toBe(2);
      expect(await things().deleteMany({ n: 101 })).toBe(2);
      expect(await things().count({ n: { $in: [100, 101] } })).toBe(0);
    });
  });
}
