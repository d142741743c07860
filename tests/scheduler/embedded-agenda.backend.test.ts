import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Agenda } from 'agenda';
import type { JobParameters, JobRepository } from 'agenda';
import { EmbeddedAgendaBackend } from '../../scheduler/embedded/embedded-agenda.backend.js';
import { CaseModel } from '../../models/index.js';
import { EmbeddedStore } from '../../store/index.js';
import { mongoAgendaBackend } from '../../scheduler/mongo-agenda.backend.js';
import type { MongoStore } from '../../store/index.js';
import { openTestStore, TEST_ENGINE } from '../helpers/engines.js';

// agenda 6 declares an `agenda/testing` export (its shared backend contract suites), but the
// npm package only ships dist/, so it cannot be imported: agenda-upstream.backend.test.ts runs
// a vendored copy of them. The suite below is our own contract for JobRepository, run on every
// engine; the first test notices when agenda starts shipping the suites.
const agendaSharedSuites = path.join(path.dirname(createRequire(import.meta.url).resolve('agenda')), '..', 'test', 'shared', 'index.ts');

const SECOND = 1000;
const ago = (ms: number) => new Date(Date.now() - ms);
const later = (ms: number) => new Date(Date.now() + ms);

/** A job document with defaults, as agenda's Job.toJson() would hand it to saveJob. */
function job(name: string, over: Partial<JobParameters> = {}): JobParameters {
  return { name, priority: 0, nextRunAt: new Date(), type: 'normal', data: {}, ...over };
}

