import { computeJobState } from 'agenda';
import type { JobParameters, JobRepository, JobRepositoryOptions, JobsOverview, JobsQueryOptions, JobsResult, RemoveJobsOptions } from 'agenda';
import { update } from 'mingo';
import { newId } from '../../models/ids.js';
import { JsonTable, type IndexSpec } from '../../store/sqlite/json-table.js';
import type { FieldType } from '../../store/sqlite/filter-sql.js';
import { SqliteDatabase } from '../../store/sqlite/sqlite-database.js';
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

/** The jobs table in the embedded engine's database. */
export const JOBS_TABLE = 'agenda_jobs';

/** The paths SQL may compare: always this scalar type or null, as toStoredFields writes them. */
const JOB_FIELDS: Record<string, FieldType> = {
  name: 'string',
  type: 'string',
  priority: 'number',
  disabled: 'boolean',
  nextRunAt: 'date',
  lockedAt: 'date',
  lastRunAt: 'date',
  lastFinishedAt: 'date',
  failedAt: 'date',
  lastModifiedBy: 'string',
};

/** For agenda's queries: the next job to run per name, expired locks, the queue of due jobs. */
const JOB_INDEXES: IndexSpec[] = [
  { fields: [['name', 1], ['nextRunAt', 1], ['priority', -1], ['lockedAt', 1]] },
  { fields: [['name', 1], ['lockedAt', 1]] },
  { fields: [['nextRunAt', 1], ['lastRunAt', 1]] },
];

/** Options for {@link EmbeddedJobRepository}. */
export interface EmbeddedJobRepositoryOptions {
  /** The embedded store's database, shared (the application's case); its owner closes it. */
  database?: SqliteDatabase | undefined;
  /** A database file of its own; in memory when neither is given. */
  filename?: string | undefined;
}

// The order MongoJobRepository uses to pick the next job: earliest first, then most urgent.
const NEXT_JOB_SORT = { nextRunAt: 1, priority: -1 } as const;

/**
 * agenda's {@link JobRepository} on the embedded engine's SQLite database, a port of
 * `@agendajs/mongo-backend`'s MongoJobRepository: same queries (their indexable part in SQL on
 * the jobs table's indexes, the rest by mingo, so they mean what they mean in MongoDB), same
 * stored shape, same single/unique/debounce rules. Each step runs synchronously inside the
 * database's gate, so read-then-write steps (locking, upserts) are atomic, as MongoDB's
 * findOneAndUpdate is. One process per database file.
 */
export class EmbeddedJobRepository implements JobRepository {
  readonly database: SqliteDatabase;
  /** True when the repository opened its database itself (and so closes it). */
  readonly ownsDatabase: boolean;
  private readonly table: JsonTable<StoredJob>;
  private disconnected = false;

  constructor(options: EmbeddedJobRepositoryOptions = {}) {
    this.ownsDatabase = !options.database;
    this.database = options.database ?? SqliteDatabase.open(options.filename ?? ':memory:');
    this.table = new JsonTable<StoredJob>(this.database, JOBS_TABLE, (p) => JOB_FIELDS[p] ?? null, JOB_INDEXES).create();
  }

  /** Nothing to do: the table is ready once constructed. Safe to call more than once. */
  async connect(): Promise<void> {}

  /** Closes the database if the repository opened it; the jobs stay on disk. */
  async disconnect(): Promise<void> {
    if (!this.ownsDatabase || this.disconnected) return;
    this.disconnected = true;
    await this.database.close();
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
    return this.exclusive(() => this.table.delete(query).length);
  }

  disableJobs(options: RemoveJobsOptions): Promise<number> {
    return this.setDisabled(options, true);
  }

  enableJobs(options: RemoveJobsOptions): Promise<number> {
    return this.setDisabled(options, false);
  }

  purgeAllJobs(): Promise<number> {
    return this.exclusive(() => this.table.delete({}).length);
  }

  async unlockJob(job: JobParameters): Promise<void> {
    if (!job._id) return;
    // Only jobs that are not running right now: a running one-time job has nextRunAt null.
    await this.updateFirst({ _id: String(job._id), nextRunAt: { $ne: null } }, (doc) => withoutLock(doc));
  }

