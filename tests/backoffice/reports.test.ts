import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/config.js';
import { startApp, type App } from '../../app/app.js';
import { newCaseCode } from '../../cases/case-code.js';
import { readSettings } from '../../cases/live-settings.js';
import { tr } from '../../locales/i18n.js';
import { AuditEventModel, CaseModel, MessageModel, type Case, type StaffRole } from '../../models/index.js';
import { AdminClient, createStaffAccount } from '../helpers/admin-client.js';
import { engineEnv } from '../helpers/engines.js';

const PASSWORD = 'a long enough password';
const DB = 'Điện Biên';
const LC = 'Lai Châu';
const Q3 = 'report=opinions&period=quarter&year=2026&quarter=3';
const vn = (local: string) => new Date(`${local}+07:00`);
const vi = tr('vi');
const DAY = 24 * 60 * 60_000;

/** RFC 4180: quoted fields may hold commas, quotes ("") and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\r' && text[i + 1] === '\n') {
      rows.push([...row, field]);
      (row = []), (field = ''), i++;
    } else field += c;
  }
  return rows;
}

describe('the reports section, through the routes (the real app, in-process)', () => {
  let app: App;
  let dataDir: string;
  const clients: Record<string, AdminClient> = {};
  const codes: string[] = [];

  async function person(key: string, role: StaffRole, areas: string[]) {
    const email = `${key}@example.test`;
    await createStaffAccount(app, { email, password: PASSWORD, name: key, role, areas, twoFactor: false });
    const client = new AdminClient(app.url);
    expect((await client.signIn(email, PASSWORD)).status).toBe(303);
    clients[key] = client;
  }

  async function opinion(province: string, topic: string, text: string, i: number): Promise<Case> {
    const c = await app.store.collection(CaseModel).insertOne({
      code: newCaseCode(), kind: 'opinion', channel: 'web', contactId: `c-${province}-${i}`, area: { province, commune: 'Mường Phăng' }, topic,
      gender: i % 2 ? 'girl' : 'boy', createdAt: vn(`2026-08-${String(1 + i).padStart(2, '0')}T09:00:00`),
    } as Partial<Case>);
    codes.push(c.code);
    await app.store.collection(MessageModel).insertOne({ caseId: c._id, author: 'child', text });
    return c;
  }

  /** A download with the client's session: status, type, bytes. */
  async function download(client: AdminClient, url: string) {
    const res = await fetch(new URL(url, app.url), { headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    return { status: res.status, type: res.headers.get('content-type') ?? '', disposition: res.headers.get('content-disposition') ?? '', bytes: Buffer.from(await res.arrayBuffer()) };
  }

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'htx-reports-routes-'));
    app = await startApp(loadConfig({ ...engineEnv(), PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', STAFF_2FA: 'optional' }), { processEvery: 200 });
    await person('coordDB', 'coordinator', [DB]);
    await person('lan', 'counsellor', [DB]);
    await person('boss', 'admin', []);
    for (let i = 0; i < 7; i++) await opinion(DB, 'school_play', `Em muốn có thêm sân chơi ở trường, nói với thầy Hùng giúp em (số ${i}: 0912 345 67${i})`, i);
    for (let i = 0; i < 2; i++) await opinion(DB, 'dignity', 'Cô giáo Mai không nên mắng cả lớp', 10 + i);
    await opinion(LC, 'school_play', 'Ý kiến ở Lai Châu', 20);
  });
  afterAll(async () => {
    await app?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('when a coordinator opens the quarterly opinions report, then it shows their province with charts, "<5" and no case code', async () => {
    const page = await clients.coordDB!.get(`/admin/reports?${Q3}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<svg');
    expect(page.html).toMatch(/role="img" aria-labelledby="chart-topic-title chart-topic-desc"/);
    expect(page.html).toContain('Học tập, vui chơi, giải trí');
    expect(page.html).toContain('&lt;5');
    expect(page.html).toContain('Quý 3/2026 (01/07/2026 – 30/09/2026)');
    expect(page.html).not.toContain('Ý kiến ở Lai Châu');
    expect(page.html).not.toContain('Hùng');
    expect(page.html).not.toContain('0912');
    for (const code of codes) expect(page.html).not.toContain(code);
  });

  it('when the CSV is downloaded, then it is UTF-8 with a BOM and reads back with its Vietnamese intact', async () => {
    const file = await download(clients.coordDB!, `/admin/reports/export?format=csv&${Q3}`);
    expect(file.status).toBe(200);
    expect(file.type).toContain('text/csv');
    expect(file.disposition).toContain('hopthuxanh-opinions-2026-07-01-2026-09-30.csv');
    expect([...file.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = file.bytes.toString('utf8').slice(1);
    const rows = parseCsv(text);
    expect(rows[0]).toEqual(['Ý kiến, nguyện vọng của trẻ em']);
    expect(rows[1]).toEqual(['Tỉnh, thành phố: Điện Biên']);
    expect(rows).toContainEqual(['Học tập, vui chơi, giải trí', '7']);
    expect(rows).toContainEqual(['Tôn trọng, nhân phẩm', '<5']);
    expect(rows).toContainEqual(['Tôn trọng, nhân phẩm', 'Cô giáo […] không nên mắng cả lớp']);
    expect(text).not.toContain('Lai Châu');
    for (const code of codes) expect(text).not.toContain(code);
  });

  it('when the XLSX is downloaded, then it opens with figures as numbers, "<5" as text and Vietnamese intact', async () => {
    const file = await download(clients.coordDB!, `/admin/reports/export?format=xlsx&${Q3}`);
    expect(file.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(file.bytes as unknown as ArrayBuffer);
    expect(book.worksheets.map((s) => s.name)).toEqual(['Số liệu', 'Ý kiến trẻ em']);
    const cells = book.worksheets[0]!.getSheetValues().flatMap((row) => (Array.isArray(row) ? row.slice(1) : []));
    expect(cells).toContain('Ý kiến, nguyện vọng của trẻ em');
    expect(cells).toContain('Tỉnh, thành phố: Điện Biên');
    expect(cells).toContain('Học tập, vui chơi, giải trí');
    expect(cells).toContain(9);
    expect(cells).toContain('<5');
    const quotes = book.worksheets[1]!.getColumn(2).values.filter((v): v is string => typeof v === 'string');
    expect(quotes).toContain('Cô giáo […] không nên mắng cả lớp');
    expect(quotes.join(' ')).not.toMatch(/Hùng|0912/);
  });

  it('when a report is viewed or exported, then the audit log records what and which period, never a figure', async () => {
    const events = await app.store.collection(AuditEventModel).find({ action: { $in: ['report.viewed', 'report.exported'] } });
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['report.viewed', 'report.exported']));
    const exported = events.filter((e) => e.action === 'report.exported').map((e) => e.details);
    expect(exported).toEqual(expect.arrayContaining([
      { report: 'opinions', from: '2026-07-01', to: '2026-09-30', province: null, format: 'csv' },
      { report: 'opinions', from: '2026-07-01', to: '2026-09-30', province: null, format: 'xlsx' },
    ]));
  });

  it('when a counsellor, or a coordinator asking for another province, opens reports, then they are refused', async () => {
    expect((await clients.lan!.get(`/admin/reports?${Q3}`)).status).toBe(403);
    expect((await download(clients.lan!, `/admin/reports/export?format=csv&${Q3}`)).status).toBe(403);
    expect((await clients.coordDB!.get(`/admin/reports?${Q3}&province=${encodeURIComponent(LC)}`)).status).toBe(403);
    expect((await clients.lan!.get('/admin/cases')).html).not.toContain('href="/admin/reports"');
  });

  it('when a range ends before it starts, then the form says so and shows no report', async () => {
    const page = await clients.coordDB!.get('/admin/reports?report=incidents&period=range&from=2026-09-01&to=2026-08-01');
    expect(page.status).toBe(400);
    expect(page.html).toContain('Ngày kết thúc phải sau ngày bắt đầu.');
    expect(page.html).not.toContain('<svg');
  });

  describe('the retention period in the settings', () => {
    const retentionDays = async () => (await readSettings(app.store))?.retentionDays ?? null;
    let closedLongAgo: Case;

    beforeAll(async () => {
      // A case closed 40 days ago: kept under the server's 365 days, past a 30-day period.
      closedLongAgo = await app.store.collection(CaseModel).insertOne({
        code: newCaseCode(), kind: 'report', channel: 'web', contactId: 'c-retention', area: { province: DB }, status: 'closed', closedAt: new Date(Date.now() - 40 * DAY),
      } as Partial<Case>);
      await app.store.collection(MessageModel).insertOne({ caseId: closedLongAgo._id, author: 'child', text: 'chú hàng xóm hay đánh em' });
    });

    it('when an admin saves a retention period, then it is shown, audited by name, and the daily erasure uses it', async () => {
      expect((await app.eraseExpired()).cases).toBe(0);
      const saved = await clients.boss!.postForm('/admin/settings/retention', { retentionDays: '30' });
      expect(saved.status).toBe(303);
      const page = await clients.boss!.follow(saved);
      expect(page.html).toContain(vi('admin.settings.saved.retention'));
      expect(page.html).toMatch(/name="retentionDays"[^>]*value="30"|value="30"[^>]*name="retentionDays"/);
      expect(await retentionDays()).toBe(30);
      const [audit] = await app.store.collection(AuditEventModel).find({ action: 'settings.updated' });
      expect(audit!.details).toEqual({ fields: ['retentionDays'] });

      expect((await app.eraseExpired()).cases).toBe(1);
      expect((await app.store.collection(MessageModel).findOne({ caseId: closedLongAgo._id }))!.text).toBe('');
    });

    it('when an admin enters a period out of range or not a whole number, then the form says what is accepted and nothing is saved', async () => {
      for (const bad of ['10', '4000', 'một năm', '45.5']) {
        const refused = await clients.boss!.postForm('/admin/settings/retention', { retentionDays: bad });
        expect(refused.status, bad).toBe(400);
        expect(refused.html).toContain(vi('errors.fields.retention_days'));
        expect(refused.html).toContain(`value="${bad}"`);
      }
      expect(await retentionDays()).toBe(30);
    });

    it('when an admin empties the field, then the server\'s RETENTION_DAYS is in force again', async () => {
      expect((await clients.boss!.postForm('/admin/settings/retention', { retentionDays: '' })).status).toBe(303);
      expect(await retentionDays()).toBeNull();
      expect((await clients.boss!.postForm('/admin/settings/retention', { retentionDays: '30' })).status).toBe(303);
    });

    it('when a coordinator or a counsellor tries to change the period, then they are refused and it stays as it was', async () => {
      for (const who of ['coordDB', 'lan']) {
        expect((await clients[who]!.get('/admin/settings')).status, who).toBe(403);
        expect((await clients[who]!.postForm('/admin/settings/retention', { retentionDays: '3650' })).status, who).toBe(403);
      }
      expect(await retentionDays()).toBe(30);
    });
  });
});
