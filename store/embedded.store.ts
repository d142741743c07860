import path from 'node:path';
import mongoose, { type Model, type Schema } from 'mongoose';
import { update as mingoUpdate } from 'mingo';
import { newId } from '../models/ids.js';
import { SEARCH_WORDS_FIELD } from '../models/define.js';
import { searchWords } from '../models/search-words.js';
import {
  DuplicateKeyError,
  ValidationFailedError,
  type Collection,
  type Filter,
  type FindOptions,
  type ModelDef,
  type NewDoc,
  type Sort,
  type Store,
  type Update,
  type UpdateOne,
} from './store.js';
import type { FieldType, TypeOf } from './sqlite/filter-sql.js';
import { isUniqueViolation, JsonTable, type Doc, type IndexSpec } from './sqlite/json-table.js';
import { leanChange } from './sqlite/lean-update.js';
import type { WordSearch } from './sqlite/word-index.js';
import { DATABASE_FILE, SqliteDatabase } from './sqlite/sqlite-database.js';
import { defaultsOnRead, DocumentChecker, SchemaRefusal, validatedByUpdate } from './document-checker.js';

/**
 * The embedded engine: one SQLite database file under DATA_DIR (in memory when no directory is
 * given), each collection a table of JSON documents with the schema's indexes. Filters and
 * updates mean what they mean in MongoDB (SQL answers the indexable part, mingo the rest), and
 * every written document is checked once by the collection's mongoose schema (document-checker.ts:
 * cast, defaults, validators; an update's validators on the paths it names, as MongoDB runs
 * them). Reads fill in the defaults of fields added after a document was stored. For one process.
 */
export class EmbeddedStore implements Store {
  readonly engine = 'embedded' as const;
  readonly database: SqliteDatabase;
  private readonly mongoose = new mongoose.Mongoose();
  private readonly collections = new Map<string, EmbeddedCollection<any>>();
  private closed = false;

  /**
   * `checked`: the file passed the start-up integrity check already (see SqliteDatabase.open);
   * `log` hears when the write-ahead log cannot be checkpointed in its own thread.
   */
  constructor(dir: string | null, options: { checked?: boolean; log?: (message: string) => void } = {}) {
    this.database = SqliteDatabase.open(dir ? path.join(dir, DATABASE_FILE) : ':memory:', options);
  }

  collection<T extends { _id: string }>(def: ModelDef<T>): Collection<T> {
    let c = this.collections.get(def.name);
    if (!c) {
      const model = this.mongoose.models[def.name] ?? this.mongoose.model(def.name, def.schema);
      c = new EmbeddedCollection<T>(this.database, model, def.search ? { field: def.search, ...(def.searchGroup ? { group: def.searchGroup } : {}) } : undefined, def.tally);
      this.collections.set(def.name, c);
      // Its table, made inside an open transaction, goes if that rolls back: make it again then.
      this.database.onRollback(() => this.collections.delete(def.name));
    }
    return c as EmbeddedCollection<T>;
  }

  /** How SQLite runs a find on a collection (for tests and measurements). */
  explain<T extends { _id: string }>(def: ModelDef<T>, filter: Filter, options?: FindOptions) {
    return (this.collection(def) as unknown as EmbeddedCollection<T>).table.explain(filter, options);
  }

  /** How SQLite runs a count on a collection (for tests and measurements). */
  explainCount<T extends { _id: string }>(def: ModelDef<T>, filter: Filter): string[] {
    return (this.collection(def) as unknown as EmbeddedCollection<T>).table.explainCount(filter);
  }

  transaction<R>(fn: () => Promise<R>): Promise<R> {
    return this.database.transaction(fn);
  }

  afterCommit(fn: () => void): void {
    this.database.afterCommit(fn);
  }

  isReady() {
    return !this.closed;
  }

  async close() {
    if (this.closed) return;
    this.closed = true;
    await this.database.close();
  }
}

/** Documents read at once by `stream`. */
const STREAM_BATCH = 500;

const SCALARS: Record<string, FieldType> = { String: 'string', Number: 'number', Boolean: 'boolean', Date: 'date' };

/** What SQL may assume about a path of the schema: a scalar type, unless an array or free-form value is on the way. */
export function schemaTypeOf(schema: Schema): TypeOf {
  const cache = new Map<string, FieldType | null>();
  return (p) => {
    if (!cache.has(p)) {
      const segments = p.split('.');
      const through = segments.slice(0, -1).map((_, i) => schema.path(segments.slice(0, i + 1).join('.')));
      const blocked = through.some((t) => t && t.instance !== 'Embedded');
      cache.set(p, blocked ? null : (SCALARS[schema.path(p)?.instance ?? ''] ?? null));
    }
    return cache.get(p)!;
  };
}

