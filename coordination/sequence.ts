import { SequenceModel } from '../models/index.js';
import { isDuplicateKey, type Store } from '../store/index.js';

/**
 * The next number of the sequence `name` (1, 2, 3, …), given out by the store in one atomic
 * `$inc`: every instance of the application draws from the same sequence, so numbers only grow
 * whichever instance draws them (a process clock would not promise that across machines).
 */
export async function nextInSequence(store: Store, name: string, options: { startAfter?: () => Promise<number> } = {}): Promise<number> {
  const sequences = store.collection(SequenceModel);
  const draw = () => sequences.findOneAndUpdate({ _id: name }, { $inc: { value: 1 } });
  const drawn = await draw();
  if (drawn) return drawn.value;
  // A new sequence starts after `startAfter` (numbers given out before it existed).
  const start = (await options.startAfter?.()) ?? 0;
  try {
    await sequences.insertOne({ _id: name, value: start });
  } catch (err) {
    // Two instances starting the same sequence at once: one creates it, both draw from it.
    if (!isDuplicateKey(err)) throw err;
  }
  const doc = await draw();
  if (!doc) throw new Error(`sequence ${name} was not drawn`);
  return doc.value;
}

/** Forgets a sequence (e.g. when what it numbered is erased). */
export async function dropSequence(store: Store, name: string): Promise<void> {
  await store.collection(SequenceModel).deleteMany({ _id: name });
}
