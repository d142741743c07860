import { Schema, type SchemaDefinition } from 'mongoose';
import { newId } from './ids.js';

/** The definition of one collection, as the store takes it. */
export interface ModelDef<T extends { _id: string }> {
  readonly name: string;
  readonly schema: Schema;
  readonly __doc?: T;
}

/**
 * Declares a collection: string ids (the same on both engines), timestamps, no version key,
 * and strict schemas, so a field the schema does not know is dropped rather than stored.
 */
export function defineModel<T extends { _id: string }>(
  name: string,
  fields: SchemaDefinition,
  configure?: (schema: Schema) => void,
): ModelDef<T> {
  const schema = new Schema(
    { _id: { type: String, default: newId }, ...fields },
    { collection: name, timestamps: true, versionKey: false, strict: true, minimize: false },
  );
  configure?.(schema);
  return { name, schema };
}

/** A nested object stored without its own `_id`. */
export const sub = (fields: SchemaDefinition) => new Schema(fields, { _id: false });
