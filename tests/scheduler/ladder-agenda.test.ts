/**
 * The ladder as it runs in production: the real app on the embedded engine, the `ladder.sweep`
 * agenda job on a short interval, and the ladder's clock moved by the test. The data is seeded
 * as an older version left it (NeDB files under DATA_DIR/db, moved into SQLite at the start):
 * cases and a forwarded opinion written before the ladder existed, with no `nextReminderAt`
 * and no `ladderSeq`, which the start puts on the ladder.
 */
import fs from 'node:fs';
import path from 'node:path';
import NedbModule from '@seald-io/nedb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../app/app.js';
import { loadConfig } from '../../app/config.js';
import { newCaseCode } from '../../cases/case-code.js';
import { CaseModel, NotificationModel, ReferralModel } from '../../models/index.js';
import { engineEnv, TEST_ENGINE, tempDir } from '../helpers/engines.js';
import { eventually } from '../helpers/telegram-child.js';

const Datastore = ((NedbModule as unknown as { default?: unknown }).default ?? NedbModule) as typeof NedbModule.default;
const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const T0 = new Date('2026-12-01T01:00:00Z');

/** Writes documents with the former engine, as an earlier version left them under DATA_DIR/db. */
async function nedbFile(dataDir: string, name: string, docs: Record<string, unknown>[]) {
  const db = new Datastore({ filename: path.join(dataDir, 'db', `${name}.db`) });
  await db.loadDatabaseAsync();
  await db.insertAsync(docs);
  await db.compactDatafileAsync();
}

/** A case as the version before the ladder wrote it: its deadline, no ladder fields. */
const oldCase = (_id: string, fields: Record<string, unknown> = {}) => ({
  _id,
  code: newCaseCode(),
  kind: 'report',
  status: 'new',
  priority: 'normal',
  channel: 'web',
  contactId: `old-${_id}`,
  urgentReasons: [],
  area: { province: 'Hà Nội', commune: null },
  firstResponseDueAt: new Date(T0.getTime() + 60 * MIN),
  firstResponseAt: null,
  createdAt: T0,
  updatedAt: T0,
  ...fields,
});

// The data comes from the embedded engine's former NeDB files: on the MongoDB leg this suite says it is skipped.
const onMongo = TEST_ENGINE === 'mongodb';
const TITLE = 'the escalation ladder as an agenda job on the embedded engine, started on data from before the ladder';

describe.skipIf(onMongo)(onMongo ? `${TITLE} — SKIPPED on the MongoDB leg (the old data is NeDB files)` : TITLE, () => {
  let dataDir: string;
  let app: App;
  let now = new Date(T0.getTime() + 61 * MIN);

  beforeAll(async () => {
    dataDir = tempDir('htx-ladder-agenda-');
    const at = (minutes: number) => new Date(T0.getTime() + minutes * MIN);
    await nedbFile(dataDir, 'staff', [
      { _id: 'coord', email: 'coord@example.test', name: 'Điều phối Hà Nội', role: 'coordinator', areas: ['Hà Nội'], expertise: [], active: true, passwordHash: 'x', createdAt: T0, updatedAt: T0 },
    ]);
    await nedbFile(dataDir, 'cases', [
      oldCase('waiting'),
      oldCase('answered', { status: 'in_progress', firstResponseAt: at(5) }),
      oldCase('closed', { status: 'closed', closedAt: at(5) }),
      // Answered before the ladder, then triaged after the upgrade: due for a look, yet without `ladderSeq`.
      oldCase('touched', { status: 'in_progress', firstResponseAt: at(5), nextReminderAt: T0 }),
      oldCase('opinion', { kind: 'opinion', status: 'referred', firstResponseAt: at(-9 * 24 * 60) }),
    ]);
    await nedbFile(dataDir, 'referrals', [
      { _id: 'forwarded', caseId: 'opinion', to: 'agency', agencyName: 'Sở Giáo dục', sentAt: new Date(T0.getTime() - 10 * DAY), dueAt: T0, answeredAt: null, staffId: 'coord', createdAt: T0, updatedAt: T0 },
    ]);
    app = await startApp(loadConfig({ ...engineEnv(), DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }), { processEvery: 50, ladderEvery: '1 second', clock: () => now });
  }, 30_000);
  afterAll(async () => {
    await app?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const events = async (caseId: string, event: string) => (await app.store.collection(NotificationModel).find({ caseId, event })).length;
  const waitFor = (caseId: string, event: string, count: number) =>
    eventually(async () => (await events(caseId, event)) >= count, 10_000, async () => `${event} for ${caseId}: ${await events(caseId, event)} of ${count}`);

  it('alerts the coordinators of an old open case past its deadline, through the agenda job, and again an hour later', async () => {
    await waitFor('waiting', 'ladder_2', 1);
    expect(await events('waiting', 'ladder_2')).toBe(1);
    now = new Date(now.getTime() + 60 * MIN);
    await waitFor('waiting', 'ladder_2', 2);
    const stepped = await app.store.collection(CaseModel).findOne({ _id: 'waiting' });
    expect(stepped!.ladder).toMatchObject({ rung: 2, count: 2 });
    expect(stepped!.nextReminderAt!.getTime()).toBeGreaterThan(now.getTime());
  });

  it('puts an old forwarded opinion whose agency answer is overdue on the ladder too', async () => {
    await waitFor('opinion', 'agency_2', 1);
    expect((await app.store.collection(ReferralModel).findOne({ _id: 'forwarded' }))!.ladderSeq).toBeGreaterThan(0);
  });

  it('steps an old case that is due but has no ladderSeq (nothing to say: it was answered) and lets it be', async () => {
    const touched = () => app.store.collection(CaseModel).findOne({ _id: 'touched' });
    await eventually(async () => (await touched())!.nextReminderAt === null, 10_000, async () => JSON.stringify(await touched()));
    expect(await app.store.collection(NotificationModel).count({ caseId: 'touched' })).toBe(0);
  });

  it('leaves old cases that were answered or closed alone, and a second backfill finds nothing to do', async () => {
    for (const id of ['answered', 'closed']) {
      const after = await app.store.collection(CaseModel).findOne({ _id: id });
      expect(after!.nextReminderAt ?? null).toBeNull();
      expect(await app.store.collection(NotificationModel).count({ caseId: id })).toBe(0);
    }
    expect(await app.ladder.backfill()).toEqual({ cases: 0, referrals: 0 });
  });
});
