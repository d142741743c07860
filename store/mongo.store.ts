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
} from './store.js';

/**
 * The MongoDB engine: each call is one mongoose model call, kept this thin on purpose so that
 * what the embedded engine proves about our queries holds here too.
 */
export class MongoStore implements Store {
  readonly engine = 'mongodb' as const;
  private readonly collections = new Map<string, Collection<any>>();

  private constructor(
    readonly connection: Connection,
    /** A replica set or a sharded cluster: the deployments that support transactions. */
    private readonly transactional: boolean,
  ) {}

  static async connect(uri: string): Promise<MongoStore> {
    // Operations inside connection.transaction() find their session by themselves.
    mongoose.set('transactionAsyncLocalStorage', true);
    const connection = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 10_000 }).asPromise();
    const hello = (await connection.db!.admin().command({ hello: 1 })) as { setName?: string; msg?: string };
    return new MongoStore(connection, Boolean(hello.setName) || hello.msg === 'isdbgrid');
  }

  transaction<T>(fn: () => Promise<T>): Promise<T> {
    // Inside a transaction already: join it.
    if (!this.transactional || openSession()) return fn();
    return this.connection.transaction(() => fn());
  }

  collection<T extends { _id: string }>(def: ModelDef<T>): Collection<T> {
    let c = this.collections.get(def.name);
    if (!c) {
      const model = this.connection.models[def.name] ?? this.connection.model(def.name, def.schema);
      c = new MongoCollection<T>(model);
      this.collections.set(def.name, c);
    }
    return c as Collection<T>;
  }

  /** Builds every index the schemas declare (run once at start). */
  async syncIndexes() {
    await Promise.all(Object.values(this.connection.models).map((m) => m.createIndexes()));
  }

  isReady() {
    return this.connection.readyState === 1;
  }

  async close() {
    await this.connection.close();
  }
}

/** The session of the transaction the caller runs in (mongoose keeps it in AsyncLocalStorage). */
const openSession = () =>
  (mongoose as unknown as { transactionAsyncLocalStorage?: { getStore(): { session?: unknown } | undefined } }).transactionAsyncLocalStorage?.getStore()?.session;

class MongoCollection<T extends { _id: string }> implements Collection<T> {
  constructor(private readonly model: Model<any>) {}

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
    return this.guard(async () => (await this.model.create(doc)).toObject({ versionKey: false }) as T);
  }

  findOne(filter: Filter, options: { sort?: Sort } = {}): Promise<T | null> {
    return this.guard(() => this.model.findOne(filter).sort(options.sort ?? {}).lean<T>().exec());
  }

  find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    let q = this.model.find(filter).sort(options.sort ?? {});
    if (options.skip) q = q.skip(options.skip);
    if (options.limit) q = q.limit(options.limit);
    return this.guard(() => q.lean<T[]>().exec());
  }

  count(filter: Filter): Promise<number> {
    return this.guard(() => this.model.countDocuments(filter).exec());
  }

  findOneAndUpdate(filter: Filter, update: Update, options: { upsert?: boolean; sort?: Sort } = {}): Promise<T | null> {
    return this.guard(() =>
      this.model
        .findOneAndUpdate(filter, update, {
          returnDocument: 'after',
          upsert: options.upsert ?? false,
          sort: options.sort,
          runValidators: true,
          setDefaultsOnInsert: true,
        })
        .lean<T>()
        .exec(),
    );
  }

  updateMany(filter: Filter, update: Update): Promise<number> {
    return this.guard(async () => (await this.model.updateMany(filter, update, { runValidators: true })).matchedCount);
  }

  deleteMany(filter: Filter): Promise<number> {
    return this.guard(async () => (await this.model.deleteMany(filter)).deletedCount);
  }
}