  async unlockJobs(jobIds: string[]): Promise<void> {
    if (jobIds.length === 0) return;
    const ids = jobIds.map(String);
    await this.exclusive(() => {
      for (const doc of this.selectNow({ _id: { $in: ids } })) this.replace(withoutLock(doc));
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
    return this.exclusive(() => {
      const now = new Date();
      if (_id) return done(this.updateFirstNow({ _id: String(_id), name: props.name }, (doc) => ({ ...doc, ...set })));

      if (props.type === 'single') {
        const query = { name: props.name, type: 'single' };
        // A due nextRunAt must not move an existing job (e.g. every() called at each boot).
        if (props.nextRunAt && props.nextRunAt <= now) {
          const { nextRunAt, ...rest } = set;
          return done(this.upsert(query, rest, { nextRunAt }));
        }
        return done(this.upsert(query, set, {}));
      }

      if (!unique) return done(this.insert(set));

      assertSafeUniqueQuery(unique);
      const query: Query = { ...unique, name: props.name };
      const debounce = uniqueOpts?.debounce;
      if (uniqueOpts?.insertOnly && !debounce) return done(this.upsert(query, {}, set));
      if (!debounce) return done(this.upsert(query, set, {}));

      const [existing] = this.selectNow(query);
      const next = debouncedFields(set, existing, debounce, now);
      return done(existing ? this.updateFirstNow(query, (doc) => ({ ...doc, ...next })) : this.upsert(query, next, {}));
    });
  }

  // --- storage primitives (synchronous; the public methods pass the database's gate) --------

  /** Runs a write step after the writes queued before it. */
  private exclusive<R>(fn: () => R): Promise<R> {
    return this.database.write(fn);
  }

  /** Matching documents, in MongoDB query semantics. */
  private async select(query: Query, opts: { sort?: Record<string, 1 | -1>; skip?: number; limit?: number } = {}): Promise<StoredJob[]> {
    return this.database.read(() => this.selectNow(query, opts));
  }

  private selectNow(query: Query, opts: { sort?: Record<string, 1 | -1>; skip?: number; limit?: number } = {}): StoredJob[] {
    return this.table.find(query, opts);
  }

  private insert(doc: Omit<StoredJob, '_id'>): StoredJob {
    const stored = { ...doc, _id: newId() } as StoredJob;
    this.table.insert(stored);
    return stored;
  }

  private replace(doc: StoredJob): StoredJob {
    this.table.replaceById(doc);
    return doc;
  }

  /** findOneAndUpdate (returning the document after) as one write step. */
  private updateFirst(query: Query, change: (doc: StoredJob) => StoredJob, sort?: Record<string, 1 | -1>): Promise<StoredJob | undefined> {
    return this.exclusive(() => this.updateFirstNow(query, change, sort));
  }

  /** findOneAndUpdate inside a write step. */
  private updateFirstNow(query: Query, change: (doc: StoredJob) => StoredJob, sort?: Record<string, 1 | -1>): StoredJob | undefined {
    const [doc] = this.selectNow(query, { sort, limit: 1 });
    return doc ? this.replace(change(doc)) : undefined;
  }

  /** findOneAndUpdate with upsert: a new document starts from the query's equalities. */
  private upsert(query: Query, set: Partial<StoredJob>, setOnInsert: Partial<StoredJob>): StoredJob {
    const [existing] = this.selectNow(query, { limit: 1 });
    if (existing) return Object.keys(set).length > 0 ? this.replace({ ...existing, ...set }) : existing;
    const seed: Query = {};
    const equalities = equalityFields(query);
    if (Object.keys(equalities).length > 0) update(seed, { $set: equalities });
    return this.insert({ ...seed, ...setOnInsert, ...set } as Omit<StoredJob, '_id'>);
  }

  private setDisabled(options: RemoveJobsOptions, disabled: boolean): Promise<number> {
    const query = filterFromOptions(options);
    if (!query) return Promise.resolve(0);
    return this.exclusive(() => {
      // MongoDB reports modifiedCount: documents already in that state do not count.
      const changing = this.selectNow(query).filter((d) => d.disabled !== disabled);
      for (const doc of changing) this.replace({ ...doc, disabled });
      return changing.length;
    });
  }
}
