/**
 * The store contract for transactions, on each engine: a transaction's writes are stored
 * together or not at all, and what waits for its commit (waking the delivery of a message it
 * enqueued) runs after the commit, never after a rollback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineModel } from '../../models/define.js';
import type { Store } from '../../store/index.js';
import { enginesUnderTest, undoesFailedTransactions } from '../helpers/engines.js';

interface Entry {
  _id: string;
  name: string;
  createdAt: Date;
  updatedAt: Date;
}
const EntryModel = defineModel<Entry>('contract_entries', { name: { type: String, required: true } });
/** A collection used for the first time inside a transaction that rolls back. */
const FirstUseModel = defineModel<Entry>('contract_first_use', { name: { type: String, required: true } });

for (const engine of enginesUnderTest()) {
  describe(`store transactions on the ${engine.name} engine`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await engine.open();
    });
    afterAll(async () => {
      await store.close();
    });
    const entries = () => store.collection(EntryModel);

    it('stores the writes of a transaction together', async () => {
      await store.transaction(async () => {
        await entries().insertOne({ name: 'together' });
        await entries().insertOne({ name: 'together' });
        await entries().findOneAndUpdate({ name: 'together' }, { $set: { name: 'together, changed' } });
      });
      expect((await entries().find({ name: /^together/ }, { sort: { name: 1 } })).map((e) => e.name)).toEqual(['together', 'together, changed']);
    });

    it('stores none of the writes of a transaction that throws', async (context) => {
      if (!undoesFailedTransactions(store)) context.skip();
      const failed = store.transaction(async () => {
        await entries().insertOne({ name: 'undone' });
        await entries().updateMany({ name: /^together/ }, { $set: { name: 'undone too' } });
        throw new Error('the turn failed');
      });
      await expect(failed).rejects.toThrow('the turn failed');
      expect(await entries().count({ name: /^undone/ })).toBe(0);
      expect(await entries().count({ name: /^together/ })).toBe(2);
    });

    it('runs what waits for the commit after it — once for the outer transaction a nested one joins — and never after a rollback', async () => {
      const seen: string[] = [];
      await store.transaction(async () => {
        await entries().insertOne({ name: 'committed' });
        store.afterCommit(() => seen.push('after the commit'));
        await store.transaction(async () => store.afterCommit(() => seen.push('after the commit, from the nested one')));
        seen.push('end of the transaction');
      });
      expect(seen).toEqual(['end of the transaction', 'after the commit', 'after the commit, from the nested one']);

      const rolledBack = store.transaction(async () => {
        store.afterCommit(() => seen.push('after a rollback'));
        throw new Error('rolled back');
      });
      await expect(rolledBack).rejects.toThrow('rolled back');
      store.afterCommit(() => seen.push('outside any transaction, at once'));
      expect(seen.slice(3)).toEqual(['outside any transaction, at once']);
    });

    it('keeps working with a collection first used inside a transaction that rolled back', async () => {
      const failed = store.transaction(async () => {
        await store.collection(FirstUseModel).insertOne({ name: 'in the rolled-back transaction' });
        throw new Error('rolled back');
      });
      await expect(failed).rejects.toThrow('rolled back');
      await store.collection(FirstUseModel).insertOne({ name: 'after it' });
      expect((await store.collection(FirstUseModel).find({ name: 'after it' })).length).toBe(1);
    });
  });
}
