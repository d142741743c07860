/**
 * What an outside walk-through found in the back office and the web chat, in Chromium at 390 px
 * and on a desktop: the inbox's search hint and case count, the channel of each message on the
 * case page, and axe-core's full rule set (its default rules, best practices included, and the label-name rule) on
 * `/chat`. Screenshots in test-artifacts/screenshots (parents-*.png).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../app/app.js';
import { loadConfig } from '../../app/config.js';
import { tr } from '../../locales/i18n.js';
import { expectAccessible } from '../helpers/axe.js';
import { chromiumSuiteTitle, DESKTOP, hasChromium, launchChromium, newPerson, PHONE, saveScreenshot, shotWithoutOverflow as shot } from '../helpers/browser.js';
import { engineEnv } from '../helpers/engines.js';
import { CASE_CODE } from '../helpers/telegram-child.js';

const vi = tr('vi');
const ADMIN = { email: 'admin@example.test', password: 'correct horse battery' };
const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Every violation axe finds with its default rules (best practices included) and the label-name rule: rule, impact and where. */
async function allAxeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    type Axe = { run: (ctx: unknown, opts: unknown) => Promise<{ violations: { id: string; impact: string; nodes: { target: unknown[] }[] }[] }> };
    const axe = (window as unknown as { axe: Axe }).axe;
    const rules = { 'label-content-name-mismatch': { enabled: true }, region: { enabled: true } };
    const result = await axe.run(document, { rules, resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => JSON.stringify(n.target)).join(' ')}`);
  });
}

describe.skipIf(!hasChromium)(chromiumSuiteTitle('the back office and the web chat after the walk-through, in Chromium'), { timeout: 120_000 }, () => {
  let app: App;
  let dataDir: string;
  let browser: Browser;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'htx-parents-browser-'));
    const config = loadConfig({ ...engineEnv(), PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, STAFF_2FA: 'optional' });
    app = await startApp(config, { processEvery: 50 });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the real case-code format in the search hint, the whole case count at 390 px, and each message\'s channel', async () => {
    const c = await app.cases.openCase({ kind: 'report', channel: 'zalo', contactId: 'parents-browser-contact', fields: { harmType: 'bullying', reporterRole: 'parent', about: 'other_child' }, urgentReasons: [], texts: ['Con tôi bị các bạn cùng lớp bắt nạt suốt một tháng nay'], attachments: [] });
    await app.cases.addChildMessage(c._id, { text: 'Hôm nay cháu không chịu đi học', attachments: [], channel: 'web' });
    for (let i = 0; i < 11; i++) await app.cases.openCase({ kind: 'opinion', channel: 'telegram', contactId: `parents-browser-${i}`, fields: {}, urgentReasons: [], texts: [`Ý kiến số ${i}`], attachments: [] });

    const person = await newPerson(browser, { viewport: PHONE });
    const { page } = person;
    await page.goto(`${app.url}/admin/login`);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Mật khẩu').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL((url) => !url.pathname.endsWith('/login'));
    await page.goto(`${app.url}/admin/cases`);

    const hint = await page.locator('#filter-q-hint, .filters .hint').first().innerText();
    expect(hint).toMatch(CASE_CODE);
    const total = page.locator('#inbox-total');
    expect(await total.innerText()).toBe(vi('admin.cases.total', { count: 12 }));
    const fits = await total.evaluate((el) => {
      const box = el.getBoundingClientRect();
      return { inside: box.left >= 0 && box.right <= window.innerWidth, whole: el.scrollWidth <= el.clientWidth && el.scrollHeight <= el.clientHeight + 1 };
    });
    expect(fits).toEqual({ inside: true, whole: true });
    await shot(page, 'parents-inbox-phone');
    await expectAccessible(page, 'inbox at 390 px');

    await page.goto(`${app.url}/admin/cases/${c._id}`);
    const channels = await page.locator('.thread .msg-channel').allInnerTexts();
    expect(channels).toEqual([
      `· ${vi('admin.message_channel.child', { channel: vi('admin.cases.channels.zalo') })}`,
      `· ${vi('admin.message_channel.child', { channel: vi('admin.cases.channels.web') })}`,
    ]);
    await shot(page, 'parents-case-channels-phone');
    await expectAccessible(page, 'case page with channels');

    await page.setViewportSize(DESKTOP);
    await shot(page, 'parents-case-channels-desktop');
    await page.goto(`${app.url}/admin/cases`);
    await shot(page, 'parents-inbox-desktop');
    expect(person.problems).toEqual([]);
    await person.context.close();
  });

  it('gives axe nothing to report on the web chat, with its best practices, on a phone and a desktop', async () => {
    const person = await newPerson(browser, { viewport: PHONE });
    const { page } = person;
    await page.goto(`${app.url}/chat`);
    await page.locator('#messages > li.msg-bot').first().waitFor();

    expect(await allAxeViolations(page)).toEqual([]);
    // The language link's name starts with what it shows.
    expect(await page.getByRole('link', { name: /^English/ }).count()).toBe(1);
    // The quick exit, now inside the header landmark, is still on screen at the top right.
    const exit = await page.locator('#quick-exit').boundingBox();
    expect(exit!.y).toBeLessThan(20);
    expect(exit!.x + exit!.width).toBeGreaterThan(PHONE.width - 20);
    await page.locator('#messages').evaluate((el) => el.scrollIntoView({ block: 'end' }));
    expect((await page.locator('#quick-exit').boundingBox())!.y).toBeLessThan(20);
    await saveScreenshot(page, 'parents-chat-phone');
    await shot(page, 'parents-chat-phone-whole');

    await page.setViewportSize(DESKTOP);
    expect(await allAxeViolations(page)).toEqual([]);
    await saveScreenshot(page, 'parents-chat-desktop');
    expect(person.problems).toEqual([]);
    await person.context.close();
  });
});
