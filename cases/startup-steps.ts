import { StartupStepModel } from '../models/index.js';
import type { Store } from '../store/index.js';

/**
 * Runs an idempotent start-up step unless it already ran against `key` (a version, a hash of the
 * list it used), then records the key; returns what the step returned, or null when skipped.
 * Two instances starting at once may both run it: each step must be safe to run twice.
 */
export async function onceFor<T>(store: Store, step: string, key: string, run: () => Promise<T>): Promise<T | null> {
  const steps = store.collection(StartupStepModel);
  if ((await steps.findOne({ _id: step }))?.key === key) return null;
  const result = await run();
  await steps.findOneAndUpdate({ _id: step }, { $set: { key } }, { upsert: true });
  return result;
}
