import type { AnyBulkWriteOperation, Collection as DriverCollection, Document } from 'mongodb';
import { SEARCH_WORDS_FIELD } from '../models/define.js';
import { searchWords } from '../models/search-words.js';

const BATCH = 500;

/**
 * Gives every document of a searchable collection stored before word search existed (no
 * `searchWords` array beside its text) the folded words of its text, in batches, through the
 * driver: no validators, and `updatedAt` stays as it was. Idempotent: a document is written
 * once, when it lacks the words (one without text gets an empty list). Returns how many were
 * filled in. MongoDB only; the embedded engine builds its word index from the documents.
 */
export async function backfillSearchWords(collection: DriverCollection<Document>, field: string): Promise<number> {
  const missing = { [SEARCH_WORDS_FIELD]: { $exists: false } };
  let filled = 0;
  for (;;) {
    const docs = await collection.find(missing, { projection: { _id: 1, [field]: 1 }, limit: BATCH }).toArray();
    if (docs.length === 0) return filled;
    const ops: AnyBulkWriteOperation<Document>[] = docs.map((doc) => {
      const text = doc[field];
      return {
        updateOne: {
          // Still without words: a write that came in meanwhile (with its words) is left alone.
          filter: { _id: doc._id, ...missing },
          update: { $set: { [SEARCH_WORDS_FIELD]: typeof text === 'string' ? searchWords(text) : [] } },
        },
      };
    });
    await collection.bulkWrite(ops, { ordered: false });
    filled += docs.length;
  }
}
