import fs from 'node:fs';
import path from 'node:path';
import NedbModule from '@seald-io/nedb';
import { describe, expect, it } from 'vitest';
import { CaseModel, MessageModel } from '../../models/index.js';
import { EmbeddedJobRepository } from '../../scheduler/embedded/embedded-job.repository.js';
import { EmbeddedStore, openStore } from '../../store/index.js';
import { tempDir } from '../helpers/engines.js';

const Datastore = ((NedbModule as unknown as { default?: unknown }).default ?? NedbModule) as typeof NedbModule.default;

/** Writes documents with the former engine, as an earlier version left them under DATA_DIR/db. */
async function nedbFile(dataDir: string, name: string, docs: Record<string, unknown>[]) {
  const db = new Datastore({ filename: path.join(dataDir, 'db', `${name}.db`) });
  await db.loadDatabaseAsync();
  await db.insertAsync(docs);
  await db.compactDatafileAsync();
}

describe('moving the former NeDB files into the SQLite database', () => {
  it('happens once at the first start, keeps every document with its dates, and puts the old files aside', async () => {
    const dataDir = tempDir('htx-nedb-');
    const created = new Date(Date.UTC(2026, 5, 1, 8, 30));
    await nedbFile(dataDir, 'cases', [
      { _id: 'case-1', code: 'HTX-22222-33333', kind: 'report', status: 'new', priority: 'urgent', channel: 'telegram', contactId: 'k1', area: { province: 'Hà Giang' }, urgentReasons: [], createdAt: created, updatedAt: created },
    ]);
    await nedbFile(dataDir, 'messages', [{ _id: 'm-1', caseId: 'case-1', author: 'child', text: 'Em bị đánh ở nhà', seq: 1, attachments: [], createdAt: created, updatedAt: created }]);
    await nedbFile(dataDir, 'agenda-jobs', [{ name: 'outbox.deliver', type: 'single', priority: 0, nextRunAt: created, data: null, lockedAt: null, disabled: null }]);
    const logs: string[] = [];

    const store = (await openStore({ dataDir, log: (m) => logs.push(m) })) as EmbeddedStore;
    const c = await store.collection(CaseModel).findOne({ code: 'HTX-22222-33333' });
    expect(c).toMatchObject({ _id: 'case-1', priority: 'urgent', area: { province: 'Hà Giang' }, createdAt: created });
    expect((await store.collection(MessageModel).findByWords('bi danh', {})).map((m) => m._id)).toEqual(['m-1']);
    const jobs = await new EmbeddedJobRepository({ database: store.database }).queryJobs({ name: 'outbox.deliver' });
    expect(jobs.jobs[0]).toMatchObject({ type: 'single', nextRunAt: created });
    await store.close();

    expect(logs).toEqual([expect.stringMatching(/^embedded engine: 3 documents of 3 NeDB files moved into hopthuxanh\.sqlite; the old files are kept in .*nedb-migrated-/)]);
    expect(fs.existsSync(path.join(dataDir, 'db'))).toBe(false);
    const aside = fs.readdirSync(dataDir).find((f) => f.startsWith('nedb-migrated-'))!;
    expect(fs.readdirSync(path.join(dataDir, aside)).sort()).toEqual(['agenda-jobs.db', 'cases.db', 'messages.db']);

    const again = await openStore({ dataDir, log: (m) => logs.push(m) });
    expect(await again.collection(CaseModel).count({})).toBe(1);
    await again.close();
    expect(logs).toHaveLength(1);
  });
});
