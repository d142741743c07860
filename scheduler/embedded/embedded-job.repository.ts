import assert from 'node:assert';
import nedb from '@seald-io/nedb';
import { find, update } from 'mingo';
import { computeJobState, toJobId } from 'agenda';
import type {
  JobParameters,
  JobRepository,
  JobRepositoryOptions,
  JobsOverview,
  JobsQueryOptions,
  JobsResult,
  JobsSort,
  JobWithState,
  RemoveJobsOptions,
} from 'agenda';

// NeDB's typings declare an ES default export, but the package is CommonJS whose
// module.exports is the class: under NodeNext the default import is typed as the module.
const Datastore = ((nedb as { default?: unknown }).default ?? nedb) as typeof nedb.default;
type Datastore<S> = import('@seald-io/nedb').default<S>;

/** A MongoDB-style query or update document, evaluated by mingo. */
type Query = Record<string, unknown>;

/**
 * A job as stored: optional fields are written as null (as the MongoDB driver writes
 * `undefined`), so both engines hold the same shape; `_id` is NeDB's string id.
 */
type StoredJob = { _id: string } & { [K in keyof Omit<JobParameters, '_id'>]: JobParameters[K] | null };

/** Options for {@link EmbeddedJobRepository}. */
export interface EmbeddedJobRepositoryOptions {
  /** NeDB data file; the store is in memory only when omitted. */
  filename?: string | undefined;
  /** How often NeDB rewrites its append-only file, in ms (NeDB enforces at least 5 s). */
  autocompactionIntervalMs?: number | undefined;
}

// The order MongoJobRepository uses to pick the next job: earliest first, then most urgent.
const NEXT_JOB_SORT = { nextRunAt: 1, priority: -1 } as const;
// Operators that evaluate code; MongoJobRepository refuses them in `unique` too.
const BANNED_UNIQUE_OPERATORS = new Set(['$where', '$function', '$accumulator', '$expr']);

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
    const { name, names, state, id, ids, search, data, includeDisabled = true, sort, skip = 0, limit = 0 } = options;
    const now = new Date();
    const query: Query = {};
    // Type checks mirror MongoJobRepository: a non-string would be read as an operator.
    if (name && typeof name === 'string') query.name = name;
    else if (Array.isArray(names) && names.length > 0) {
      const valid = names.filter((n) => typeof n === 'string');
      if (valid.length > 0) query.name = { $in: valid };
    }
    if (id && typeof id === 'string') query._id = id;
    else if (Array.isArray(ids) && ids.length > 0) {
      const valid = ids.filter((i) => typeof i === 'string');
      if (valid.length > 0) query._id = { $in: valid };
    }
    if (search && typeof search === 'string') query.name = { $regex: escapeRegex(search), $options: 'i' };
    if (data !== undefined) Object.assign(query, dataFilter(data));
    if (!includeDisabled) query.disabled = { $ne: true };

    // State is computed, not stored, so a state filter runs here; pagination comes after it.
    const jobs = (await this.select(query, { sort: toSort(sort) }))
      .map((doc): JobWithState => {
        const job = toJob(doc) as JobWithState;
        return { ...job, state: computeJobState(job, now) };
      })
      .filter((job) => !state || (state === 'paused' ? job.disabled === true : job.state === state));
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
    // Like the MongoDB backend, a field the caller left out is stored as null — this also
    // clears processor fields (lockedAt, failCount…) that Job.save() leaves out.
    const set: Omit<StoredJob, '_id'> = {
      ...props,
      ...Object.fromEntries(OPTIONAL_FIELDS.map((k) => [k, props[k] ?? null])),
      data: props.data ?? null,
      lastModifiedBy: options?.lastModifiedBy ?? null,
    } as Omit<StoredJob, '_id'>;
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
      if (existing) {
        const startedAt = existing.debounceStartedAt ?? now;
        // Leading: the job keeps its first run time; only its other fields move on.
        if (debounce.strategy === 'leading') {
          const next = { ...set, nextRunAt: existing.nextRunAt, debounceStartedAt: startedAt };
          return done(await this.updateFirstUnlocked(query, (doc) => ({ ...doc, ...next })));
        }
        // Trailing: every save pushes the run back by `delay`, unless maxWait has run out.
        const overdue = debounce.maxWait !== undefined && debounce.maxWait > 0 && now.getTime() - startedAt.getTime() >= debounce.maxWait;
        const next = overdue
          ? { ...set, nextRunAt: now, debounceStartedAt: null }
          : { ...set, nextRunAt: new Date(now.getTime() + debounce.delay), debounceStartedAt: startedAt };
        return done(await this.updateFirstUnlocked(query, (doc) => ({ ...doc, ...next })));
      }
      const first =
        debounce.strategy === 'leading'
          ? { ...set, debounceStartedAt: now }
          : { ...set, nextRunAt: new Date(now.getTime() + debounce.delay), debounceStartedAt: now };
      return done(await this.upsert(query, first, {}));
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

