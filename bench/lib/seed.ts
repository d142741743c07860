import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DataCipher } from '../../app/crypto.js';
import { createLogger } from '../../app/logger.js';
import { hashPassword } from '../../backoffice/auth/passwords.js';
import { fillAnswerDue } from '../../cases/answer-due.js';
import { normalizeCaseAreas } from '../../cases/area-backfill.js';
import { areaDirectoryOf, readSettings } from '../../cases/live-settings.js';
import { CaseService } from '../../cases/cases.service.js';
import { DEFAULT_SLA } from '../../cases/sla-policy.js';
import { CaseModel, ContactModel, DEFAULT_ESCALATION, StaffModel, type CaseStatus } from '../../models/index.js';
import { Outbox } from '../../outbox/outbox.service.js';
import { ALL_MODELS } from '../../models/all-models.js';
import { ensureIndexes, openStore, type Store } from '../../store/index.js';

/** The staff account the bench signs in with (an admin sees every case). */
export const BENCH_STAFF = { email: 'bench@hopthuxanh.local', password: 'bench-password-0123456789' };

/** One case in twenty tells of the dormitory: the word search finds about 5 % of cases. */
export const RARE_WORDS = 'ký túc xá';

/** Cases written per transaction while seeding. */
const BATCH = 250;

const STORIES = [
  'Các bạn trong lớp trêu chọc và lấy đồ của em mỗi ngày, em không muốn đi học nữa.',
  'Bố em uống rượu xong hay đánh mẹ và em, em sợ lắm.',
  'Có người lạ nhắn tin trên mạng đòi em gửi ảnh, nếu không sẽ bêu xấu em.',
  'Em muốn trường có thêm giờ ra chơi và sân bóng cho học sinh.',
  'Bạn em bị cô giáo phạt đứng ngoài nắng cả buổi.',
  'Em bị mắng là vô dụng mỗi khi điểm thấp, em buồn lắm.',
  'Em muốn được tư vấn về chuyện bố mẹ ly hôn.',
  `Ở ${RARE_WORDS} có anh lớp trên bắt em làm việc vặt và đòi tiền.`,
];
const KINDS = ['report', 'report', 'opinion', 'advice'] as const;
const PROVINCES = ['Hà Nội', 'Đà Nẵng', 'Thành phố Hồ Chí Minh', 'Huế', 'Cần Thơ', 'Nghệ An'];
/** How the seeded cases spread over the workflow; `new` is the rest. */
const STATUS_SHARE: [CaseStatus, number][] = [['in_progress', 0.3], ['resolved', 0.2], ['closed', 0.2], ['waiting', 0.05], ['triaged', 0.05]];

export interface SeedTarget {
  dataDir: string;
  dataKey: Buffer;
}

/** A case the bench asks for by code and opens. */
export interface SampleCase {
  id: string;
  code: string;
}

/**
 * Brings the store under `dataDir` up to `total` cases (3 of the child's messages each), opened
 * through the case service as the bot opens them, with statuses spread over the workflow.
 * Returns a case to look up. The store is closed afterwards, ready for the app to open.
 */
