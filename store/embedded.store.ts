import fs from 'node:fs';
import path from 'node:path';
import NedbModule from '@seald-io/nedb';
import mongoose, { type Model } from 'mongoose';
import { find as mingoFind, update as mingoUpdate } from 'mingo';
import { newId } from '../models/ids.js';
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
} from './store.js';

type Doc = { _id: string } & Record<string, unknown>;

// NeDB is CommonJS typed as an ES default export: under NodeNext the class is the module itself.
type Datastore<T> = NedbModule.default<T>;
const Datastore = ((NedbModule as unknown as { default?: unknown }).default ?? NedbModule) as typeof NedbModule.default;

/**
 * The embedded engine: one NeDB file per collection under DATA_DIR (in memory when no
 * directory is given), queried with mingo so that filters and updates mean what they mean in
 * MongoDB. Writes to a collection are serialised, which makes findOneAndUpdate atomic within
 * this process — the embedded engine is for one process only.
 */
export class EmbeddedStore implements Store {
  readonly engine = 'embedded' as const;
  private readonly mongoose = new mongoose.Mongoose();
  private readonly collections = new Map<string, EmbeddedCollection<any>>();
  private closed = false;

  constructor(private readonly dir: string | null) {
    if (dir) fs.mkdirSync(dir, { recursive: true });
  }

  collection<T extends { _id: string }>(def: ModelDef<T>): Collection<T> {
    let c = this.collections.get(def.name);
    if (!c) {
      const model = this.mongoose.models[def.name] ?? this.mongoose.model(def.name, def.schema);
      const filename = this.dir ? path.join(this.dir, `${def.name}.db`) : undefined;
      c = new EmbeddedCollection<T>(def.name, model, filename);
      this.collections.set(def.name, c);
    }
    return c as EmbeddedCollection<T>;
  }

  isReady() {
    return !this.closed;
  }

  async close() {
    this.closed = true;
    await Promise.all([...this.collections.values()].map((c) => c.flush()));
  }
}