// --- pure helpers ---------------------------------------------------------------------------

const OPTIONAL_FIELDS = [
  'lockedAt', 'lastFinishedAt', 'failedAt', 'failCount', 'failReason', 'repeatTimezone', 'lastRunAt', 'repeatInterval',
  'repeatAt', 'disabled', 'progress', 'debounceStartedAt', 'fork', 'startDate', 'endDate', 'skipDays',
] as const satisfies readonly (keyof JobParameters)[];

/** The stored document as agenda's JobParameters: nulls become absent, the id a JobId. */
function toJob(doc: StoredJob): JobParameters {
  const job: Record<string, unknown> = { _id: toJobId(doc._id), name: doc.name, priority: doc.priority, nextRunAt: doc.nextRunAt, type: doc.type, data: doc.data };
  for (const key of [...OPTIONAL_FIELDS, 'unique', 'uniqueOpts', 'lastModifiedBy'] as const) job[key] = doc[key] ?? undefined;
  return job as unknown as JobParameters;
}

function withoutLock(doc: StoredJob): StoredJob {
  const { lockedAt: _dropped, ...rest } = doc;
  return rest as StoredJob;
}

function toSort(sort: JobsSort | undefined): Record<string, 1 | -1> {
  const entries = Object.entries(sort ?? {}).filter(([, dir]) => dir !== undefined);
  if (entries.length === 0) return { nextRunAt: -1, lastRunAt: -1 };
  return Object.fromEntries(entries.map(([key, dir]) => [key, dir === 'asc' ? 1 : -1]));
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A data filter: an object matches by its leaves (`data.a.b`), anything else exactly. */
function dataFilter(data: unknown, prefix = 'data'): Query {
  if (!isPlainObject(data)) return { [prefix]: data };
  const out: Query = {};
  for (const [key, value] of Object.entries(data)) {
    Object.assign(out, isPlainObject(value) ? dataFilter(value, `${prefix}.${key}`) : { [`${prefix}.${key}`]: value });
  }
  return out;
}

/** The filter for cancel/disable/enable; null when the options select nothing. */
function filterFromOptions(options: RemoveJobsOptions): Query | null {
  const query: Query = {};
  if (options.id) query._id = String(options.id);
  else if (Array.isArray(options.ids) && options.ids.length > 0) query._id = { $in: options.ids.map(String) };
  if (options.name && typeof options.name === 'string') query.name = options.name;
  else if (Array.isArray(options.names) && options.names.length > 0) {
    const valid = options.names.filter((n) => typeof n === 'string');
    if (valid.length > 0) query.name = { $in: valid };
  } else if (Array.isArray(options.notNames) && options.notNames.length > 0) {
    const valid = options.notNames.filter((n) => typeof n === 'string');
    if (valid.length > 0) query.name = { $nin: valid };
  }
  if (options.data !== undefined) Object.assign(query, dataFilter(options.data));
  return Object.keys(query).length > 0 ? query : null;
}

/** Rejects code-evaluating operators anywhere in a caller-supplied `unique` query. */
function assertSafeUniqueQuery(value: unknown): void {
  if (Array.isArray(value)) return value.forEach(assertSafeUniqueQuery);
  if (!isPlainObject(value)) return;
  for (const [key, child] of Object.entries(value)) {
    if (BANNED_UNIQUE_OPERATORS.has(key)) throw new Error(`Unsafe operator "${key}" is not allowed in a unique() constraint`);
    assertSafeUniqueQuery(child);
  }
}

/** The `path: value` equalities of a query, which MongoDB copies into an upserted document. */
function equalityFields(query: Query): Query {
  const isOperatorObject = (v: unknown) => isPlainObject(v) && Object.keys(v).some((k) => k.startsWith('$'));
  return Object.fromEntries(Object.entries(query).filter(([key, value]) => !key.startsWith('$') && !isOperatorObject(value)));
}
