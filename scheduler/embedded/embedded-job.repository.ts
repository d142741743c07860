import assert from 'node:assert';
import nedb from '@seald-io/nedb';
import { find, update } from 'mingo';
import { computeJobState } from 'agenda';
import type { JobParameters, JobRepository, JobRepositoryOptions, JobsOverview, JobsQueryOptions, JobsResult, RemoveJobsOptions } from 'agenda';
import {
  assertSafeUniqueQuery,
  debouncedFields,
  equalityFields,
  filterFromOptions,
  filterFromQuery,
  hasState,
  toJob,
  toSort,
  toStoredFields,
  withoutLock,
  withState,
  type Query,
  type StoredJob,
} from './embedded-job.queries.js';

// NeDB's typings declare an ES default export, but the package is CommonJS whose
// module.exports is the class: under NodeNext the default import is typed as the module.
const Datastore = ((nedb as { default?: unknown }).default ?? nedb) as typeof nedb.default;
type Datastore<S> = import('@seald-io/nedb').default<S>;

/** Options for {@link EmbeddedJobRepository}. */
export interface EmbeddedJobRepositoryOptions {
  /** NeDB data file; the store is in memory only when omitted. */
  filename?: string | undefined;
  /** How often NeDB rewrites its append-only file, in ms (NeDB enforces at least 5 s). */
  autocompactionIntervalMs?: number | undefined;
}

// The order MongoJobRepository uses to pick the next job: earliest first, then most urgent.
const NEXT_JOB_SORT = { nextRunAt: 1, priority: -1 } as const;

/**
 * agenda's {@link JobRepository} on NeDB, a port of `@agendajs/mongo-backend`'s
 * MongoJobRepository: same queries (run by mingo, so they mean what they mean in MongoDB),
 * same stored shape, same single/unique/debounce rules. NeDB lives in this process, so every
 * write goes through one queue: read-then-write steps (locking, upserts) are then atomic, which
 * is what MongoDB's findOneAndUpdate gives. One process, and one instance, per data file.
 */
