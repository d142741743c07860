import fs from 'node:fs';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { startApp } from '../../app/app.js';
import { loadConfig } from '../../app/config.js';
import { IndexBuildError } from '../../store/index.js';
import { engineEnv, tempDir, TEST_ENGINE } from '../helpers/engines.js';

/** Two staff documents with the same e-mail address, written behind the store's back (as old data would be). */
const twins = ['one', 'two'].map((id) => ({
  _id: `twin-${id}`,
  email: 'twin@example.test',
  name: 'Twin',
  role: 'counsellor',
  passwordHash: 'x',
  createdAt: new Date(),
  updatedAt: new Date(),
}));

/** Writes the twins into the store the app is about to open, where no unique index stops them. */
async function seedDuplicateStaff(env: Record<string, string>) {
  if (TEST_ENGINE === 'mongodb') {
    const client = await new MongoClient(env.MONGODB_URI!).connect();
    await client.db().collection('staff').insertMany(twins as never[]);
    await client.close();
    return;
  }
  const dir = path.join(env.DATA_DIR!, 'db');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'staff.db'), twins.map((t) => JSON.stringify({ ...t, createdAt: { $$date: t.createdAt.getTime() }, updatedAt: { $$date: t.updatedAt.getTime() } })).join('\n') + '\n');
}

describe('starting on a store whose unique index cannot be built', () => {
  const dataDir = tempDir('htx-index-refusal-');
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('refuses to start, in one line naming the collection and the index (and on MongoDB how many documents and how to list them)', async () => {
    const env = { ...engineEnv(), PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
    await seedDuplicateStaff(env);
    const refused = await startApp(loadConfig(env)).then(
      async (app) => (await app.stop(), null),
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(IndexBuildError);
    const { message, collection, index } = refused as IndexBuildError;
    expect({ collection, index }).toEqual({ collection: 'staff', index: 'email_1' });
    expect(message).toMatch(/^cannot build index email_1 on collection staff: /);
    expect(message).not.toContain('\n');
    if (TEST_ENGINE === 'mongodb') {
      expect(message).toContain('2 document(s) share a value');
      expect(message).toContain('db.getCollection("staff").aggregate([{"$group":{"_id":{"email":"$email"}');
    }
  });
});