export function schemaIndexes(schema: Schema): IndexSpec[] {
  return schema.indexes().map(([fields, options]) => ({
    fields: Object.entries(fields).map(([p, d]) => [p, d === -1 ? -1 : 1] as [string, 1 | -1]),
    unique: Boolean(options?.unique),
    sparse: Boolean(options?.sparse),
  }));
}

class EmbeddedCollection<T extends { _id: string }> implements Collection<T> {
  readonly table: JsonTable;
  private readonly name: string;
  /** The schema applied to plain objects; null when it has a type the checker does not handle. */
  private readonly checker: DocumentChecker | null;
  private readonly onRead: <D>(doc: D) => D;

  constructor(
    private readonly database: SqliteDatabase,
    private readonly model: Model<any>,
    search?: WordSearch,
    tally?: readonly string[],
  ) {
    this.name = model.modelName;
    const types = schemaTypeOf(model.schema);
    const indexes = schemaIndexes(model.schema).filter((i) => !i.fields.some(([p]) => p === SEARCH_WORDS_FIELD));
    this.table = new JsonTable(database, this.name, (p) => (p.startsWith('_id.') ? null : types(p)), indexes, search, tally).create();
    this.checker = DocumentChecker.compile(model.schema);
    this.onRead = defaultsOnRead(model.schema, (doc) => model.hydrate(doc).toObject({ versionKey: false }));
  }

  /**
   * The document as the schema makes it: cast, defaults filled, unknown fields dropped,
   * validated — every path, or (`validate`) those an update names.
   */
  private async validated(doc: Doc, validate?: (path: string) => boolean): Promise<Doc> {
    try {
      if (this.checker) return this.checker.check(doc, validate) as Doc;
      const m = new this.model(doc);
      await m.validate();
      return m.toObject({ versionKey: false, depopulate: true }) as Doc;
    } catch (err) {
      if (err instanceof SchemaRefusal || err instanceof mongoose.Error.ValidationError) throw new ValidationFailedError(this.name, { cause: err });
      throw err;
    }
  }

  private guard<R>(op: () => R): R {
    try {
      return op();
    } catch (err) {
      if (isUniqueViolation(err)) throw new DuplicateKeyError(this.name, { cause: err });
      throw err;
    }
  }

  insertOne(doc: NewDoc<T>): Promise<T> {
    return this.database.write(async () => {
      const now = new Date();
      const full = await this.validated({ createdAt: now, updatedAt: now, ...doc, _id: doc._id ?? newId() } as Doc);
      this.guard(() => this.table.insert(full));
      return full as unknown as T;
    });
  }

  findOne(filter: Filter, options: { sort?: Sort } = {}): Promise<T | null> {
    return this.database.read(() => {
      const [doc] = this.table.find(filter, { sort: options.sort, limit: 1 });
      return doc ? this.onRead(doc as unknown as T) : null;
    });
  }

  find(filter: Filter, options?: FindOptions): Promise<T[]> {
    // A projection is read as stored (no defaults filled in for the fields left out).
    if (options?.fields) return this.database.read(() => this.table.find(filter, options) as unknown as T[]);
    return this.database.read(() => this.table.find(filter, options).map((doc) => this.onRead(doc as unknown as T)));
  }

  findByWords(text: string, filter: Filter, options?: FindOptions): Promise<T[]> {
    const docs = () => this.table.findByWords(searchWords(text), filter, options) as unknown as T[];
    return this.database.read(() => (options?.fields ? docs() : docs().map((doc) => this.onRead(doc))));
  }

  groupsByWords(text: string, limit: number): Promise<string[]> {
    return this.database.read(() => this.table.groupsByWords(searchWords(text), limit));
  }

  count(filter: Filter): Promise<number> {
    return this.database.read(() => this.table.count(filter));
  }

  /** One statement read a batch at a time, each batch once no other caller's transaction is open. */
  async *stream(filter: Filter, options: { fields?: readonly string[] } = {}): AsyncIterable<T> {
    const cursor = await this.database.read(() => this.table.cursor(filter, options.fields));
    try {
      for (let done = false; !done; ) {
        const batch = await this.database.read(() => cursor.next(STREAM_BATCH));
        done = batch.done;
        for (const doc of batch.docs) yield options.fields ? (doc as unknown as T) : this.onRead(doc as unknown as T);
      }
    } finally {
      cursor.close();
    }
  }

