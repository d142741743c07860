/** A MongoDB query document (`{ status: { $in: [...] } }`); both engines give it MongoDB's meaning. */
export type Filter = Record<string, unknown>;
/** A MongoDB update document: `$set`, `$unset`, `$inc`, `$push`, `$pull`, `$addToSet`, `$setOnInsert`. */
export type Update = Record<string, unknown>;
export type Sort = Record<string, 1 | -1>;

export interface FindOptions {
  sort?: Sort;
  skip?: number;
  limit?: number;
  /**
   * Only these top-level fields (and `_id`) are read, for a sweep over many documents that needs
   * a few of their fields; a field the document lacks reads as absent or null (no defaults are
   * filled in).
   */
  fields?: readonly string[];
}

/** One change of {@link Collection.updateEach}: the update applies to the first document the filter matches. */
export interface UpdateOne {
  filter: Filter;
  update: Update;
}

export type { ModelDef } from '../models/define.js';
import type { ModelDef } from '../models/define.js';

export type DocOf<D> = D extends ModelDef<infer T> ? T : never;
/** What `insertOne` takes; the schema fills in defaults and rejects what is missing or wrong. */
export type NewDoc<T extends { _id: string }> = Partial<Omit<T, 'createdAt' | 'updatedAt'>>;

/**
 * One collection of documents with string `_id`s. Documents are validated against the
 * collection's mongoose schema on every write, in both engines.
 */
export interface Collection<T extends { _id: string }> {
  /** Inserts one document; `_id` is generated when missing. Throws DuplicateKeyError on a unique index clash. */
  insertOne(doc: NewDoc<T>): Promise<T>;
  findOne(filter: Filter, options?: { sort?: Sort }): Promise<T | null>;
  find(filter: Filter, options?: FindOptions): Promise<T[]>;
  count(filter: Filter): Promise<number>;
  /**
   * The matching documents one at a time, in no particular order, read a few hundred at a time:
   * for a sweep that counts or folds many documents (a quarter's report over 50,000 cases)
   * without holding them all in memory at once. Only the asked `fields` (and `_id`) when given,
   * as `find` reads them. Not a snapshot: a document changed or added while the sweep runs may
   * be read as it was or as it is, or (added) not at all.
   */
  stream(filter: Filter, options?: { fields?: readonly string[] }): AsyncIterable<T>;
  /**
   * Updates the first matching document atomically and returns it as it is after the update,
   * or null when none matched (an upsert inserts instead).
   */
  findOneAndUpdate(filter: Filter, update: Update, options?: { upsert?: boolean; sort?: Sort }): Promise<T | null>;
  /**
   * Documents whose search field (`defineModel(…, { search })`) holds every word of `text`,
   * each as a whole word or the start of one, ignoring case and diacritics ("bi danh" finds
   * "bị đánh"); narrowed by `filter`, sorted and paged as `find`. An index answers it on both
   * engines (SQLite FTS5; an indexed array of folded words on MongoDB). A text without letters
   * or digits finds nothing.
   */
  findByWords(text: string, filter: Filter, options?: FindOptions): Promise<T[]>;
  /**
   * The groups (`defineModel(…, { searchGroup })`: the values of its `by` field) that hold a
   * document of the group (matching its `when`) whose search field holds every word of `text`,
   * as `findByWords` matches them; the most recent groups first, at most `limit`. The embedded
   * engine reads them off its full-text index (the group that first appeared last first); MongoDB
   * takes the groups of the `limit` newest matching documents (by the group's `newest` field).
   */
  groupsByWords(text: string, limit: number): Promise<string[]>;
  /**
   * Updates the first matching document atomically, as `findOneAndUpdate` does, without
   * reading it back: true when one matched. For the hot paths that need no copy of the result
   * (on the embedded engine a plain `$set`/`$unset`/`$inc` is one SQL statement).
   */
  updateOne(filter: Filter, update: Update): Promise<boolean>;
  /** Returns how many documents matched. */
  updateMany(filter: Filter, update: Update): Promise<number>;
  /**
   * Many small updates at once, each to the first document its filter matches (a document no
   * longer matching is left alone: the filter can hold a version to claim on); validated as
   * every write. Returns how many matched. For sweeps that change thousands of documents: on
   * the embedded engine one transaction, and plain `$set`/`$unset`/`$inc` of schema fields are
   * applied in SQL without reading the documents; on MongoDB one bulk write.
   */
  updateEach(ops: readonly UpdateOne[]): Promise<number>;
  deleteMany(filter: Filter): Promise<number>;
}

/** The store: every collection the application has, on one engine. */
export interface Store {
  readonly engine: 'mongodb' | 'embedded';
  collection<T extends { _id: string }>(def: ModelDef<T>): Collection<T>;
  /**
   * Runs `fn` as one transaction: its writes commit together, or none of them when it throws.
   * Every store call made inside `fn` (awaited, directly or through services) belongs to it;
   * other callers' operations wait until it ends, so keep it short and do not wait inside it
   * for work started outside it. A nested call joins the transaction already open. On
   * MongoDB this is a session transaction when the deployment supports it (a replica set),
   * else `fn` simply runs.
   */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Runs `fn` once the transaction the caller is in has committed — never when it rolls back —
   * or at once when the caller is in none: for work that must not start before the writes are
   * there for everyone (waking the delivery of a message just enqueued). `fn` runs outside the
   * transaction, synchronously after the commit: a wake-up that must not throw, not work.
   */
  afterCommit(fn: () => void): void;
  /** True while the engine can serve requests (for `/readyz`). */
  isReady(): boolean;
  close(): Promise<void>;
}

export class DuplicateKeyError extends Error {
  readonly code = 'duplicate_key';
  constructor(collection: string, options?: { cause?: unknown }) {
    super(`duplicate key in ${collection}`, options);
    this.name = 'DuplicateKeyError';
  }
}

export class ValidationFailedError extends Error {
  readonly code = 'validation_failed';
  constructor(collection: string, options?: { cause?: unknown }) {
    super(`document rejected by the ${collection} schema`, options);
    this.name = 'ValidationFailedError';
  }
}

export const isDuplicateKey = (err: unknown): err is DuplicateKeyError => err instanceof DuplicateKeyError;
