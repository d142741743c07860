import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defineModel, sub } from '../../models/define.js';
import { ValidationFailedError, type Store } from '../../store/index.js';
import { enginesUnderTest } from '../helpers/engines.js';

/** What a sweep over many documents needs: reading a few fields, and many small claimed updates. */
interface Item {
  _id: string;
  name: string;
  due: Date | null;
  seq: number;
  state: { step: number; at: Date | null };
  tags: string[];
  note?: string;
  createdAt: Date;
  updatedAt: Date;
}

const ItemModel = defineModel<Item>(
  'contract_sweep_items',
  {
    name: { type: String, required: true, maxlength: 20 },
    due: { type: Date, default: null },
    seq: { type: Number, default: 0 },
    state: { type: sub({ step: { type: Number, min: 0, max: 3, default: 0 }, at: { type: Date, default: null } }), default: () => ({}) },
    tags: { type: [String], default: [] },
    note: { type: String, enum: ['fine', 'late'] },
  },
  (s) => s.index({ due: 1 }),
);

for (const engine of enginesUnderTest()) {
  describe(`sweeps over many documents on the ${engine.name} engine`, () => {
    let store: Store;
    const items = () => store.collection(ItemModel);
    const T = new Date('2026-12-01T03:00:00Z');
    beforeAll(async () => {
      store = await engine.open();
    });
    afterAll(async () => {
      await store.close();
    });
    beforeEach(async () => {
      await items().deleteMany({});
      for (let i = 0; i < 6; i++) await items().insertOne({ name: `item-${i}`, due: new Date(T.getTime() + i * 60_000), tags: ['a', `t${i}`] });
    });

    it('reads only the fields asked for, in the order and page asked for', async () => {
      const found = await items().find({ due: { $lte: new Date(T.getTime() + 3 * 60_000) } }, { sort: { due: 1 }, limit: 3, fields: ['due', 'state'] });
      expect(found.map((d) => d.due)).toEqual([0, 1, 2].map((i) => new Date(T.getTime() + i * 60_000)));
      expect(found[0]!.state).toMatchObject({ step: 0, at: null });
      expect(found[0]!._id).toEqual(expect.any(String));
      expect(found[0]).not.toHaveProperty('name');
      expect(found[0]).not.toHaveProperty('tags');
    });

    it('applies many claimed updates at once, skipping a document claimed by someone else meanwhile', async () => {
      const all = await items().find({}, { sort: { due: 1 } });
      await items().findOneAndUpdate({ _id: all[1]!._id }, { $inc: { seq: 1 } });
      const later = new Date(T.getTime() + 86_400_000);
      const matched = await items().updateEach(
        all.map((d) => ({ filter: { _id: d._id, seq: 0 }, update: { $set: { due: later, state: { step: 2, at: T } }, $inc: { seq: 1 }, $unset: { note: '' } } })),
      );
      expect(matched).toBe(5);
      const after = await items().find({}, { sort: { name: 1 } });
      expect(after.filter((d) => d.due?.getTime() === later.getTime()).map((d) => d.name)).toEqual(['item-0', 'item-2', 'item-3', 'item-4', 'item-5']);
      const claimed = after.find((d) => d.name === 'item-0')!;
      expect(claimed.seq).toBe(1);
      expect(claimed.state).toMatchObject({ step: 2, at: T });
      expect(claimed.tags).toEqual(['a', 't0']);
      expect(claimed.updatedAt.getTime()).toBeGreaterThan(all[0]!.updatedAt.getTime() - 1);
      const skipped = after.find((d) => d.name === 'item-1')!;
      expect(skipped.seq).toBe(1);
      expect(skipped.state.step).toBe(0);
      // The index follows: the claimed documents are no longer due.
      expect(await items().count({ due: { $lte: new Date(T.getTime() + 3_600_000) } })).toBe(1);
    });

    it('refuses a value the schema refuses, naming the collection, and changes nothing', async () => {
      const all = await items().find({}, { sort: { due: 1 } });
      await expect(items().updateEach([{ filter: { _id: all[0]!._id }, update: { $set: { state: { step: 9, at: null } } } }])).rejects.toBeInstanceOf(ValidationFailedError);
      await expect(items().updateEach([{ filter: { _id: all[0]!._id }, update: { $set: { due: 'not a date' } } }])).rejects.toBeInstanceOf(ValidationFailedError);
      await expect(items().updateEach([{ filter: { _id: all[0]!._id }, update: { $set: { note: 'maybe' } } }])).rejects.toBeInstanceOf(ValidationFailedError);
      const again = await items().findOne({ _id: all[0]!._id });
      expect(again).toMatchObject({ due: all[0]!.due, state: { step: 0 } });
      expect(again!.note).toBeUndefined();
    });

    it('updates every match of a plain change at once, and refuses a bad value without changing any', async () => {
      const before = await items().find({}, { sort: { due: 1 } });
      const later = new Date(T.getTime() + 86_400_000);
      expect(await items().updateMany({ due: { $lt: new Date(T.getTime() + 2 * 60_000) } }, { $set: { due: later, note: 'late' }, $inc: { seq: 2 } })).toBe(2);
      const after = await items().find({}, { sort: { name: 1 } });
      expect(after.map((d) => d.seq)).toEqual([2, 2, 0, 0, 0, 0]);
      expect(after.filter((d) => d.note === 'late').map((d) => d.name)).toEqual(['item-0', 'item-1']);
      expect(after[0]!.updatedAt.getTime()).toBeGreaterThanOrEqual(before[0]!.updatedAt.getTime());
      expect(after[0]!.tags).toEqual(['a', 't0']);
      await expect(items().updateMany({}, { $set: { note: 'maybe' } })).rejects.toBeInstanceOf(ValidationFailedError);
      expect(await items().count({ note: 'maybe' })).toBe(0);
    });

    it('takes other updates the general way, with the same meaning', async () => {
      const all = await items().find({}, { sort: { due: 1 } });
      const matched = await items().updateEach([
        { filter: { _id: all[0]!._id }, update: { $push: { tags: 'b' } } },
        { filter: { _id: all[1]!._id, tags: 't1' }, update: { $set: { 'state.step': 1 } } },
        { filter: { _id: 'no-such-item' }, update: { $set: { due: null } } },
      ]);
      expect(matched).toBe(2);
      expect((await items().findOne({ _id: all[0]!._id }))!.tags).toEqual(['a', 't0', 'b']);
      expect((await items().findOne({ _id: all[1]!._id }))!.state.step).toBe(1);
    });

    it('streams every matching document once, more than a batch of them, with only the fields asked for', async () => {
      await store.transaction(async () => {
        for (let i = 6; i < 1_206; i++) await items().insertOne({ name: `item-${i}`, due: new Date(T.getTime() + i * 60_000), tags: i % 3 === 0 ? ['third'] : [] });
      });
      const late = new Date(T.getTime() + 100 * 60_000);
      const seen: Item[] = [];
      for await (const item of items().stream({ due: { $gte: late } }, { fields: ['due', 'state'] })) seen.push(item);
      expect(seen).toHaveLength(1_106);
      expect(new Set(seen.map((d) => d._id)).size).toBe(1_106);
      expect(seen.every((d) => d.due!.getTime() >= late.getTime())).toBe(true);
      expect(seen[0]!.state).toMatchObject({ step: 0, at: null });
      expect(seen[0]).not.toHaveProperty('name');
      // A condition SQL does not answer alone (an array's element), and whole documents.
      let thirds = 0;
      for await (const item of items().stream({ due: { $gte: late }, tags: 'third' })) {
        expect(item.tags).toEqual(['third']);
        expect(item.name).toMatch(/^item-\d+$/);
        thirds++;
      }
      expect(thirds).toBe(Array.from({ length: 1_200 }, (_, k) => k + 6).filter((i) => i >= 100 && i % 3 === 0).length);
    });

    it('leaves the collection to others when a stream is left early, and at once for writes meanwhile', async () => {
      let read = 0;
      for await (const item of items().stream({}, { fields: ['name'] })) {
        // A write while the stream is open goes through.
        if (read++ === 0) await items().findOneAndUpdate({ _id: item._id }, { $set: { note: 'late' } });
        if (read === 2) break;
      }
      await items().insertOne({ name: 'after-the-stream' });
      expect(await items().count({})).toBe(7);
      expect(await items().count({ note: 'late' })).toBe(1);
    });
  });
}
