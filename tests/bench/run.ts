/**
 * `npm run bench`: how many children's messages one process handles per second on the
 * embedded engine — each message stored, run through the conversation, its replies queued in
 * the outbox and delivered to the web chat transcript. Prints figures; asserts nothing.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../app/config.js';
import { startApp } from '../../app/app.js';
import { CaseModel, OutboxModel } from '../../models/index.js';

const CHILDREN = Number(process.env.BENCH_CHILDREN ?? 100);
const SCRIPT: { text?: string; payload?: string }[] = [
  { text: '/start' },
  { payload: 'm.report' },
  { payload: 'a.danger.no' },
  { payload: 'a.about.self' },
  { text: '13 tuổi' },
  { payload: 'c.skip' },
  { text: 'ha noi' },
  { payload: 'c.skip' },
  { payload: 'a.harm.bullying' },
  { text: 'Các bạn trong lớp trêu chọc và lấy đồ của em mỗi ngày, em không muốn đi học nữa.' },
  { payload: 'c.done' },
  { payload: 'c.skip' },
  { payload: 'a.contact.chat' },
];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'htx-bench-'));
const app = await startApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, LOG_LEVEL: 'silent' }), { processEvery: 100 });
const started = process.hrtime.bigint();
let n = 0;
await Promise.all(
  Array.from({ length: CHILDREN }, async () => {
    const chatId = crypto.randomBytes(32).toString('base64url').slice(0, 43);
    for (const step of SCRIPT) {
      await app.inbound.receive({ channel: 'web', updateId: crypto.randomUUID(), chatId, attachments: [], ...step });
      await app.inbound.idle();
      n++;
    }
  }),
);
await app.outbox.deliverDue();
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const cases = await app.store.collection(CaseModel).count({});
const pending = await app.store.collection(OutboxModel).count({ status: { $ne: 'sent' } });
console.log(`children: ${CHILDREN}, messages handled: ${n}, cases opened: ${cases}, replies not yet sent: ${pending}`);
console.log(`time: ${seconds.toFixed(2)} s, ${(n / seconds).toFixed(1)} messages/s (embedded engine, one process)`);
await app.stop();
fs.rmSync(dir, { recursive: true, force: true });