class EmbeddedCollection<T extends { _id: string }> implements Collection<T> {
  private readonly db: Datastore<Doc>;
  private readonly ready: Promise<void>;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly name: string,
    private readonly model: Model<any>,
    filename: string | undefined,
  ) {
    this.db = new Datastore<Doc>(filename ? { filename } : { inMemoryOnly: true });
    this.ready = this.init();
  }

  private async init() {
    await this.db.loadDatabaseAsync();
    const indexed = new Set<string>();
    for (const [fields, options] of this.model.schema.indexes()) {
      const names = Object.keys(fields);
      if (options?.unique) {
        await this.db.ensureIndexAsync({ fieldName: names.length === 1 ? names[0]! : names, unique: true, sparse: Boolean(options.sparse) });
        if (names.length === 1) indexed.add(names[0]!);
      }
      // Every field of every declared index gets a lookup index of its own, to narrow queries.
      for (const name of names) {
        if (indexed.has(name) || name.includes('.')) continue;
        await this.db.ensureIndexAsync({ fieldName: name });
        indexed.add(name);
      }
    }
    this.db.setAutocompactionInterval(5 * 60_000);
  }

  /** Runs `fn` after every earlier write to this collection has finished. */
  private serial<R>(fn: () => Promise<R>): Promise<R> {
    const run = this.queue.then(() => this.ready).then(fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async validated(doc: Doc): Promise<Doc> {
    const m = new this.model(doc);
    try {
      await m.validate();
    } catch (err) {
      throw new ValidationFailedError(this.name, { cause: err });
    }
    return m.toObject({ versionKey: false, depopulate: true }) as Doc;
  }

  private query(filter: Filter, options: FindOptions = {}): Doc[] {
    let cursor = mingoFind<Doc>(this.candidates(filter), filter);
    if (options.sort) cursor = cursor.sort(options.sort);
    if (options.skip) cursor = cursor.skip(options.skip);
    if (options.limit) cursor = cursor.limit(options.limit);
    return cursor.all() as Doc[];
  }

  /**
   * The documents a filter can match, narrowed with NeDB's indexes when the filter pins an
   * indexed field to a value (or `$in` values); mingo then applies the whole filter.
   */
  private candidates(filter: Filter): Doc[] {
    const indexes = (this.db as unknown as { indexes: Record<string, { getMatching(v: unknown): Doc[] }> }).indexes;
    let best: Doc[] | null = null;
    for (const [field, condition] of Object.entries(filter)) {
      const index = indexes[field];
      if (!index) continue;
      const values = pinnedValues(condition);
      if (!values) continue;
      const docs = index.getMatching(values.length === 1 ? values[0] : values);
      if (!best || docs.length < best.length) best = docs;
      if (best.length <= 1) break;
    }
    return best ?? this.db.getAllData();
  }

  private async write<R>(op: () => Promise<R>): Promise<R> {
    try {
      return await op();
    } catch (err) {
      if ((err as { errorType?: string }).errorType === 'uniqueViolated') throw new DuplicateKeyError(this.name, { cause: err });
      throw err;
    }
  }

  insertOne(doc: NewDoc<T>): Promise<T> {
    return this.serial(async () => {
      const now = new Date();
      const full = await this.validated({ createdAt: now, updatedAt: now, ...doc, _id: doc._id ?? newId() } as Doc);
      await this.write(() => this.db.insertAsync(full));
      return structuredClone(full) as unknown as T;
    });
  }

  async findOne(filter: Filter, options: { sort?: Sort } = {}): Promise<T | null> {
    await this.ready;
    const [doc] = this.query(filter, { ...options, limit: 1 });
    return doc ? (structuredClone(doc) as unknown as T) : null;
  }

  async find(filter: Filter, options?: FindOptions): Promise<T[]> {
    await this.ready;
    return structuredClone(this.query(filter, options)) as unknown as T[];
  }

  async count(filter: Filter): Promise<number> {
    await this.ready;
    return this.query(filter).length;
  }

  findOneAndUpdate(filter: Filter, update: Update, options: { upsert?: boolean; sort?: Sort } = {}): Promise<T | null> {
    return this.serial(async () => {
      const [current] = this.query(filter, { sort: options.sort, limit: 1 });
      if (!current) {
        if (!options.upsert) return null;
        const seed = equalityFields(filter);
        const now = new Date();
        const draft = applyUpdate({ createdAt: now, ...seed, _id: (seed._id as string) ?? newId() } as Doc, update, true);
        const full = await this.validated({ ...draft, updatedAt: now });
        await this.write(() => this.db.insertAsync(full));
        return structuredClone(full) as unknown as T;
      }
      const next = await this.validated({ ...applyUpdate(structuredClone(current), update, false), updatedAt: new Date() });
      await this.write(() => this.db.updateAsync({ _id: current._id }, next, {}));
      return structuredClone(next) as unknown as T;
    });
  }

  updateMany(filter: Filter, update: Update): Promise<number> {
    return this.serial(async () => {
      const matches = this.query(filter);
      for (const doc of matches) {
        const next = await this.validated({ ...applyUpdate(structuredClone(doc), update, false), updatedAt: new Date() });
        await this.write(() => this.db.updateAsync({ _id: doc._id }, next, {}));
      }
      return matches.length;
    });
  }

  deleteMany(filter: Filter): Promise<number> {
    return this.serial(async () => {
      const ids = this.query(filter).map((d) => d._id);
      if (ids.length === 0) return 0;
      return this.db.removeAsync({ _id: { $in: ids } }, { multi: true });
    });
  }

  async flush() {
    await this.queue;
    this.db.stopAutocompaction();
    await this.db.compactDatafileAsync();
  }
}

const isScalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** The values a filter condition pins a field to (`'x'`, `{ $eq: 'x' }`, `{ $in: [...] }`), or null. */
function pinnedValues(condition: unknown): unknown[] | null {
  if (isScalar(condition)) return [condition];
  if (condition && typeof condition === 'object' && !Array.isArray(condition) && !(condition instanceof Date) && !(condition instanceof RegExp)) {
    const c = condition as Record<string, unknown>;
    if (isScalar(c.$eq)) return [c.$eq];
    if (Array.isArray(c.$in) && c.$in.length > 0 && c.$in.every(isScalar)) return c.$in;
  }
  return null;
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
