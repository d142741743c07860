import type { ModelDef } from '../models/define.js';

/** One index a schema declares: its fields (`{ email: 1 }`) and options (`unique`, `sparse`, TTL…). */
export interface DeclaredIndex {
  fields: Record<string, 1 | -1>;
  options: { unique?: boolean; sparse?: boolean; name?: string; expireAfterSeconds?: number; [key: string]: unknown };
}

/** The indexes a collection's schema declares. */
export function declaredIndexes(def: ModelDef<any>): DeclaredIndex[] {
  return def.schema.indexes().map(([fields, options]) => ({
    fields: fields as Record<string, 1 | -1>,
    options: (options ?? {}) as DeclaredIndex['options'],
  }));
}

/** MongoDB's name for an index (`email_1`, `caseId_1_seq_1`), unless the schema names it. */
export const indexName = (index: DeclaredIndex) => index.options.name ?? Object.entries(index.fields).map(([f, d]) => `${f}_${d}`).join('_');

/**
 * An index that could not be built at start: the start stops with this one line, which names the
 * collection and the index, and for a unique index that documents already break, how many break
 * it and how to list them.
 */
export class IndexBuildError extends Error {
  readonly code = 'index_build_failed';
  constructor(
    readonly collection: string,
    readonly index: string,
    readonly detail: { duplicates?: number; listCommand?: string; reason?: string },
    options?: { cause?: unknown },
  ) {
    const what = `cannot build index ${index} on collection ${collection}`;
    const why =
      detail.duplicates !== undefined
        ? `${detail.duplicates} document(s) share a value this unique index forbids; list them with: ${detail.listCommand}`
        : (detail.reason ?? 'unknown reason');
    super(`${what}: ${why}`.replace(/\s*\n\s*/g, ' '), options);
    this.name = 'IndexBuildError';
  }
}

/**
 * The mongosh command that lists the groups of documents sharing a value of a unique index
 * (for a sparse index, only documents that have the fields).
 */
export function duplicatesPipeline(index: DeclaredIndex): Record<string, unknown>[] {
  const fields = Object.keys(index.fields);
  const group = Object.fromEntries(fields.map((f) => [f.replace(/\./g, '_'), `$${f}`]));
  const present = index.options.sparse ? [{ $match: Object.fromEntries(fields.map((f) => [f, { $exists: true }])) }] : [];
  return [...present, { $group: { _id: group, count: { $sum: 1 }, ids: { $push: '$_id' } } }, { $match: { count: { $gt: 1 } } }];
}

export const mongoshListCommand = (collection: string, index: DeclaredIndex) =>
  `db.getCollection(${JSON.stringify(collection)}).aggregate(${JSON.stringify(duplicatesPipeline(index))})`;

const isUniqueViolation = (err: unknown) => {
  const e = err as { code?: unknown; errorType?: unknown };
  return e.errorType === 'uniqueViolated' || /^SQLITE_CONSTRAINT_(UNIQUE|PRIMARYKEY)$/.test(String(e.code ?? ''));
};

/**
 * An engine's failure to build a collection's indexes, as an IndexBuildError: the unique index
 * that the error names (or the only one the collection has).
 */
export function indexErrorFrom(def: ModelDef<any>, err: unknown): IndexBuildError {
  const message = err instanceof Error ? err.message : String(err);
  if (!isUniqueViolation(err)) return new IndexBuildError(def.name, 'its indexes', { reason: message }, { cause: err });
  const unique = declaredIndexes(def).filter((i) => i.options.unique);
  const named = unique.length === 1 ? unique[0] : unique.find((i) => Object.keys(i.fields).every((f) => message.includes(f.replace(/\./g, '_')) || message.includes(f)));
  const index = named ? indexName(named) : `one of ${unique.map(indexName).join(', ') || 'its unique keys'}`;
  return new IndexBuildError(def.name, index, { reason: `documents already share a value this unique index forbids (${message})` }, { cause: err });
}
