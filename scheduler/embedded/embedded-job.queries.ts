import { computeJobState, toJobId } from 'agenda';
import type { DebounceOptions, JobParameters, JobsQueryOptions, JobsSort, JobWithState, RemoveJobsOptions } from 'agenda';

/** A MongoDB-style query or update document, evaluated by mingo. */
export type Query = Record<string, unknown>;

/**
 * A job as stored: optional fields are written as null (as the MongoDB driver writes
 * `undefined`), so both engines hold the same shape; `_id` is NeDB's string id.
 */
export type StoredJob = { _id: string } & { [K in keyof Omit<JobParameters, '_id'>]: JobParameters[K] | null };

/** The fields a saved job may leave out; they are stored as null. */
const OPTIONAL_FIELDS = [
  'lockedAt', 'lastFinishedAt', 'failedAt', 'failCount', 'failReason', 'repeatTimezone', 'lastRunAt', 'repeatInterval',
  'repeatAt', 'disabled', 'progress', 'debounceStartedAt', 'fork', 'startDate', 'endDate', 'skipDays',
] as const satisfies readonly (keyof JobParameters)[];

// Operators that evaluate code; MongoJobRepository refuses them in `unique` too.
const BANNED_UNIQUE_OPERATORS = new Set(['$where', '$function', '$accumulator', '$expr']);

/**
 * The fields to store for a job. Like the MongoDB backend, a field the caller left out is
 * stored as null — this also clears processor fields (lockedAt, failCount…) that Job.save()
 * leaves out.
 */
export function toStoredFields<DATA>(props: Omit<JobParameters<DATA>, '_id' | 'unique' | 'uniqueOpts'>, lastModifiedBy: string | undefined): Omit<StoredJob, '_id'> {
  return {
    ...props,
    ...Object.fromEntries(OPTIONAL_FIELDS.map((k) => [k, props[k] ?? null])),
    data: props.data ?? null,
    lastModifiedBy: lastModifiedBy ?? null,
  } as Omit<StoredJob, '_id'>;
}

/** The stored document as agenda's JobParameters: nulls become absent, the id a JobId. */
export function toJob(doc: StoredJob): JobParameters {
  const job: Record<string, unknown> = { _id: toJobId(doc._id), name: doc.name, priority: doc.priority, nextRunAt: doc.nextRunAt, type: doc.type, data: doc.data };
  for (const key of [...OPTIONAL_FIELDS, 'unique', 'uniqueOpts', 'lastModifiedBy'] as const) job[key] = doc[key] ?? undefined;
  return job as unknown as JobParameters;
}

/** The job with its state at `now` (computed, never stored). */
export function withState(doc: StoredJob, now: Date): JobWithState {
  const job = toJob(doc) as JobWithState;
  return { ...job, state: computeJobState(job, now) };
}

/** Whether a job is in the state a query asks for; "paused" means disabled, whatever its state. */
export function hasState(job: JobWithState, state: JobsQueryOptions['state']): boolean {
  return !state || (state === 'paused' ? job.disabled === true : job.state === state);
}

export function withoutLock(doc: StoredJob): StoredJob {
  const { lockedAt: _dropped, ...rest } = doc;
  return rest as StoredJob;
}

export function toSort(sort: JobsSort | undefined): Record<string, 1 | -1> {
  const entries = Object.entries(sort ?? {}).filter(([, dir]) => dir !== undefined);
  if (entries.length === 0) return { nextRunAt: -1, lastRunAt: -1 };
  return Object.fromEntries(entries.map(([key, dir]) => [key, dir === 'asc' ? 1 : -1]));
}

/** The filter of a jobs query, without its state (computed) and pagination (applied after). */
export function filterFromQuery(options: JobsQueryOptions): Query {
  const { name, names, id, ids, search, data, includeDisabled = true } = options;
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
  return query;
}

/** The filter for cancel/disable/enable; null when the options select nothing. */
export function filterFromOptions(options: RemoveJobsOptions): Query | null {
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
export function assertSafeUniqueQuery(value: unknown): void {
  if (Array.isArray(value)) return value.forEach(assertSafeUniqueQuery);
  if (!isPlainObject(value)) return;
  for (const [key, child] of Object.entries(value)) {
    if (BANNED_UNIQUE_OPERATORS.has(key)) throw new Error(`Unsafe operator "${key}" is not allowed in a unique() constraint`);
    assertSafeUniqueQuery(child);
  }
}

/** The `path: value` equalities of a query, which MongoDB copies into an upserted document. */
export function equalityFields(query: Query): Query {
  const isOperatorObject = (v: unknown) => isPlainObject(v) && Object.keys(v).some((k) => k.startsWith('$'));
  return Object.fromEntries(Object.entries(query).filter(([key, value]) => !key.startsWith('$') && !isOperatorObject(value)));
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

/**
 * What a debounced save writes over `set`, given the job already stored under its unique
 * query (if any). The first save starts the window; leading runs at once and keeps that run
 * time; trailing runs `delay` after the latest save, or at once when maxWait has run out.
 */
export function debouncedFields(set: Omit<StoredJob, '_id'>, existing: StoredJob | undefined, debounce: DebounceOptions, now: Date): Omit<StoredJob, '_id'> {
  if (!existing) {
    return debounce.strategy === 'leading'
      ? { ...set, debounceStartedAt: now }
      : { ...set, nextRunAt: new Date(now.getTime() + debounce.delay), debounceStartedAt: now };
  }
  const startedAt = existing.debounceStartedAt ?? now;
  // Leading: the job keeps its first run time; only its other fields move on.
  if (debounce.strategy === 'leading') return { ...set, nextRunAt: existing.nextRunAt, debounceStartedAt: startedAt };
  // Trailing: every save pushes the run back by `delay`, unless maxWait has run out.
  const overdue = debounce.maxWait !== undefined && debounce.maxWait > 0 && now.getTime() - startedAt.getTime() >= debounce.maxWait;
  return overdue
    ? { ...set, nextRunAt: now, debounceStartedAt: null }
    : { ...set, nextRunAt: new Date(now.getTime() + debounce.delay), debounceStartedAt: startedAt };
}
