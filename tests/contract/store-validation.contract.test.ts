/**
 * The store contract, continued: both engines apply a collection's schema the same way — the
 * defaults of fields added after a document was stored are there when it is read; an update is
 * refused, with the same coded error and nothing changed, when what it sets breaks the schema
 * (and only then, as MongoDB's update validators decide); a unique clash is the same error
 * however it arises.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineModel, sub } from '../../models/define.js';
import { DuplicateKeyError, ensureIndexes, ValidationFailedError, type Store, type Update } from '../../store/index.js';
import { enginesUnderTest } from '../helpers/engines.js';

interface Gadget {
  _id: string;
  name: string;
  kind: string;
  code: string;
  n: number;
  colour: string;
  labels: string[];
  nested: { a?: string | null };
  parts: { k: string; mime: string }[];
  createdAt: Date;
  updatedAt: Date;
}

/** The collection as a first version of the application wrote it. */
const GadgetV1 = defineModel<Gadget>('contract_gadgets', {
  name: { type: String, required: true },
  kind: { type: String, default: 'a' },
  code: { type: String, default: 'X' },
  n: { type: Number, default: 0 },
  parts: { type: [sub({ k: { type: String, required: true } })], default: [] },
});

/** The same collection in a later version: new fields with defaults, stricter rules. */
const GadgetV2 = defineModel<Gadget>(
  'contract_gadgets',
  {
    name: { type: String, required: true, maxlength: 20 },
    kind: { type: String, enum: ['a', 'b'], default: 'a' },
    code: { type: String, default: 'X', validate: { validator: (v: string) => /^[A-Z]+$/.test(v), message: 'capital letters only' } },
    n: { type: Number, default: 0, min: 0 },
    colour: { type: String, default: 'green' },
    labels: { type: [String], default: [] },
    nested: { a: { type: String, default: 'inner' } },
    parts: { type: [sub({ k: { type: String, required: true }, mime: { type: String, default: 'none' } })], default: [] },
  },
  (s) => s.index({ name: 1 }, { unique: true }),
);

interface Letter {
  _id: string;
  text: string;
  createdAt: Date;
  updatedAt: Date;
}
/** A collection before word search existed, and after. */
const LetterV1 = defineModel<Letter>('contract_letters', { text: { type: String, default: '' } });
const LetterV2 = defineModel<Letter>('contract_letters', { text: { type: String, default: '' } }, undefined, { search: 'text' });

const errorOf = (p: Promise<unknown>) => p.then(() => null, (err: unknown) => err);