  findOneAndUpdate(filter: Filter, update: Update, options: { upsert?: boolean; sort?: Sort } = {}): Promise<T | null> {
    return this.database.write(async () => {
      // A plain update is one statement that also reads the document back; an upsert that
      // matched nothing, or what SQL cannot do alone, takes the general way.
      const updated = this.inPlaceReturning(filter, update, options.sort);
      if (updated) return this.onRead(updated as unknown as T);
      if (updated === null && !options.upsert) return null;
      const [current] = this.table.rows(filter, { sort: options.sort, limit: 1 });
      if (!current) {
        if (!options.upsert) return null;
        const seed = equalityFields(filter);
        const now = new Date();
        const draft = applyUpdate({ createdAt: now, ...seed, _id: (seed._id as string) ?? newId() } as Doc, update, true);
        const full = await this.validated({ ...draft, updatedAt: now });
        this.guard(() => this.table.insert(full));
        return full as unknown as T;
      }
      const before = this.table.words ? structuredClone(current.doc) : undefined;
      const next = await this.validated({ ...applyUpdate(current.doc, update, false), updatedAt: new Date() }, validatedByUpdate(update, false));
      this.guard(() => this.table.replace(current.rowid, next, before));
      this.table.purgeErasedWords();
      return next as unknown as T;
    });
  }

  async updateOne(filter: Filter, update: Update): Promise<boolean> {
    const done = await this.database.write(() => this.inPlace(filter, update, false));
    // What SQL cannot do alone takes the general way: read, apply, validate the whole document.
    return done === null ? (await this.findOneAndUpdate(filter, update)) !== null : done > 0;
  }

  updateMany(filter: Filter, update: Update): Promise<number> {
    return this.database.write(async () => {
      const inPlace = this.inPlace(filter, update, true);
      if (inPlace !== null) return inPlace;
      const rows = this.table.rows(filter);
      const now = new Date();
      const next: Doc[] = [];
      const before = rows.map((row) => (this.table.words ? structuredClone(row.doc) : undefined));
      const validate = validatedByUpdate(update, false);
      for (const row of rows) next.push(await this.validated({ ...applyUpdate(row.doc, update, false), updatedAt: now }, validate));
      this.guard(() => this.database.atomically(() => rows.forEach((row, i) => this.table.replace(row.rowid, next[i]!, before[i]))));
      this.table.purgeErasedWords();
      return rows.length;
    });
  }

  /** A plain update applied in SQL without reading the documents (see leanChange); null when it is not one. */
  private inPlace(filter: Filter, update: Update, many: boolean): number | null {
    const change = this.leanOf(update);
    return change ? this.guard(() => this.table.updateInPlace(filter, change, many)) : null;
  }

  /** {@link inPlace} for one document, read back after the update; undefined when it is not a plain update. */
  private inPlaceReturning(filter: Filter, update: Update, sort?: Sort): Doc | null | undefined {
    // `$setOnInsert` applies only when an upsert inserts, which is not this way.
    const { $setOnInsert: _onInsert, ...onUpdate } = update as Update & { $setOnInsert?: unknown };
    const change = this.leanOf(onUpdate);
    return change ? this.guard(() => this.table.updateOneReturning(filter, change, sort)) : undefined;
  }

  /** The update as a plain change SQL can apply (see leanChange), checked by the schema; null when it is not one. */
  private leanOf(update: Update) {
    if (!this.checker) return null;
    try {
      return leanChange(this.checker, update, new Date());
    } catch (err) {
      throw new ValidationFailedError(this.name, { cause: err });
    }
  }

  updateEach(ops: readonly UpdateOne[]): Promise<number> {
    return this.database.transaction(async () => {
      let matched = 0;
      for (const op of ops) {
        const done = await this.database.write(() => this.inPlace(op.filter, op.update, false));
        // What SQL cannot do alone takes the general way: read, apply, validate the whole document.
        if (done === null) matched += (await this.findOneAndUpdate(op.filter, op.update)) ? 1 : 0;
        else matched += done;
      }
      return matched;
    });
  }

  deleteMany(filter: Filter): Promise<number> {
    return this.database.write(() => {
      const deleted = this.table.delete(filter).length;
      this.table.purgeErasedWords();
      return deleted;
    });
  }
}

/** Applies a MongoDB update document; `$setOnInsert` counts only when inserting. */
function applyUpdate(doc: Doc, update: Update, inserting: boolean): Doc {
  for (const [op, expr] of Object.entries(update)) {
    if (op === '$setOnInsert') {
      if (inserting) mingoUpdate(doc, { $set: expr as Record<string, unknown> });
      continue;
    }
    if (!op.startsWith('$')) throw new Error('replacement updates are not supported; use $set');
    mingoUpdate(doc, { [op]: expr } as never);
  }
  return doc;
}

/** The `field: value` equalities of a filter, which an upsert copies into the new document. */
function equalityFields(filter: Filter): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(filter).filter(([k, v]) => !k.startsWith('$') && (typeof v !== 'object' || v === null || v instanceof Date)),
  );
}