export async function seedCases(target: SeedTarget, total: number, log: (m: string) => void): Promise<SampleCase> {
  const store = await openStore({ dataDir: target.dataDir });
  try {
    await ensureBenchStaff(store);
    const cipher = new DataCipher(target.dataKey);
    const logger = createLogger('silent');
    const cases = new CaseService(store, new Outbox(store, cipher, logger), cipher, logger, () => ({ sla: DEFAULT_SLA, escalation: DEFAULT_ESCALATION }));
    const have = await store.collection(CaseModel).count({});
    const started = performance.now();
    let next = have;
    const progress = setInterval(() => log(`seeding: ${next} / ${total} cases`), 15_000);
    try {
      // A few hundred cases per transaction: one commit for all their writes, as a bulk load does.
      for (; next < total; ) {
        const from = next;
        next = Math.min(total, from + BATCH);
        await store.transaction(async () => {
          for (let i = from; i < next; i++) await seedOne(store, cases, cipher, i);
        });
        // The embedded engine never waits: let the progress timer run.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      clearInterval(progress);
    }
    if (total > have) log(`seeded ${total - have} cases in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const sample = await store.collection(CaseModel).findOne({ status: 'in_progress' });
    if (!sample) throw new Error('no seeded case found');
    return { id: sample._id, code: sample.code };
  } finally {
    await store.close();
  }
}

/** One contact per ten cases (a child who wrote several times), the first time it is needed. */
async function contactFor(store: Store, cipher: DataCipher, i: number): Promise<string> {
  const pseudonym = cipher.pseudonym('telegram', `bench-${Math.floor(i / 10)}`);
  const contacts = store.collection(ContactModel);
  const found = i % 10 === 0 ? null : await contacts.findOne({ channel: 'telegram', pseudonym });
  if (found) return found._id;
  const made = await contacts.insertOne({ channel: 'telegram', pseudonym, addressEnc: cipher.encrypt(String(70_000_000 + i)), lang: 'vi' }).catch(() => null);
  return made?._id ?? (await contacts.findOne({ channel: 'telegram', pseudonym }))!._id;
}

async function seedOne(store: Store, cases: CaseService, cipher: DataCipher, i: number) {
  const contactId = await contactFor(store, cipher, i);
  const story = STORIES[i % STORIES.length]!;
  const opened = await cases.openCase({
    kind: KINDS[i % KINDS.length]!,
    channel: 'telegram',
    contactId,
    fields: { area: { province: PROVINCES[i % PROVINCES.length]! } },
    urgentReasons: [],
    texts: [story, 'Em cảm ơn anh chị đã đọc.', `Chuyện này kéo dài ${(i % 12) + 1} tháng rồi.`],
    attachments: [],
  });
  const status = statusFor(i);
  if (status !== 'new') await store.collection(CaseModel).findOneAndUpdate({ _id: opened._id }, { $set: { status } });
}

function statusFor(i: number): CaseStatus {
  let x = ((i * 7919) % 1000) / 1000;
  for (const [status, share] of STATUS_SHARE) {
    if (x < share) return status;
    x -= share;
  }
  return 'new';
}

async function ensureBenchStaff(store: Store) {
  const staff = store.collection(StaffModel);
  if (await staff.findOne({ email: BENCH_STAFF.email })) return;
  await staff.insertOne({ email: BENCH_STAFF.email, name: 'Bench', role: 'admin', passwordHash: await hashPassword(BENCH_STAFF.password), mustChangePassword: false });
}

export const newDataKey = () => crypto.randomBytes(32);

/**
 * Seeded stores are kept between runs under `bench/.cache/` (git-ignored): seeding 100k cases
 * through the case service takes minutes. Bump this when what `seedCases` writes changes, or
 * delete the folder, to seed anew.
 */
export const SEED_VERSION = 2;

/** A seeded store that scenarios copy and never change; `sample` is a case to look up. */
export interface SeededTemplate extends SeedTarget {
  size: number;
  sample: SampleCase;
}

const COMPLETE = 'seeded.json';

/**
 * The template store of `size` cases, seeded the first time it is asked for (starting from the
 * largest smaller template there is) and kept for the next runs.
 */
export async function seededTemplate(cacheRoot: string, size: number, log: (m: string) => void): Promise<SeededTemplate> {
  const dirOf = (n: number) => path.join(cacheRoot, `cases-v${SEED_VERSION}-${n}`);
  const dataDir = dirOf(size);
  const done = path.join(dataDir, COMPLETE);
  if (fs.existsSync(done)) {
    const saved = JSON.parse(fs.readFileSync(done, 'utf8')) as { dataKey: string; sample: SampleCase };
    log(`seeded store of ${size} cases reused from ${path.relative(process.cwd(), dataDir)}`);
    // Indexes the schemas gained since it was seeded, and the one-time steps of a start after
    // an upgrade — open cases given their answer deadline (41 s at 100k), typed places matched
    // to a changed area list (1–3 s) — run now, not in the first start timed: a deployment pays
    // them once, at its first start after the upgrade.
    const store = await openStore({ dataDir });
    await ensureIndexes(store, ALL_MODELS)
      .then(() => fillAnswerDue(store))
      .then(async () => normalizeCaseAreas(store, areaDirectoryOf(await readSettings(store))))
      .finally(() => store.close());
    return { size, dataDir, dataKey: Buffer.from(saved.dataKey, 'hex'), sample: saved.sample };
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
  const smaller = fs.existsSync(cacheRoot)
    ? fs
        .readdirSync(cacheRoot)
        .map((name) => new RegExp(`^cases-v${SEED_VERSION}-(\\d+)$`).exec(name))
        .map((m) => Number(m?.[1] ?? NaN))
        .filter((n) => n < size && fs.existsSync(path.join(dirOf(n), COMPLETE)))
        .sort((a, b) => b - a)[0]
    : undefined;
  let dataKey = newDataKey();
  if (smaller !== undefined) {
    fs.cpSync(dirOf(smaller), dataDir, { recursive: true });
    fs.rmSync(path.join(dataDir, COMPLETE));
    dataKey = Buffer.from((JSON.parse(fs.readFileSync(path.join(dirOf(smaller), COMPLETE), 'utf8')) as { dataKey: string }).dataKey, 'hex');
    log(`seeding ${size} cases, starting from the ${smaller} already seeded`);
  }
  const sample = await seedCases({ dataDir, dataKey }, size, log);
  fs.writeFileSync(done, JSON.stringify({ dataKey: dataKey.toString('hex'), sample }));
  return { size, dataDir, dataKey, sample };
}

/** A private copy of a template for one scenario to use (and change) freely. */
export function copyOfTemplate(template: SeededTemplate, into: string): SeededTemplate {
  fs.cpSync(template.dataDir, into, { recursive: true });
  fs.rmSync(path.join(into, COMPLETE), { force: true });
  return { ...template, dataDir: into };
}