/** Polls `probe` until it returns something truthy; fails after `timeoutMs`. */
async function waitFor<T>(what: string, probe: () => Promise<T> | T, timeoutMs = 4000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Resolves with the arguments of the next `event`; fails after `timeoutMs`. */
function nextEvent(agenda: Agenda, event: string, timeoutMs = 4000): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${event}`)), timeoutMs);
    agenda.once(event, (...args: unknown[]) => {
      clearTimeout(timer);
      resolve(args);
    });
  });
}

interface RepositoryEngine {
  name: string;
  open(): Promise<{ repo: JobRepository; close(): Promise<void> }>;
}

const engines: RepositoryEngine[] = [
  {
    name: 'embedded (in memory)',
    open: async () => {
      const backend = new EmbeddedAgendaBackend();
      await backend.connect();
      return { repo: backend.repository, close: () => backend.disconnect() };
    },
  },
];
// On the MongoDB leg: agenda's backend as production wires it, on the app's own connection.
if (TEST_ENGINE === 'mongodb') {
  engines.push({
    name: 'mongodb (on the store\'s connection)',
    open: async () => {
      const store = (await openTestStore()) as MongoStore;
      const backend = await mongoAgendaBackend(store);
      await backend.connect();
      const close = async () => {
        await backend.disconnect();
        await store.connection.dropDatabase();
        await store.close();
      };
      return { repo: backend.repository, close };
    },
  });
}

it('agenda still does not ship its shared backend contract suites (wire them in here when it does)', () => {
  expect(fs.existsSync(agendaSharedSuites)).toBe(false);
});

describe.skipIf(TEST_ENGINE === 'mongodb')('MongoDB leg of the agenda repository contract', () => {
  it.skip('is skipped: MONGODB_URI is not set (run `npm run test:mongo`)', () => {});
});

for (const engine of engines) {
  describe(`agenda JobRepository contract on ${engine.name}`, () => {
    let repo: JobRepository;
    let close: () => Promise<void>;
    const next = (name: string, nextScanAt = later(SECOND), lockDeadline = ago(10 * 60 * SECOND)) =>
      repo.getNextJobToRun(name, nextScanAt, lockDeadline, undefined, undefined);

    beforeEach(async () => {
      ({ repo, close } = await engine.open());
    });
    afterEach(async () => {
      await close();
    });

    it('saving a new job assigns a string id and stores absent fields as absent', async () => {
      const saved = await repo.saveJob(job('a', { priority: 10, data: { foo: 'bar' } }), undefined);
      expect(typeof saved._id).toBe('string');
      const read = await repo.getJobById(saved._id!);
      expect(read).toMatchObject({ _id: saved._id, name: 'a', priority: 10, type: 'normal', data: { foo: 'bar' } });
      expect(read!.lockedAt).toBeUndefined();
      expect(read!.nextRunAt).toBeInstanceOf(Date);
    });

    it('saving a job with an id updates it, and a removed job is returned unchanged without being stored again', async () => {
      const saved = await repo.saveJob(job('a', { data: { v: 1 } }), { lastModifiedBy: 'me' });
      const updated = await repo.saveJob({ ...saved, priority: 20, data: { v: 2 } }, undefined);
      expect(updated).toMatchObject({ _id: saved._id, priority: 20, data: { v: 2 } });
      await repo.removeJobs({ id: saved._id! });
      const ghost = { ...saved, priority: 5 };
      expect(await repo.saveJob(ghost, undefined)).toBe(ghost);
      expect(await repo.getJobById(saved._id!)).toBeNull();
    });

    it('saving a job again clears the processing fields it leaves out, as the MongoDB backend does', async () => {
      // Job.save() omits lockedAt, failCount… so as not to overwrite them, yet mongo-backend
      // stores every omitted field as null; the embedded engine keeps that for parity.
      const saved = await repo.saveJob(job('again', { nextRunAt: ago(SECOND) }), undefined);
      await repo.saveJobState({ ...saved, lockedAt: new Date(), failCount: 2, lastRunAt: new Date() }, undefined);
      const { _id, name, priority, nextRunAt, type, data } = saved;
      await repo.saveJob({ _id, name, priority, nextRunAt, type, data }, undefined);
      const read = await repo.getJobById(saved._id!);
      expect([read!.lockedAt, read!.failCount, read!.lastRunAt]).toEqual([undefined, undefined, undefined]);
    });

    it('a single job is stored once per name, and a due nextRunAt does not move the stored one', async () => {
      const first = await repo.saveJob(job('tick', { type: 'single', nextRunAt: later(60 * SECOND) }), undefined);
      const again = await repo.saveJob(job('tick', { type: 'single', nextRunAt: ago(SECOND), priority: 10 }), undefined);
      expect(again._id).toBe(first._id);
      expect(again.priority).toBe(10);
      expect(again.nextRunAt).toEqual(first.nextRunAt);
      const moved = await repo.saveJob(job('tick', { type: 'single', nextRunAt: later(120 * SECOND) }), undefined);
      expect(moved.nextRunAt!.getTime()).toBeGreaterThan(first.nextRunAt!.getTime());
      expect((await repo.queryJobs({ name: 'tick' })).total).toBe(1);
    });

    it('a unique job is upserted by its unique query, and insertOnly keeps the first one', async () => {
      const u = (user: number, v: number, insertOnly = false) =>
        job('mail', { data: { user, v }, unique: { 'data.user': user }, uniqueOpts: { insertOnly } });
      const a = await repo.saveJob(u(1, 1), undefined);
      const b = await repo.saveJob(u(1, 2), undefined);
      const c = await repo.saveJob(u(1, 3, true), undefined);
      await repo.saveJob(u(2, 1), undefined);
      expect(b._id).toBe(a._id);
      expect(c).toMatchObject({ _id: a._id, data: { user: 1, v: 2 } });
      expect((await repo.queryJobs({ name: 'mail' })).total).toBe(2);
    });

    it('a unique query that evaluates code is refused', async () => {
      await expect(repo.saveJob(job('x', { unique: { $where: 'true' } }), undefined)).rejects.toThrow(/not allowed/);
    });

    it('a trailing debounce pushes the run back on each save; a leading one keeps its first run time', async () => {
      const trailing = () => job('sync', { unique: { 'data.k': 't' }, data: { k: 't' }, uniqueOpts: { debounce: { delay: 60 * SECOND } } });
      const t1 = await repo.saveJob(trailing(), undefined);
      expect(t1.nextRunAt!.getTime()).toBeGreaterThan(Date.now() + 50 * SECOND);
      const t2 = await repo.saveJob(trailing(), undefined);
      expect(t2._id).toBe(t1._id);
      expect(t2.debounceStartedAt).toEqual(t1.debounceStartedAt);
      expect(t2.nextRunAt!.getTime()).toBeGreaterThanOrEqual(t1.nextRunAt!.getTime());

      const leading = (n: number) =>
        job('sync', { unique: { 'data.k': 'l' }, data: { k: 'l', n }, uniqueOpts: { debounce: { delay: 60 * SECOND, strategy: 'leading' } } });
      const l1 = await repo.saveJob(leading(1), undefined);
      const l2 = await repo.saveJob({ ...leading(2), nextRunAt: later(30 * SECOND) }, undefined);
      expect(l2).toMatchObject({ _id: l1._id, nextRunAt: l1.nextRunAt, data: { n: 2 } });
    });

    it('queries filter by name, names, search, ids, data and disabled, with sorting and pagination', async () => {
      const a1 = await repo.saveJob(job('job-a', { priority: 10, nextRunAt: later(60 * SECOND), data: { kind: 'alpha', n: { deep: 1 } } }), undefined);
      await repo.saveJob(job('job-b', { priority: 5, nextRunAt: later(120 * SECOND), data: { kind: 'beta' } }), undefined);
      const a2 = await repo.saveJob(job('job-a', { priority: 15, nextRunAt: later(180 * SECOND), data: { kind: 'alpha' } }), undefined);
      await repo.saveJob(job('job.c', { disabled: true }), undefined);

      expect((await repo.queryJobs()).total).toBe(4);
      expect((await repo.queryJobs({ name: 'job-a' })).total).toBe(2);
      expect((await repo.queryJobs({ names: ['job-a', 'job-b'] })).total).toBe(3);
      expect((await repo.queryJobs({ search: 'JOB-' })).total).toBe(3);
      expect((await repo.queryJobs({ search: '-.' })).total).toBe(0); // regex characters are literal
      expect((await repo.queryJobs({ id: a1._id! })).jobs.map((j) => j._id)).toEqual([a1._id]);
      expect((await repo.queryJobs({ ids: [a1._id!, a2._id!] })).total).toBe(2);
      expect((await repo.queryJobs({ data: { kind: 'alpha' } })).total).toBe(2);
      expect((await repo.queryJobs({ data: { n: { deep: 1 } } })).total).toBe(1);
      expect((await repo.queryJobs({ includeDisabled: false })).total).toBe(3);

      const page = await repo.queryJobs({ names: ['job-a', 'job-b'], sort: { priority: 'desc' }, skip: 1, limit: 1 });
      expect(page.total).toBe(3);
      expect(page.jobs.map((j) => j.priority)).toEqual([10]);
      const byDefault = await repo.queryJobs({ names: ['job-a', 'job-b'] }); // nextRunAt descending
      expect(byDefault.jobs.map((j) => j.priority)).toEqual([15, 5, 10]);
    });

    it('queries compute each job state and filter by it, paused meaning disabled', async () => {
      await repo.saveJob(job('s', { nextRunAt: later(60 * SECOND) }), undefined);
      const queued = await repo.saveJob(job('s', { nextRunAt: ago(SECOND) }), undefined);
      await repo.saveJob(job('s', { nextRunAt: later(60 * SECOND), repeatInterval: '1 hour' }), undefined);
      await repo.saveJob(job('s', { nextRunAt: later(60 * SECOND), disabled: true }), undefined);
      const done = await repo.saveJob(job('s'), undefined);
      await repo.saveJobState({ ...done, nextRunAt: null, lastRunAt: ago(2 * SECOND), lastFinishedAt: ago(SECOND) }, undefined);
      const failed = await repo.saveJob(job('s'), undefined);
      await repo.saveJobState({ ...failed, nextRunAt: null, failedAt: ago(SECOND), lastFinishedAt: ago(SECOND), failCount: 1, failReason: 'boom' }, undefined);
      await repo.lockJob(queued, undefined);

      const states = (await repo.queryJobs({ name: 's' })).jobs.map((j) => j.state).sort();
      expect(states).toEqual(['completed', 'failed', 'repeating', 'running', 'scheduled', 'scheduled']);
      expect((await repo.queryJobs({ state: 'paused' })).total).toBe(1);
      expect((await repo.queryJobs({ state: 'scheduled', limit: 1 })).total).toBe(2);
      expect((await repo.queryJobs({ state: 'failed' })).jobs[0]).toMatchObject({ failReason: 'boom', failCount: 1 });
      expect(await repo.getJobsOverview()).toEqual([
        { name: 's', total: 6, running: 1, scheduled: 2, queued: 0, completed: 1, failed: 1, repeating: 1, paused: 1 },
      ]);
    });

    it('distinct names and the queue size (jobs already due) are reported', async () => {
      await repo.saveJob(job('n1', { nextRunAt: ago(60 * SECOND) }), undefined);
      await repo.saveJob(job('n2', { nextRunAt: ago(30 * SECOND) }), undefined);
      await repo.saveJob(job('n1', { nextRunAt: later(60 * SECOND) }), undefined);
      await repo.saveJob(job('n3', { nextRunAt: null }), undefined);
      expect((await repo.getDistinctJobNames()).sort()).toEqual(['n1', 'n2', 'n3']);
      expect(await repo.getQueueSize()).toBe(2);
    });

    it('jobs are removed by id, ids, name, names, notNames or data, and empty options remove nothing', async () => {
      const [x1, x2] = [await repo.saveJob(job('x'), undefined), await repo.saveJob(job('x'), undefined)];
      for (const name of ['y', 'y', 'z', 'w']) await repo.saveJob(job(name, { data: { tag: name } }), undefined);
      expect(await repo.removeJobs({})).toBe(0);
      expect(await repo.removeJobs({ names: [] })).toBe(0);
      expect(await repo.removeJobs({ id: x1._id! })).toBe(1);
      expect(await repo.removeJobs({ ids: [x2._id!] })).toBe(1);
      expect(await repo.removeJobs({ data: { tag: 'w' } })).toBe(1);
      expect(await repo.removeJobs({ notNames: ['y'] })).toBe(1);
      expect(await repo.removeJobs({ name: 'y' })).toBe(2);
      expect(await repo.purgeAllJobs()).toBe(0);
    });

    it('disable and enable count only the jobs they change, and a disabled job is never picked', async () => {
      await repo.saveJob(job('d', { nextRunAt: ago(SECOND) }), undefined);
      await repo.saveJob(job('d', { nextRunAt: ago(SECOND) }), undefined);
      expect(await repo.disableJobs({})).toBe(0);
      expect(await repo.disableJobs({ name: 'd' })).toBe(2);
      expect(await repo.disableJobs({ name: 'd' })).toBe(0);
      expect(await next('d')).toBeUndefined();
      expect(await repo.enableJobs({ name: 'd' })).toBe(2);
      expect(await next('d')).toBeDefined();
      expect(await repo.purgeAllJobs()).toBe(2);
    });

    it('lockJob locks a job once, and not when it was rescheduled meanwhile', async () => {
      const saved = await repo.saveJob(job('l', { nextRunAt: ago(SECOND) }), undefined);
      const locked = await repo.lockJob(saved, { lastModifiedBy: 'worker-1' });
      expect(locked).toMatchObject({ _id: saved._id, lastModifiedBy: 'worker-1' });
      expect(locked!.lockedAt).toBeInstanceOf(Date);
      expect(await repo.lockJob(saved, undefined)).toBeUndefined();
      await repo.unlockJob(saved);
      expect(await repo.lockJob({ ...saved, nextRunAt: later(SECOND) }, undefined)).toBeUndefined();
    });

    it('unlockJob leaves a running one-time job locked; unlockJobs frees every job it names', async () => {
      const running = await repo.saveJob(job('u', { nextRunAt: ago(SECOND) }), undefined);
      const locked = await next('u');
      expect(locked!._id).toBe(running._id);
      await repo.saveJobState({ ...locked!, nextRunAt: null, lastRunAt: new Date() }, undefined);
      await repo.unlockJob(locked!);
      expect((await repo.getJobById(running._id!))!.lockedAt).toBeInstanceOf(Date);
      await repo.unlockJobs([running._id!]);
      expect((await repo.getJobById(running._id!))!.lockedAt).toBeUndefined();
    });

    it('getNextJobToRun takes the earliest job first, then the highest priority, and stamps the lock time given', async () => {
      const due = ago(60 * SECOND);
      await repo.saveJob(job('p', { nextRunAt: due, priority: 5, data: { p: 'low' } }), undefined);
      await repo.saveJob(job('p', { nextRunAt: due, priority: 10, data: { p: 'high' } }), undefined);
      await repo.saveJob(job('p', { nextRunAt: ago(120 * SECOND), priority: -10, data: { p: 'oldest' } }), undefined);
      const now = new Date();
      const order = [];
      for (let i = 0; i < 3; i++) order.push(await repo.getNextJobToRun('p', later(SECOND), ago(60 * SECOND), now, { lastModifiedBy: 'w' }));
      expect(order.map((j) => (j!.data as { p: string }).p)).toEqual(['oldest', 'high', 'low']);
      expect(order[0]!.lockedAt).toEqual(now);
      expect(await next('p')).toBeUndefined();
    });

    it('getNextJobToRun takes jobs due before the next scan, and a locked job only once its lock is past the deadline', async () => {
      await repo.saveJob(job('scan', { nextRunAt: later(500) }), undefined);
      expect(await next('scan', later(100))).toBeUndefined();
      const soon = await next('scan', later(SECOND));
      expect(soon).toBeDefined();
      expect(await next('scan', later(SECOND), ago(60 * SECOND))).toBeUndefined();
      const stolen = await next('scan', later(SECOND), later(SECOND));
      expect(stolen!._id).toBe(soon!._id);
    });

    it('saveJobState writes the processing fields, and fails for a job that no longer exists', async () => {
      const saved = await repo.saveJob(job('st'), undefined);
      const lastRunAt = ago(SECOND);
      await repo.saveJobState({ ...saved, lastRunAt, progress: 50, failCount: 2, failReason: 'x' }, { lastModifiedBy: 'w' });
      expect(await repo.getJobById(saved._id!)).toMatchObject({ lastRunAt, progress: 50, failCount: 2, failReason: 'x', lastModifiedBy: 'w' });
      await repo.removeJobs({ id: saved._id! });
      await expect(repo.saveJobState(saved, undefined)).rejects.toThrow(/cannot be updated/);
    });
  });
}

describe('EmbeddedAgendaBackend', () => {
  let dir: string;
  const agendas: Agenda[] = [];
  const newAgenda = (backend: EmbeddedAgendaBackend) => {
    const agenda = new Agenda({ backend, processEvery: 50 });
    agendas.push(agenda);
    return agenda;
  };

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'htx-agenda-'));
  });
  afterEach(async () => {
    for (const agenda of agendas.splice(0)) await agenda.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('is named for dashboards, and closes only a database it opened itself', async () => {
    const own = new EmbeddedAgendaBackend();
    expect(own.name).toBe('Embedded (SQLite)');
    expect(own.ownsConnection).toBe(true);
    const store = new EmbeddedStore(dir);
    const shared = new EmbeddedAgendaBackend({ database: store.database });
    expect(shared.ownsConnection).toBe(false);
    await shared.disconnect();
    expect(await store.collection(CaseModel).count({})).toBe(0);
    await store.close();
    await own.disconnect();
  });

  it('two concurrent getNextJobToRun calls never return the same job', async () => {
    const backend = new EmbeddedAgendaBackend();
    const repo = backend.repository;
    await backend.connect();
    const race = () => Promise.all([next(), next()]);
    const next = () => repo.getNextJobToRun('race', later(SECOND), ago(60 * SECOND), undefined, undefined);

    await repo.saveJob(job('race', { nextRunAt: ago(SECOND) }), undefined);
    const [a, b] = await race();
    expect([a, b].filter(Boolean)).toHaveLength(1);

    for (let i = 0; i < 20; i++) await repo.saveJob(job('race', { nextRunAt: ago(SECOND), priority: i % 3 }), undefined);
    const taken = (await Promise.all(Array.from({ length: 30 }, next))).filter((j) => j !== undefined);
    expect(taken).toHaveLength(20);
    expect(new Set(taken.map((j) => j._id)).size).toBe(20);
    await backend.disconnect();
  });

  it('a job scheduled with agenda.now() runs', async () => {
    const agenda = newAgenda(new EmbeddedAgendaBackend());
    const seen: unknown[] = [];
    agenda.define('hello', async (j) => {
      seen.push(j.attrs.data);
    });
    await agenda.start();
    const done = nextEvent(agenda, 'complete:hello');
    await agenda.now('hello', { to: 'counsellor' });
    await done;
    expect(seen).toEqual([{ to: 'counsellor' }]);
  });

  it('agenda.every() repeats and is saved once, as a single job', async () => {
    const agenda = newAgenda(new EmbeddedAgendaBackend());
    let runs = 0;
    agenda.define('tick', async () => {
      runs++;
    });
    await agenda.every(100, 'tick');
    await agenda.every(100, 'tick'); // as on every boot
    await agenda.start();
    await waitFor('three runs of tick', () => runs >= 3);
    const { jobs, total } = await agenda.queryJobs({ name: 'tick' });
    expect(total).toBe(1);
    expect(jobs[0]).toMatchObject({ type: 'single', repeatInterval: 100 });
  });

  it('a job that throws is stored with failReason and failCount, and the fail event fires', async () => {
    const agenda = newAgenda(new EmbeddedAgendaBackend());
    agenda.define('broken', async () => {
      throw new Error('mailbox unreachable');
    });
    await agenda.start();
    const failed = nextEvent(agenda, 'fail:broken');
    const completed = nextEvent(agenda, 'complete:broken');
    const scheduled = await agenda.now('broken');
    const [error] = await failed;
    expect((error as Error).message).toBe('mailbox unreachable');
    await completed; // agenda saves the job's state before it says complete
    const stored = await agenda.db.getJobById(String(scheduled.attrs._id));
    expect(stored).toMatchObject({ failReason: 'mailbox unreachable', failCount: 1 });
    expect(stored!.failedAt).toBeInstanceOf(Date);
    expect(stored!.lockedAt).toBeUndefined();
  });

  it('a job scheduled in a file-backed store survives a restart', async () => {
    const filename = path.join(dir, 'nested', 'agenda-jobs.db');
    const before = newAgenda(new EmbeddedAgendaBackend({ filename }));
    await before.start(); // no definitions: this process only schedules
    await before.schedule(new Date(), 'deliver', { letter: 42, at: new Date(0) });
    await before.stop();
    agendas.splice(agendas.indexOf(before), 1);

    const after = newAgenda(new EmbeddedAgendaBackend({ filename }));
    const got: unknown[] = [];
    after.define('deliver', async (j) => {
      got.push(j.attrs.data);
    });
    const done = nextEvent(after, 'complete:deliver');
    await after.start();
    await done;
    expect(got).toEqual([{ letter: 42, at: new Date(0) }]);
  });

  it('a file-backed store reloads dates, nulls and locks as they were saved', async () => {
    const filename = path.join(dir, 'jobs.db');
    const first = new EmbeddedAgendaBackend({ filename });
    await first.connect();
    const saved = await first.repository.saveJob(job('keep', { nextRunAt: ago(SECOND), data: { when: new Date(5), none: null } }), undefined);
    const locked = await first.repository.getNextJobToRun('keep', later(SECOND), ago(60 * SECOND), undefined, undefined);
    await first.disconnect();

    const second = new EmbeddedAgendaBackend({ filename });
    await second.connect();
    const read = await second.repository.getJobById(saved._id!);
    expect(read).toMatchObject({ nextRunAt: saved.nextRunAt, lockedAt: locked!.lockedAt, data: { when: new Date(5), none: null } });
    expect(read!.lastRunAt).toBeUndefined();
    await second.disconnect();
  });
});
