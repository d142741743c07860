import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeBotApi, waitUntil } from '../fakes/fake-bot-api.js';
import { freshMongoUri, TEST_DATA_KEY, TEST_ENGINE, tempDir } from '../helpers/engines.js';

/**
 * The MongoDB leg only: two real processes (`npm start`'s entry point) on one database and one
 * Telegram bot. One polls; killed without a chance to release its lease, the other takes over
 * once the lease expires (30 s).
 */
describe.skipIf(TEST_ENGINE !== 'mongodb')('two processes on one MongoDB', () => {
  const children: ChildProcess[] = [];
  let fake: FakeBotApi;
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await fake?.stop();
  });

  it('long-polls from one process only, and the other takes over when the first is killed', async () => {
    fake = await new FakeBotApi().start();
    const uri = freshMongoUri();
    const logs: string[][] = [];
    const start = () => {
      const out: string[] = [];
      logs.push(out);
      const child = spawn(process.execPath, ['--import', 'tsx', 'app/main.ts'], {
        env: { PATH: process.env.PATH, MONGODB_URI: uri, DATA_KEY: TEST_DATA_KEY, DATA_DIR: tempDir(), PORT: '0', HOST: '127.0.0.1', TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot },
      });
      child.stdout!.on('data', (d: Buffer) => out.push(d.toString()));
      child.stderr!.on('data', (d: Buffer) => out.push(d.toString()));
      children.push(child);
      return child;
    };
    const polls = (i: number) => logs[i]!.some((l) => l.includes('lease acquired; starting here'));
    start();
    start();
    await waitUntil(() => polls(0) || polls(1), 60_000, () => 'a process to start polling');
    const first = polls(0) ? 0 : 1;
    fake.userSendsText(52_000_001, '/start');
    await waitUntil(() => fake.sent.some((m) => String(m.chat_id) === '52000001'), 30_000, () => 'an answer');
    expect(polls(1 - first)).toBe(false);

    children[first]!.kill('SIGKILL');
    await waitUntil(() => polls(1 - first), 60_000, () => 'the other process to take over');
    fake.userSendsText(52_000_002, '/start');
    await waitUntil(() => fake.sent.some((m) => String(m.chat_id) === '52000002'), 30_000, () => 'an answer after the takeover');
    expect(logs.flat().join('')).not.toContain('409');
  }, 180_000);
});
