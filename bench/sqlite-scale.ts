/**
 * A quick measurement of the embedded engine at scale (not a test; `npm run bench` is the
 * official bench): seeds N cases × 3 messages through the store, reopens the database, then
 * times the inbox as the back office asks it (CaseQuery.list): first page, a status filter,
 * a case code, a word. Usage: npx tsx bench/sqlite-scale.ts [cases=10000] [dir]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CaseQuery } from '../cases/case-query.js';
import { CaseListQuerySchema } from '../cases/case-work.schemas.js';
import { newCaseCode } from '../cases/case-code.js';
import { CASE_STATUSES, CaseModel, MessageModel } from '../models/index.js';
import { EmbeddedStore } from '../store/index.js';

const N = Number(process.argv[2] ?? 10_000);
const dir = process.argv[3] ?? fs.mkdtempSync(path.join(os.tmpdir(), 'htx-scale-'));
const WORDS = ['em', 'bị', 'đánh', 'mẹ', 'bố', 'trường', 'bạn', 'sợ', 'học', 'nhà', 'thầy', 'cô', 'buồn', 'ăn', 'ngủ', 'chơi', 'điện thoại', 'mạng', 'xóm', 'lớp'];
const pick = <T>(a: readonly T[], i: number) => a[i % a.length]!;

async function seed(store: EmbeddedStore) {
  const cases = store.collection(CaseModel);
  const messages = store.collection(MessageModel);
  const t0 = performance.now();
  for (let start = 0; start < N; start += 250) {
    await store.transaction(async () => {
      for (let i = start; i < Math.min(N, start + 250); i++) {
        const c = await cases.insertOne({
          code: newCaseCode(), kind: pick(['report', 'opinion', 'advice'] as const, i), channel: 'telegram', contactId: `contact-${i}`,
          status: pick(CASE_STATUSES, i * 7), area: { province: `Tỉnh ${i % 34}` },
          // Spread over time, as a real inbox is (insertOne keeps a given createdAt).
          ...({ createdAt: new Date(Date.now() - (N - i) * 60_000) } as object),
        });
        for (let k = 0; k < 3; k++) {
          const text = Array.from({ length: 12 }, (_, w) => pick(WORDS, i * 31 + k * 7 + w * 13)).join(' ') + (i % 1000 === 0 ? ' quyzhnoi' : '');
          await messages.insertOne({ caseId: c._id, author: k === 1 ? 'counsellor' : 'child', text });
        }
      }
    });
    if (start % 10_000 === 0) process.stderr.write(`seeded ${start} cases, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
  }
  return (performance.now() - t0) / 1000;
}

function pct(xs: number[], p: number) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function time(label: string, fn: () => Promise<unknown>, runs = 30) {
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    xs.push(performance.now() - t);
  }
  console.log(`${label.padEnd(28)} p50 ${pct(xs, 50).toFixed(1).padStart(7)} ms   p95 ${pct(xs, 95).toFixed(1).padStart(7)} ms`);
}

const fresh = !fs.existsSync(path.join(dir, 'hopthuxanh.sqlite'));
if (fresh) {
  const s = new EmbeddedStore(dir);
  const secs = await seed(s);
  console.log(`seeded ${N} cases × 3 messages in ${secs.toFixed(0)} s (${((N * 4) / secs).toFixed(0)} validated inserts/s)`);
  await s.close();
}
const t0 = performance.now();
const store = new EmbeddedStore(dir);
const query = new CaseQuery(store);
const admin = { id: 'admin', role: 'admin' as const, areas: [], expertise: [] };
const coordinator = { id: 'coord', role: 'coordinator' as const, areas: ['Tỉnh 3', 'Tỉnh 4'], expertise: [] };
await query.list(admin, CaseListQuerySchema.parse({}));
console.log(`start-up (open + quick_check + first inbox page): ${(performance.now() - t0).toFixed(0)} ms`);
const one = await store.collection(CaseModel).findOne({}, { sort: { createdAt: 1 } });
await time('inbox first page (admin)', () => query.list(admin, CaseListQuerySchema.parse({})));
await time('inbox first page (coord.)', () => query.list(coordinator, CaseListQuerySchema.parse({})));
await time('status filter', () => query.list(admin, CaseListQuerySchema.parse({ status: 'in_progress' })));
await time('search by case code', () => query.list(admin, CaseListQuerySchema.parse({ q: one!.code })));
await time('search a rare word', () => query.list(admin, CaseListQuerySchema.parse({ q: 'quyzhnoi' })));
await time('search a common word', () => query.list(admin, CaseListQuerySchema.parse({ q: 'bị đánh' })));
console.log(`RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB; database ${(fs.statSync(path.join(dir, 'hopthuxanh.sqlite')).size / 1e6).toFixed(0)} MB in ${dir}`);
await store.close();
