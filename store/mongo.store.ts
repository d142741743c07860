import { AsyncLocalStorage } from 'node:async_hooks';
import mongoose, { type Connection, type Model } from 'mongoose';
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
import { SEARCH_WORDS_FIELD, type SearchGroup } from '../models/define.js';
import { searchWords } from '../models/search-words.js';
import { defaultsOnRead } from './document-checker.js';
import { backfillSearchWords } from './mongo-backfill.js';
import { declaredIndexes, duplicatesPipeline, IndexBuildError, indexName, mongoshListCommand, type DeclaredIndex } from './indexes.js';

/**
 * The MongoDB engine: each call is one mongoose model call, kept this thin on purpose so that
 * what the embedded engine proves about our queries holds here too. Updates run mongoose's
 * update validators (`runValidators`), and reads (lean) fill in the defaults of fields a stored
 * document lacks — the same schema semantics as the embedded engine.
 */
export class MongoStore implements Store {
  readonly engine = 'mongodb' as const;
  private readonly collections = new Map<string, Collection<any>>();
  /** What runs once the caller's transaction has committed (see afterCommit). */
  private readonly committed = new AsyncLocalStorage<{ open: boolean; after: (() => void)[] }>();

  private constructor(
    readonly connection: Connection,
    /** A replica set or a sharded cluster: the deployments that support transactions. */
    readonly transactional: boolean,
  ) {}

  static async connect(uri: string): Promise<MongoStore> {
    // Operations inside connection.transaction() find their session by themselves.
    mongoose.set('transactionAsyncLocalStorage', true);
    // No background auto-index: ensureIndexes builds every index, awaited, before traffic.
    const connection = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 10_000, autoIndex: false }).asPromise();
    const hello = (await connection.db!.admin().command({ hello: 1 })) as { setName?: string; msg?: string };
    return new MongoStore(connection, Boolean(hello.setName) || hello.msg === 'isdbgrid');
  }

  /**
   * A session transaction on a replica set; elsewhere `fn` simply runs (its writes are not
   * undone when it throws). Note that MongoDB aborts a transaction at its first failed write —
   * a duplicate key included, even one the caller catches — so `fn` then fails as a whole.
   */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    // Inside a transaction already: join it.
    if (this.committed.getStore()?.open) return fn();
    const tx = { open: true, after: [] as (() => void)[] };
    try {
      const value = await this.committed.run(tx, () =>
        this.transactional && !openSession()
          ? this.connection.transaction(() => {
              // A retried attempt starts afresh.
              tx.after = [];
              return fn();
            })
          : fn(),
      );
      tx.open = false;
      for (const run of tx.after) run();
      return value;
    } finally {
      tx.open = false;
    }
  }

  afterCommit(fn: () => void): void {
    const tx = this.committed.getStore();
    // Work still running in an ended transaction's context is outside any transaction.
    if (tx?.open) tx.after.push(fn);
    else fn();
  }

  collection<T extends { _id: string }>(def: ModelDef<T>): Collection<T> {
    let c = this.collections.get(def.name);
    if (!c) {
      const model = this.connection.models[def.name] ?? this.connection.model(def.name, def.schema);
      c = new MongoCollection<T>(model, def.search, def.searchGroup);
      this.collections.set(def.name, c);
    }
    return c as Collection<T>;
  }

  /**
   * Registers every collection and builds each index its schema declares, one at a time and
   * awaited (run once at start, before traffic). An index that cannot be built raises an
   * IndexBuildError naming the collection and the index; for a unique index that documents
   * already break, how many and the mongosh command that lists them. Then fills in the folded
   * words of searchable documents stored before word search existed (once; `log` says how many).
   */
  async ensureIndexes(defs: readonly ModelDef<any>[], log?: (message: string) => void): Promise<void> {
    for (const def of defs) {
      this.collection(def);
      const model = this.connection.models[def.name]!;
      for (const index of declaredIndexes(def)) {
        try {
          await model.collection.createIndex(index.fields, index.options);
        } catch (err) {
          throw await indexError(model, index, err);
        }
      }
      // Documents stored before word search existed get their words, so that search finds them.
      const filled = def.search ? await backfillSearchWords(model.collection, def.search) : 0;
      if (filled) log?.(`mongodb: folded words filled in for ${filled} ${def.name} document(s) stored before word search existed`);
    }
  }

  isReady() {
    return this.connection.readyState === 1;
  }

  async close() {
    await this.connection.close();
  }
}

/** Documents the server sends at once to a `stream`. */
const STREAM_BATCH = 500;

/** The session of the transaction the caller runs in (mongoose keeps it in AsyncLocalStorage). */
const openSession = () =>
  (mongoose as unknown as { transactionAsyncLocalStorage?: { getStore(): { session?: unknown } | undefined } }).transactionAsyncLocalStorage?.getStore()?.session;

async function indexError(model: Model<any>, index: DeclaredIndex, err: unknown): Promise<IndexBuildError> {
  const collection = model.collection.collectionName;
  if ((err as { code?: number }).code === 11000) {
    const groups = await model.collection.aggregate<{ count: number }>(duplicatesPipeline(index)).toArray();
    const duplicates = groups.reduce((n, g) => n + g.count, 0);
    return new IndexBuildError(collection, indexName(index), { duplicates, listCommand: mongoshListCommand(collection, index) }, { cause: err });
  }
  return new IndexBuildError(collection, indexName(index), { reason: err instanceof Error ? err.message : String(err) }, { cause: err });
}

class MongoCollection<T extends { _id: string }> implements Collection<T> {
  /** Fills in the defaults of fields a stored document lacks (lean reads do not). */
  private readonly onRead: <D>(doc: D) => D;

