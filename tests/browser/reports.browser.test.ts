/**
 * The report page in Chromium: a coordinator signs in, opens the quarterly opinions, the
 * incidents and the trends, and prints. Screenshots (desktop, phone, print) and a PDF go to
 * test-artifacts/screenshots/reports-*; axe-core checks the page; the CSP must refuse nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/config.js';
import { startApp, type App } from '../../app/app.js';
import { newCaseCode } from '../../cases/case-code.js';
import { CaseModel, HARM_TYPES, MessageModel, TOPICS, type Case } from '../../models/index.js';
import { createStaffAccount } from '../helpers/admin-client.js';
import { chromiumSuiteTitle, DESKTOP, hasChromium, launchChromium, newPerson, PHONE, saveScreenshot, SHOTS, shotWithoutOverflow } from '../helpers/browser.js';
import { engineEnv } from '../helpers/engines.js';

const COORDINATOR = { email: 'coord@example.test', password: 'một câu dài dễ nhớ' };
const DB = 'Điện Biên';
const vn = (local: string) => new Date(`${local}+07:00`);
const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const OPINIONS = [
  'Em muốn trường có thêm sân chơi và thư viện mở cửa cả giờ ra chơi.',
  'Em mong bố mẹ dành thời gian nói chuyện với em nhiều hơn, không chỉ hỏi điểm số.',
  'Cô giáo Mai hay so sánh em với bạn khác trước lớp, em thấy xấu hổ lắm.',
  'Đường đến trường không có vỉa hè, xe chạy nhanh, em sợ bị tai nạn.',
  'Em muốn được học bơi ở trường để không bị đuối nước.',
];

describe.skipIf(!hasChromium)(chromiumSuiteTitle('the report page in Chromium: charts, phone, print'), { timeout: 120_000 }, () => {
  let app: App;
  let dataDir: string;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  async function addCase(i: number, fields: Partial<Case>, text?: string) {
    const c = await app.store.collection(CaseModel).insertOne({
      code: newCaseCode(), channel: i % 3 ? 'telegram' : 'web', contactId: `c-${i}`, area: { province: DB, commune: i % 4 ? 'Mường Phăng' : 'Thanh Nưa' },
      gender: i % 2 ? 'girl' : 'boy', ageBand: i % 3 ? '11_13' : '14_15', reporterRole: i % 5 ? 'child' : 'parent', ...fields,
    } as Partial<Case>);
    if (text) await app.store.collection(MessageModel).insertOne({ caseId: c._id, author: 'child', text });
  }

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'htx-reports-browser-'));
    app = await startApp(loadConfig({ ...engineEnv(), PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', STAFF_2FA: 'optional', ADMIN_PASSWORD: 'correct horse battery' }), { processEvery: 200 });
    await createStaffAccount(app, { ...COORDINATOR, name: 'Lò Văn Minh', role: 'coordinator', areas: [DB], twoFactor: false });
    const weights = [9, 3, 14, 6, 8, 11, 7, 2, 1, 5];
    let i = 0;
    for (const [t, topic] of TOPICS.entries()) {
      for (let k = 0; k < weights[t]!; k++, i++) {
        const createdAt = vn(`2026-0${7 + (k % 3)}-${String(1 + (k % 27)).padStart(2, '0')}T09:00:00`);
        await addCase(i, { kind: 'opinion', topic, createdAt, firstResponseAt: new Date(createdAt.getTime() + (5 + k) * 3_600_000), firstResponseDueAt: new Date(createdAt.getTime() + 72 * 3_600_000) }, k === 0 ? OPINIONS[t % OPINIONS.length] : undefined);
      }
    }
    const harm = [12, 6, 1, 0, 7, 9, 15, 3];
    for (const [h, harmType] of HARM_TYPES.entries()) {
      for (let k = 0; k < harm[h]!; k++, i++) {
        const createdAt = vn(`2026-${String(1 + ((k * 5 + h) % 9)).padStart(2, '0')}-${String(1 + (k % 27)).padStart(2, '0')}T10:00:00`);
        await addCase(i, { kind: 'report', harmType, priority: k % 4 ? 'high' : 'urgent', status: k % 3 ? 'resolved' : 'in_progress', createdAt, firstResponseAt: new Date(createdAt.getTime() + (1 + k) * 3_600_000), firstResponseDueAt: new Date(createdAt.getTime() + 12 * 3_600_000) });
      }
    }
    browser = await launchChromium();
    page = (await newPerson(browser, { viewport: DESKTOP, problems })).page;
    await page.goto(`${app.url}/admin/login`);
    await page.fill('#email', COORDINATOR.email);
    await page.fill('#password', COORDINATOR.password);
    // Two-factor sign-in is optional here: the offer to enrol is skipped.
    await Promise.all([page.waitForURL(/\/admin\/(cases|2fa)/), page.click('button[type=submit]')]);
    await page.goto(`${app.url}/admin/cases`);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function axeViolations(): Promise<string[]> {
    // Evaluated by the test driver, not as a page script: the page's CSP stays as it is.
    await page.evaluate(AXE);
    const result = await page.evaluate(async () => (await (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string }[] }> } }).axe.run()).violations);
    return result.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
  }

  it('shows the quarterly opinions with a bar chart per topic, readable and accessible', async () => {
    await page.click('a[href="/admin/reports"]');
    await page.click('a[href="/admin/reports?report=opinions"]');
    await page.selectOption('#report-quarter', '3');
    await page.fill('#report-year', '2026');
    await page.click('button:has-text("Xem báo cáo")');
    await expect.poll(() => page.locator('svg.chart rect.chart-bar').count()).toBeGreaterThan(3);
    expect(await page.locator('#report-title').textContent()).toBe('Ý kiến, nguyện vọng của trẻ em');
    expect(await page.locator('svg.chart title').first().textContent()).toBe('Theo chủ đề');
    await shotWithoutOverflow(page, 'reports-opinions-desktop');
    expect(await axeViolations()).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('prints as a clean A4 report with the province, period and date, without the menus and forms', async () => {
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header.top').isVisible()).toBe(false);
    expect(await page.locator('form.filters').isVisible()).toBe(false);
    expect(await page.locator('.report-brand').isVisible()).toBe(true);
    const meta = await page.locator('.report-meta').textContent();
    expect(meta).toContain('Điện Biên');
    expect(meta).toContain('Quý 3/2026');
    expect(meta).toMatch(/Ngày lập: .*\d{1,2}\/\d{1,2}\/20\d\d/);
    await saveScreenshot(page, 'reports-opinions-print', { fullPage: true });
    await page.pdf({ path: path.join(SHOTS, 'reports-opinions.pdf'), format: 'A4', printBackground: true });
    expect(fs.statSync(path.join(SHOTS, 'reports-opinions.pdf')).size).toBeGreaterThan(10_000);
    await page.emulateMedia({ media: 'screen' });
  });

  it('shows incidents and the year\'s trend line, in English too, and on a phone', async () => {
    await page.goto(`${app.url}/admin/reports?report=incidents&period=year&year=2026&lang=en`);
    expect(await page.locator('svg#chart-harm title').textContent()).toBe('By kind of harm');
    await shotWithoutOverflow(page, 'reports-incidents-desktop-en');
    await page.goto(`${app.url}/admin/reports?report=trends&year=2026&lang=vi`);
    expect(await page.locator('svg#chart-months polyline').count()).toBeGreaterThan(0);
    await shotWithoutOverflow(page, 'reports-trends-desktop');
    const phone = await newPerson(browser, { viewport: PHONE, problems, storageState: await page.context().storageState() });
    await phone.page.goto(`${app.url}/admin/reports?report=opinions&period=quarter&year=2026&quarter=3`);
    await shotWithoutOverflow(phone.page, 'reports-opinions-phone');
    await phone.context.close();
    expect(problems).toEqual([]);
  });
});
