import { Schema, type SchemaDefinition } from 'mongoose';
import { newId } from './ids.js';

/** The definition of one collection, as the store takes it. */
export interface ModelDef<T extends { _id: string }> {
  readonly name: string;
  readonly schema: Schema;
  /** The text field searched by words (`Collection.findByWords`), if any. */
  readonly search?: string;
  /** How `Collection.groupsByWords` groups the searched documents, if it is asked of this collection. */
  readonly searchGroup?: SearchGroup;
  /**
   * Fields the embedded engine keeps counts of documents by (a small table kept by SQLite
   * triggers), so that a count filtering on these fields alone reads a few rows, not an index
   * range of every matching document. MongoDB counts with its indexes as usual.
   */
  readonly tally?: readonly string[];
  readonly __doc?: T;
}

/**
 * Documents searched by words as groups (the child's messages, by case): the group is the value
 * of `by`, only documents matching `when` (a filter on fields that never change) belong to one,
 * and `newest` is the field that orders them in time (MongoDB keeps the newest groups by it).
 */
export interface SearchGroup {
  by: string;
  when: Record<string, string | number | boolean>;
  newest: string;
}

/**
 * Where MongoDB keeps the folded words of a searchable field (an indexed array, searched with
 * anchored regular expressions). The embedded engine keeps them in a full-text index instead.
 */
export const SEARCH_WORDS_FIELD = 'searchWords';

/**
 * Declares a collection: string ids (the same on both engines), timestamps, no version key,
 * and strict schemas, so a field the schema does not know is dropped rather than stored.
 */
export function defineModel<T extends { _id: string }>(
  name: string,
  fields: SchemaDefinition,
  configure?: (schema: Schema) => void,
  options: { search?: string; searchGroup?: SearchGroup; tally?: readonly string[] } = {},
): ModelDef<T> {
  const schema = new Schema(
    { _id: { type: String, default: newId }, ...fields },
    { collection: name, timestamps: true, versionKey: false, strict: true, minimize: false },
  );
  configure?.(schema);
  if (options.search) {
    schema.add({ [SEARCH_WORDS_FIELD]: { type: [String], default: undefined, select: false } });
    schema.index({ [SEARCH_WORDS_FIELD]: 1 });
  }
  return {
    name,
    schema,
    ...(options.search ? { search: options.search } : {}),
    ...(options.search && options.searchGroup ? { searchGroup: options.searchGroup } : {}),
    ...(options.tally ? { tally: options.tally } : {}),
  };
}

/** A nested object stored without its own `_id`. */
export const sub = (fields: SchemaDefinition) => new Schema(fields, { _id: false });