export class EmbeddedJobRepository implements JobRepository {
  private readonly db: Datastore<Record<string, unknown>>;
  private loading: Promise<void> | undefined;
  private writes: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: EmbeddedJobRepositoryOptions = {}) {
    this.db = new Datastore(options.filename ? { filename: options.filename } : { inMemoryOnly: true });
  }

  /** Loads the data file (once) and starts periodic compaction of it. */
  async connect(): Promise<void> {
    await this.loaded();
    if (this.options.filename) this.db.setAutocompactionInterval(this.options.autocompactionIntervalMs ?? 60_000);
  }

  /**
   * Stops compaction and, once queued writes are done, rewrites the file compactly. The data
   * stays readable: agenda does not reconnect if it is started again after stop().
   */
  async disconnect(): Promise<void> {
    this.db.stopAutocompaction();
    await this.writes;
    // A file that never loaded has nothing to compact (and its error was reported already).
    const loaded = await this.loading?.then(() => true, () => false);
    if (this.options.filename && loaded) await this.db.compactDatafileAsync();
  }

  async getJobById(id: string): Promise<JobParameters | null> {
    if (typeof id !== 'string') return null;
    const [doc] = await this.select({ _id: id });
    return doc ? toJob(doc) : null;
  }

  async queryJobs(options: JobsQueryOptions = {}): Promise<JobsResult> {
    const { state, sort, skip = 0, limit = 0 } = options;
    const now = new Date();
    // State is computed, not stored, so a state filter runs here; pagination comes after it.
    const jobs = (await this.select(filterFromQuery(options), { sort: toSort(sort) }))
      .map((doc) => withState(doc, now))
      .filter((job) => hasState(job, state));
    return { jobs: limit > 0 ? jobs.slice(skip, skip + limit) : jobs.slice(skip), total: jobs.length };
  }

  async getJobsOverview(): Promise<JobsOverview[]> {
    const now = new Date();
    const docs = await this.select({});
    return (await this.getDistinctJobNames()).map((name) => {
      const overview: JobsOverview = { name, total: 0, running: 0, scheduled: 0, queued: 0, completed: 0, failed: 0, repeating: 0, paused: 0 };
      for (const doc of docs) {
        if (doc.name !== name) continue;
        overview.total++;
        overview[computeJobState(toJob(doc), now)]++;
        // As in MongoDB: a paused job also counts under its timestamp-derived state.
        if (doc.disabled === true) overview.paused++;
      }
      return overview;
    });
  }

  async getDistinctJobNames(): Promise<string[]> {
    const docs = await this.select({});
    return [...new Set(docs.map((d) => d.name as string))].sort();
  }

  async getQueueSize(): Promise<number> {
    return (await this.select({ nextRunAt: { $lt: new Date() } })).length;
  }

  removeJobs(options: RemoveJobsOptions): Promise<number> {
    const query = filterFromOptions(options);
    if (!query) return Promise.resolve(0);
    return this.exclusive(async () => {
      const ids = (await this.select(query)).map((d) => d._id);
      return ids.length === 0 ? 0 : this.db.removeAsync({ _id: { $in: ids } }, { multi: true });
    });
  }

  disableJobs(options: RemoveJobsOptions): Promise<number> {
    return this.setDisabled(options, true);
  }

  enableJobs(options: RemoveJobsOptions): Promise<number> {
    return this.setDisabled(options, false);
  }

  purgeAllJobs(): Promise<number> {
    return this.exclusive(async () => {
      await this.loaded();
      return this.db.removeAsync({}, { multi: true });
    });
  }

  async unlockJob(job: JobParameters): Promise<void> {
    if (!job._id) return;
    // Only jobs that are not running right now: a running one-time job has nextRunAt null.
    await this.updateFirst({ _id: String(job._id), nextRunAt: { $ne: null } }, (doc) => withoutLock(doc));
  }

  async unlockJobs(jobIds: string[]): Promise<void> {
    if (jobIds.length === 0) return;
    const ids = jobIds.map(String);
    await this.exclusive(async () => {
      for (const doc of await this.select({ _id: { $in: ids } })) await this.replace(withoutLock(doc));
    });
  }

  async lockJob(job: JobParameters, options: JobRepositoryOptions | undefined): Promise<JobParameters | undefined> {
    if (!job._id) return undefined;
    const criteria = { _id: String(job._id), name: job.name, lockedAt: null, nextRunAt: job.nextRunAt ?? null, disabled: { $ne: true } };
    const locked = await this.updateFirst(criteria, (doc) => ({ ...doc, lockedAt: new Date(), lastModifiedBy: options?.lastModifiedBy ?? null }));
    return locked ? toJob(locked) : undefined;
  }

  async getNextJobToRun(
    jobName: string,
    nextScanAt: Date,
    lockDeadline: Date,
    now: Date | undefined,
    options: JobRepositoryOptions | undefined,
  ): Promise<JobParameters | undefined> {
    const lockedAt = now ?? new Date();
    // Due before the next scan and not locked, or locked by a run whose lock has expired.
    const criteria = {
      name: jobName,
      disabled: { $ne: true },
      $or: [{ lockedAt: { $eq: null }, nextRunAt: { $lte: nextScanAt } }, { lockedAt: { $lte: lockDeadline } }],
    };
    const locked = await this.updateFirst(criteria, (doc) => ({ ...doc, lockedAt, lastModifiedBy: options?.lastModifiedBy ?? null }), NEXT_JOB_SORT);
    return locked ? toJob(locked) : undefined;
  }

  async saveJobState(job: JobParameters, options: JobRepositoryOptions | undefined): Promise<void> {
    if (!job._id) throw new Error('Cannot save job state without job ID');
    const date = (d: Date | undefined) => (d ? new Date(d) : null);
    const state = {
      lockedAt: date(job.lockedAt),
      nextRunAt: job.nextRunAt ? new Date(job.nextRunAt) : null,
      lastRunAt: date(job.lastRunAt),
      progress: job.progress ?? null,
      failReason: job.failReason ?? null,
      failCount: job.failCount ?? null,
      failedAt: date(job.failedAt),
      lastFinishedAt: date(job.lastFinishedAt),
      lastModifiedBy: options?.lastModifiedBy ?? null,
    };
    const saved = await this.updateFirst({ _id: String(job._id), name: job.name }, (doc) => ({ ...doc, ...state }));
    if (!saved) {
      throw new Error(`job ${job._id} (name: ${job.name}) cannot be updated in the database, maybe it does not exist anymore?`);
    }
  }

  /**
   * Inserts or updates a job as MongoJobRepository does: by `_id` when it has one (a removed
   * job is returned unchanged), else one document per name for `type: 'single'` (keeping a
   * stored nextRunAt when the new one is already due), else by the `unique` query (with
   * `insertOnly` and debounce), else a plain insert.
   */
  saveJob<DATA = unknown>(job: JobParameters<DATA>, options: JobRepositoryOptions | undefined): Promise<JobParameters<DATA>> {
    const { _id, unique, uniqueOpts, ...props } = job;
    const set = toStoredFields(props, options?.lastModifiedBy);
    const done = (doc: StoredJob | undefined) => (doc ? (toJob(doc) as JobParameters<DATA>) : job);
    return this.exclusive(async () => {
      const now = new Date();
      if (_id) return done(await this.updateFirstUnlocked({ _id: String(_id), name: props.name }, (doc) => ({ ...doc, ...set })));

      if (props.type === 'single') {
        const query = { name: props.name, type: 'single' };
        // A due nextRunAt must not move an existing job (e.g. every() called at each boot).
        if (props.nextRunAt && props.nextRunAt <= now) {
          const { nextRunAt, ...rest } = set;
          return done(await this.upsert(query, rest, { nextRunAt }));
        }
        return done(await this.upsert(query, set, {}));
      }

      if (!unique) return done(await this.insert(set));

      assertSafeUniqueQuery(unique);
      const query: Query = { ...unique, name: props.name };
      const debounce = uniqueOpts?.debounce;
      if (uniqueOpts?.insertOnly && !debounce) return done(await this.upsert(query, {}, set));
      if (!debounce) return done(await this.upsert(query, set, {}));

      const [existing] = await this.select(query);
      const next = debouncedFields(set, existing, debounce, now);
      return done(existing ? await this.updateFirstUnlocked(query, (doc) => ({ ...doc, ...next })) : await this.upsert(query, next, {}));
    });
  }

  // --- storage primitives -------------------------------------------------------------------

  private loaded(): Promise<void> {
    return (this.loading ??= this.db.loadDatabaseAsync());
  }

  /** Runs `fn` after every earlier write has finished, so that no two writes interleave. */
  private exclusive<R>(fn: () => Promise<R>): Promise<R> {
    const run = this.writes.then(fn);
    this.writes = run.catch(() => undefined);
    return run;
  }

  /** Matching documents (copies), in MongoDB query semantics. */
  private async select(query: Query, opts: { sort?: Record<string, 1 | -1>; skip?: number; limit?: number } = {}): Promise<StoredJob[]> {
    await this.loaded();
    let docs = this.db.getAllData() as unknown as StoredJob[];
    // A cheap pre-filter: most queries name the job, and mingo is slower than `===`.
    if (typeof query.name === 'string') docs = docs.filter((d) => d.name === query.name);
    let cursor = find<StoredJob>(docs, query);
    if (opts.sort) cursor = cursor.sort(opts.sort);
    if (opts.skip) cursor = cursor.skip(opts.skip);
    if (opts.limit) cursor = cursor.limit(opts.limit);
    return structuredClone(cursor.all());
  }

  private async insert(doc: Omit<StoredJob, '_id'>): Promise<StoredJob> {
    await this.loaded();
    return (await this.db.insertAsync(doc as Record<string, unknown>)) as unknown as StoredJob;
  }

  private async replace(doc: StoredJob): Promise<StoredJob> {
    await this.db.updateAsync({ _id: doc._id }, doc, {});
    return doc;
  }

  /** findOneAndUpdate (returning the document after) inside the write queue. */
  private updateFirst(query: Query, change: (doc: StoredJob) => StoredJob, sort?: Record<string, 1 | -1>): Promise<StoredJob | undefined> {
    return this.exclusive(() => this.updateFirstUnlocked(query, change, sort));
  }

  /** findOneAndUpdate for callers already in the write queue. */
  private async updateFirstUnlocked(query: Query, change: (doc: StoredJob) => StoredJob, sort?: Record<string, 1 | -1>): Promise<StoredJob | undefined> {
    const [doc] = await this.select(query, { sort, limit: 1 });
    return doc ? this.replace(change(doc)) : undefined;
  }

  /** findOneAndUpdate with upsert: a new document starts from the query's equalities. */
  private async upsert(query: Query, set: Partial<StoredJob>, setOnInsert: Partial<StoredJob>): Promise<StoredJob> {
    const [existing] = await this.select(query, { limit: 1 });
    if (existing) return Object.keys(set).length > 0 ? this.replace({ ...existing, ...set }) : existing;
    const seed: Query = {};
    const equalities = equalityFields(query);
    if (Object.keys(equalities).length > 0) update(seed, { $set: equalities });
    const inserted = await this.insert({ ...seed, ...setOnInsert, ...set } as Omit<StoredJob, '_id'>);
    assert(inserted._id, 'an upsert always yields a document');
    return inserted;
  }

  private setDisabled(options: RemoveJobsOptions, disabled: boolean): Promise<number> {
    const query = filterFromOptions(options);
    if (!query) return Promise.resolve(0);
    return this.exclusive(async () => {
      // MongoDB reports modifiedCount: documents already in that state do not count.
      const changing = (await this.select(query)).filter((d) => d.disabled !== disabled);
      for (const doc of changing) await this.replace({ ...doc, disabled });
      return changing.length;
    });
  }
}
