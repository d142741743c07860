import type { Schema } from 'mongoose';
import type { Update } from '../store.js';
import { encodeDoc } from './json-codec.js';

/** A plain update, validated, ready for SQL: stored JSON per `$set` path, paths to unset, increments. */
export interface LeanChange {
  set: Record<string, string>;
  unset: string[];
  inc: Record<string, number>;
}

interface PathType {
  instance: string;
  isRequired?: boolean;
  cast(value: unknown): unknown;
  doValidateSync(value: unknown, scope: unknown): Error | null | undefined;
}

interface EmbeddedType extends PathType {
  schema: Schema;
}

const SCALARS = new Set(['String', 'Number', 'Boolean', 'Date']);

/**
 * An update SQL can apply without reading the document — `$set`, `$unset` and `$inc` of
 * top-level scalar or single-nested fields of the schema — cast and validated path by path
 * with the schema's own validators (as MongoDB's `runValidators` does), `updatedAt` set. Null
 * for anything else: arrays, free-form values, dotted paths, other operators (the caller
 * validates the whole document instead). A value the schema refuses throws its error.
 */
export function leanChange(schema: Schema, update: Update, now: Date): LeanChange | null {
  const ops = update as { $set?: Record<string, unknown>; $unset?: Record<string, unknown>; $inc?: Record<string, unknown> };
  if (Object.keys(update).some((op) => op !== '$set' && op !== '$unset' && op !== '$inc')) return null;
  const typeOf = (p: string) => (p.includes('.') || p === '_id' ? undefined : (schema.path(p) as unknown as PathType | undefined));
  const change: LeanChange = { set: {}, unset: [], inc: {} };
  for (const [p, value] of Object.entries({ ...ops.$set, updatedAt: now })) {
    const type = typeOf(p);
    if (!type) return null;
    const cast = SCALARS.has(type.instance) ? scalar(type, value) : type.instance === 'Embedded' ? embedded(type as EmbeddedType, value) : undefined;
    if (cast === undefined) return null;
    change.set[p] = encodeDoc(cast as object);
  }
  for (const p of Object.keys(ops.$unset ?? {})) {
    const type = typeOf(p);
    if (!type || type.isRequired || p in change.set) return null;
    change.unset.push(p);
  }
  for (const [p, by] of Object.entries(ops.$inc ?? {})) {
    if (typeOf(p)?.instance !== 'Number' || typeof by !== 'number' || !Number.isFinite(by) || p in change.set) return null;
    change.inc[p] = by;
  }
  return change;
}

/** A scalar cast and validated by its schema type; null stays null (the validators say if it may). */
function scalar(type: PathType, value: unknown): unknown {
  const cast = value === null || value === undefined ? null : type.cast(value);
  const error = type.doValidateSync(cast, null);
  if (error) throw error;
  return cast;
}

/**
 * A single nested document of scalars, field by field as its schema says (defaults for what
 * is missing, unknown fields dropped); undefined when it holds more than scalars.
 */
function embedded(type: EmbeddedType, value: unknown): Record<string, unknown> | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [p, sub] of Object.entries(type.schema.paths as unknown as Record<string, PathType & { defaultValue?: unknown }>)) {
    if (!SCALARS.has(sub.instance)) return undefined;
    let v = (value as Record<string, unknown>)[p];
    if (v === undefined) v = typeof sub.defaultValue === 'function' ? (sub.defaultValue as () => unknown)() : sub.defaultValue;
    out[p] = scalar(sub, v);
  }
  return out;
}
