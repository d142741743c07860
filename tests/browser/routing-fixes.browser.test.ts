import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/config.js';
import { startApp, type App } from '../../app/app.js';
import { signalOf } from '../../bot/conversation/safety.js';
import { detectRisk } from '../../bot/risk/risk-detector.js';
import { tr } from '../../locales/i18n.js';
import { expectAccessible } from '../helpers/axe.js';
import { chromiumSuiteTitle, DESKTOP, hasChromium, launchChromium, newPerson, PHONE, shotWithoutOverflow as shot } from '../helpers/browser.js';
import { engineEnv } from '../helpers/engines.js';

const vi = tr('vi');
const ADMIN = { email: 'admin@example.test', password: 'correct horse battery' };

describe.skipIf(!hasChromium)(chromiumSuiteTitle('why a case is urgent, in the inbox, in Chromium'), { timeout: 120_000 }, () => {
  let app: App;
  let dataDir: string;
  let browser: Browser;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'htx-routing-browser-'));
    const config = loadConfig({ ...engineEnv(), PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, STAFF_2FA: 'optional' });
    app = await startApp(config, { processEvery: 50 });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows an opinion that turned urgent with why, on a phone and a desktop, without sideways scrolling', async () => {
    const c = await app.cases.openCase({ kind: 'opinion', channel: 'zalo', contactId: 'routing-browser-contact', fields: { area: { province: 'Hà Nội' } }, urgentReasons: [], texts: ['Em muốn sân trường có thêm cây xanh và ghế đá để ngồi đọc sách vào giờ ra chơi'], attachments: [] });
    const danger = 'tối nay bố em lại cầm gậy đánh em, em sợ lắm';
    await app.cases.addChildMessage(c._id, { text: danger, attachments: [] });
    await app.cases.raiseRisk(c._id, signalOf(detectRisk(danger))!);

    const person = await newPerson(browser, { viewport: PHONE });
    const { page } = person;
    await page.goto(`${app.url}/admin/login`);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Mật khẩu').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL((url) => !url.pathname.endsWith('/login'));
    await page.goto(`${app.url}/admin/cases`);

    const row = page.locator('table.case-list tbody tr', { hasText: c.code });
    const why = row.locator('.urgent-why');
    await expect.poll(() => why.isVisible()).toBe(true);
    expect(await why.innerText()).toContain(vi('admin.cases.urgent_why'));
    expect(await row.innerText()).not.toContain('cầm gậy');
    await shot(page, 'routing-inbox-urgent-why-phone');
    await expectAccessible(page, 'inbox with why a case is urgent');

    await page.setViewportSize(DESKTOP);
    await shot(page, 'routing-inbox-urgent-why-desktop');
    expect(person.problems).toEqual([]);
    await person.context.close();
  });
});