  constructor(
    private readonly model: Model<any>,
    /** The field searched by words; its folded words are kept beside it. */
    private readonly search?: string,
    private readonly group?: SearchGroup,
  ) {
    this.onRead = defaultsOnRead(model.schema, (doc) => model.hydrate(doc).toObject({ versionKey: false }));
  }

  private read(doc: T | null): T | null {
    return doc ? this.onRead(doc) : null;
  }

  /** The update, plus the folded words of the search field when it changes. */
  private withWords(update: Update): Update {
    const field = this.search;
    if (!field) return update;
    const out: Record<string, Record<string, unknown>> = { ...(update as Record<string, Record<string, unknown>>) };
    for (const op of ['$set', '$setOnInsert'] as const) {
      const value = out[op]?.[field];
      if (typeof value === 'string') out[op] = { ...out[op], [SEARCH_WORDS_FIELD]: searchWords(value) };
    }
    if (out.$unset && field in out.$unset) out.$set = { ...out.$set, [SEARCH_WORDS_FIELD]: [] };
    return out;
  }

  private async guard<R>(op: () => Promise<R>): Promise<R> {
    try {
      return await op();
    } catch (err) {
      if ((err as { code?: number }).code === 11000) throw new DuplicateKeyError(this.model.modelName, { cause: err });
      if (err instanceof mongoose.Error.ValidationError || err instanceof mongoose.Error.CastError) {
        throw new ValidationFailedError(this.model.modelName, { cause: err });
      }
      throw err;
    }
  }

  insertOne(doc: NewDoc<T>): Promise<T> {
    const text = this.search ? (doc as Record<string, unknown>)[this.search] : undefined;
    const full = typeof text === 'string' ? { ...doc, [SEARCH_WORDS_FIELD]: searchWords(text) } : doc;
    return this.guard(async () => {
      const { [SEARCH_WORDS_FIELD]: _words, ...saved } = (await this.model.create(full)).toObject({ versionKey: false });
      return saved as T;
    });
  }

  findByWords(text: string, filter: Filter, options: FindOptions = {}): Promise<T[]> {
    if (!this.search) throw new Error(`${this.model.modelName} has no search field`);
    const words = searchWords(text);
    if (words.length === 0) return Promise.resolve([]);
    // Folded words hold only letters and digits: nothing to escape in the anchored patterns.
    return this.find({ $and: [filter, { [SEARCH_WORDS_FIELD]: { $all: words.map((w) => new RegExp(`^${w}`)) } }] }, options);
  }

  async groupsByWords(text: string, limit: number): Promise<string[]> {
    if (!this.group) throw new Error(`${this.model.modelName} has no word search groups`);
    const { by, when, newest } = this.group;
    const docs = await this.findByWords(text, when, { sort: { [newest]: -1 }, limit, fields: [by] });
    return [...new Set(docs.map((d) => (d as Record<string, unknown>)[by]).filter((k): k is string => typeof k === 'string'))];
  }

  findOne(filter: Filter, options: { sort?: Sort } = {}): Promise<T | null> {
    return this.guard(async () => this.read(await this.model.findOne(filter).sort(options.sort ?? {}).lean<T>().exec()));
  }

  find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    let q = this.model.find(filter).sort(options.sort ?? {});
    if (options.skip) q = q.skip(options.skip);
    if (options.limit) q = q.limit(options.limit);
    // A projection is read as stored (no defaults filled in for the fields left out).
    if (options.fields) return this.guard(() => q.select(['_id', ...options.fields!]).lean<T[]>().exec());
    return this.guard(async () => (await q.lean<T[]>().exec()).map((doc) => this.onRead(doc)));
  }

  count(filter: Filter): Promise<number> {
    return this.guard(() => this.model.countDocuments(filter).exec());
  }

  async *stream(filter: Filter, options: { fields?: readonly string[] } = {}): AsyncIterable<T> {
    let q = this.model.find(filter);
    if (options.fields) q = q.select(['_id', ...options.fields]);
    // A cursor: the server sends a batch at a time.
    for await (const doc of q.lean<T>().cursor({ batchSize: STREAM_BATCH })) yield options.fields ? (doc as T) : this.onRead(doc as T);
  }

  findOneAndUpdate(filter: Filter, update: Update, options: { upsert?: boolean; sort?: Sort } = {}): Promise<T | null> {
    return this.guard(async () =>
      this.read(
        await this.model
          .findOneAndUpdate(filter, this.withWords(update), {
            returnDocument: 'after',
            upsert: options.upsert ?? false,
            sort: options.sort,
            runValidators: true,
            setDefaultsOnInsert: true,
          })
          .lean<T>()
          .exec(),
      ),
    );
  }

  updateEach(ops: readonly UpdateOne[]): Promise<number> {
    if (ops.length === 0) return Promise.resolve(0);
    return this.guard(async () => {
      // A bulk write casts but does not run validators: each change's paths are validated first.
      for (const { update } of ops) {
        const set = (update as { $set?: Record<string, unknown> }).$set;
        if (set) await this.model.validate({ ...set }, Object.keys(set));
      }
      const result = await this.model.bulkWrite(
        ops.map((op) => ({ updateOne: { filter: op.filter, update: this.withWords(op.update) as never } })),
        { ordered: true },
      );
      return result.matchedCount;
    });
  }

  updateOne(filter: Filter, update: Update): Promise<boolean> {
    return this.guard(async () => (await this.model.updateOne(filter, this.withWords(update), { runValidators: true })).matchedCount > 0);
  }

  updateMany(filter: Filter, update: Update): Promise<number> {
    return this.guard(async () => (await this.model.updateMany(filter, this.withWords(update), { runValidators: true })).matchedCount);
  }

  deleteMany(filter: Filter): Promise<number> {
    return this.guard(async () => (await this.model.deleteMany(filter)).deletedCount);
  }
}