for (const engine of enginesUnderTest()) {
  describe(`store validation contract on the ${engine.name} engine`, () => {
    let v1: Store;
    let v2: Store;
    beforeAll(async () => {
      const place = engine.place();
      v1 = await place.open();
      v2 = await place.open();
    });
    afterAll(async () => {
      await v1?.close();
      await v2?.close();
    });
    const older = () => v1.collection(GadgetV1);
    const gadgets = () => v2.collection(GadgetV2);

    it('reads a document stored before a field with a default existed with that default, by every kind of read', async () => {
      const old = await older().insertOne({ name: 'from v1', parts: [{ k: 'p' }] as Gadget['parts'] });
      const expected = { name: 'from v1', colour: 'green', labels: [], nested: { a: 'inner' }, parts: [{ k: 'p', mime: 'none' }] };
      expect(await gadgets().findOne({ _id: old._id })).toMatchObject(expected);
      expect(await gadgets().find({ name: 'from v1' })).toMatchObject([expected]);
      const updated = await gadgets().findOneAndUpdate({ _id: old._id }, { $set: { n: 2 } });
      expect(updated).toMatchObject({ ...expected, n: 2 });
    });

    it('refuses an update whose value breaks a validator, an enum, a maximum length, a minimum, a type or a required field, and changes nothing', async () => {
      const g = await gadgets().insertOne({ name: 'valid one', kind: 'b', code: 'OK', n: 3 });
      const bad: [string, Update][] = [
        ['a custom validator', { $set: { code: 'lower' } }],
        ['an enum', { $set: { kind: 'zzz' } }],
        ['a maximum length', { $set: { name: 'x'.repeat(30) } }],
        ['a minimum', { $set: { n: -1 } }],
        ['a type', { $set: { n: 'many' } }],
        ['a required field set to null', { $set: { name: null } }],
        ['a required field removed', { $unset: { name: '' } }],
      ];
      for (const [rule, update] of bad) {
        const err = await errorOf(gadgets().findOneAndUpdate({ _id: g._id }, update));
        expect(err, rule).toBeInstanceOf(ValidationFailedError);
        expect((err as ValidationFailedError).code, rule).toBe('validation_failed');
        const many = await errorOf(gadgets().updateMany({ _id: g._id }, update));
        expect((many as ValidationFailedError | null)?.code, `${rule} (updateMany)`).toBe('validation_failed');
      }
      expect(await gadgets().findOne({ _id: g._id })).toMatchObject({ name: 'valid one', kind: 'b', code: 'OK', n: 3 });
    });

    it('refuses an insert that breaks the schema with the same coded error', async () => {
      for (const doc of [{ name: 'bad kind', kind: 'zzz' }, { kind: 'a' }, { name: 'bad code', code: 'lower' }]) {
        const err = await errorOf(gadgets().insertOne(doc as Partial<Gadget>));
        expect((err as ValidationFailedError | null)?.code, JSON.stringify(doc)).toBe('validation_failed');
      }
      expect(await gadgets().count({ name: { $in: ['bad kind', 'bad code'] } })).toBe(0);
    });

    it('checks what an update sets, not the rest of a document stored under older rules', async () => {
      // Valid when version 1 wrote it; version 2 allows 20 letters and kinds a and b only.
      const old = await older().insertOne({ name: 'a name longer than twenty letters', kind: 'legacy' });
      const updated = await gadgets().findOneAndUpdate({ _id: old._id }, { $set: { colour: 'blue' } });
      expect(updated).toMatchObject({ name: 'a name longer than twenty letters', kind: 'legacy', colour: 'blue' });
      expect(await errorOf(gadgets().findOneAndUpdate({ _id: old._id }, { $set: { kind: 'legacy2' } }))).toBeInstanceOf(ValidationFailedError);
    });

    it('refuses a unique clash with the same coded error, whether inserting, updating or upserting, and changes nothing', async () => {
      await gadgets().insertOne({ name: 'taken' });
      const other = await gadgets().insertOne({ name: 'free' });
      const clashes = [
        errorOf(gadgets().insertOne({ name: 'taken' })),
        errorOf(gadgets().findOneAndUpdate({ _id: other._id }, { $set: { name: 'taken' } })),
        errorOf(gadgets().updateMany({ _id: other._id }, { $set: { name: 'taken' } })),
        errorOf(gadgets().findOneAndUpdate({ name: 'nobody yet' }, { $set: { name: 'taken' } }, { upsert: true })),
      ];
      for (const err of await Promise.all(clashes)) {
        expect(err).toBeInstanceOf(DuplicateKeyError);
        expect((err as DuplicateKeyError).code).toBe('duplicate_key');
      }
      expect(await gadgets().count({ name: 'taken' })).toBe(1);
      expect((await gadgets().findOne({ _id: other._id }))?.name).toBe('free');
    });

    it('finds by words the documents stored before word search existed, once the store is prepared at start, without touching them again', async () => {
      const old = await v1.collection(LetterV1).insertOne({ text: 'Chú hàng xóm làm em sợ' });
      await v1.collection(LetterV1).insertOne({});
      const letters = v2.collection(LetterV2);
      const messages: string[] = [];
      await ensureIndexes(v2, [LetterV2], (m) => messages.push(m));
      expect((await letters.findByWords('hang xom', {})).map((l) => l._id)).toEqual([old._id]);
      const before = await letters.findOne({ _id: old._id });
      await ensureIndexes(v2, [LetterV2], (m) => messages.push(m));
      expect(await letters.findOne({ _id: old._id })).toEqual(before);
      expect(before?.updatedAt).toEqual(old.updatedAt);
      // MongoDB fills the words in once and says so; the embedded engine indexes the text itself.
      expect(messages.length).toBe(engine.name === 'mongodb' ? 1 : 0);
    });
  });
}
