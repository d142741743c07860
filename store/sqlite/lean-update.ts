import type { DocumentChecker } from '../document-checker.js';
import type { Update } from '../store.js';
import { encodeDoc } from './json-codec.js';

/** A plain update, validated, ready for SQL: stored JSON per `$set` path, paths to unset, increments. */
export interface LeanChange {
  set: Record<string, string>;
  unset: string[];
  inc: Record<string, number>;
}

/**
 * An update SQL can apply without reading the document — `$set`, `$unset` and `$inc` of
 * top-level fields of the schema — each named field cast and validated by the collection's
 * schema checker (only the paths the update names, as MongoDB's `runValidators` does),
 * `updatedAt` set. Null for anything else: dotted paths, other operators, a field the schema
 * does not have (the caller takes the general way). A value the schema refuses throws its
 * SchemaRefusal.
 */
export function leanChange(checker: DocumentChecker, update: Update, now: Date): LeanChange | null {
  const ops = update as { $set?: Record<string, unknown>; $unset?: Record<string, unknown>; $inc?: Record<string, unknown> };
  if (Object.keys(update).some((op) => op !== '$set' && op !== '$unset' && op !== '$inc')) return null;
  const topLevel = (p: string) => !p.includes('.') && p !== '_id';
  const change: LeanChange = { set: {}, unset: [], inc: {} };
  for (const [p, value] of Object.entries({ ...ops.$set, updatedAt: now })) {
    const checked = topLevel(p) ? checker.checkField(p, value) : null;
    if (!checked) return null;
    change.set[p] = encodeDoc(checked.value as object);
  }
  for (const p of Object.keys(ops.$unset ?? {})) {
    if (!topLevel(p) || p in change.set || !checker.checkField(p, null)) return null;
    change.unset.push(p);
  }
  for (const [p, by] of Object.entries(ops.$inc ?? {})) {
    if (!topLevel(p) || p in change.set || typeof by !== 'number' || !Number.isFinite(by)) return null;
    // `$inc` runs no validators, as on MongoDB.
    if (checker.instanceOf(p) !== 'Number') return null;
    change.inc[p] = by;
  }
  return change;
}
