import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/config.js';
import { startApp, type App } from '../../app/app.js';
import { CaseModel, StaffModel } from '../../models/index.js';
import { createStaffAccount, freshTotpCode } from '../helpers/admin-client.js';
import { expectAccessible } from '../helpers/axe.js';
import { chromiumSuiteTitle, DESKTOP, hasChromium, launchChromium, newPerson, PHONE, shotWithoutOverflow as shot, type StorageState, type Viewport } from '../helpers/browser.js';
import { engineEnv } from '../helpers/engines.js';
import { startSmtp, type LocalSmtp } from '../helpers/smtp.js';
import { newId, newSession } from '../helpers/web-chat.js';

const ADMIN = { email: 'admin@example.test', password: 'correct horse battery' };

describe.skipIf(!hasChromium)(chromiumSuiteTitle('back-office sign-in, two-factor and invitations in Chromium'), { timeout: 180_000 }, () => {
  let app: App;
  let dataDir: string;
  let browser: Browser;
  let smtp: LocalSmtp;
  const problems: string[] = [];

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'htx-backoffice-browser-'));
    smtp = await startSmtp();
    const mail = { SMTP_URL: smtp.url, SMTP_FROM: 'Hộp Thư Xanh <no-reply@example.test>' };
    const config = loadConfig({ ...engineEnv(), PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, ...mail });
    app = await startApp(config, { processEvery: 50 });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await smtp?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** A new browser profile (no cookies unless given) that records script errors and CSP refusals. */
  const newContext = (viewport: Viewport, storageState?: StorageState) => newPerson(browser, { viewport, storageState, problems });

  async function readSecret(page: Page) {
    return (await page.locator('#totp-secret').innerText()).replace(/\s/g, '');
  }

  it('lets an admin sign in, enrol two-factor, invite a counsellor, who sets a password, signs in and enrols', async () => {
    // The admin on a desktop.
    const desk = await newContext(DESKTOP);
    await desk.page.goto(`${app.url}/admin/login`);
    await shot(desk.page, 'signin-desktop');
    const phoneLogin = await newContext(PHONE);
    await phoneLogin.page.goto(`${app.url}/admin/login`);
    await shot(phoneLogin.page, 'signin-phone');
    await phoneLogin.context.close();

    await desk.page.getByLabel('Email').fill(ADMIN.email);
    await desk.page.getByLabel('Mật khẩu').fill(ADMIN.password);
    await desk.page.getByRole('button', { name: 'Đăng nhập' }).click();
    await desk.page.waitForURL(/\/admin\/2fa\/enrol/);
    await expect.poll(() => desk.page.locator('img.qr').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(100);
    await shot(desk.page, 'enrol-desktop');
    const adminSecret = await readSecret(desk.page);
    await desk.page.getByLabel('Mã 6 chữ số').fill(await freshTotpCode(adminSecret));
    await desk.page.getByRole('button', { name: 'Xác nhận và bật' }).click();
    await desk.page.waitForURL(/\/admin\/2fa\/recovery-codes/);
    expect(await desk.page.locator('.recovery-codes li').count()).toBe(10);
    await shot(desk.page, 'recovery-codes-desk');
    await expectAccessible(desk.page, 'recovery codes');
    await desk.page.getByRole('link', { name: 'Tôi đã cất mã, tiếp tục' }).click();
    await desk.page.waitForURL((url) => url.pathname === '/admin' || url.pathname === '/admin/cases');

    // Invite a counsellor.
    await desk.page.goto(`${app.url}/admin/staff`);
    await desk.page.getByRole('link', { name: 'Mời thành viên' }).click();
    await desk.page.getByRole('button', { name: 'Tạo lời mời' }).click();
    await expect.poll(() => desk.page.locator('[aria-invalid="true"]').count()).toBeGreaterThanOrEqual(2);
    await shot(desk.page, 'staff-invite-errors-desktop');
    await desk.page.getByLabel('Họ tên').fill('Phạm Thu Hà');
    await desk.page.getByLabel('Email').fill('thuha@example.test');
    await desk.page.getByLabel('Vai trò').selectOption('counsellor');
    await desk.page.getByLabel('Hà Nội').check();
    await desk.page.getByLabel('Huế').check();
    await desk.page.getByLabel('Tâm lý').check();
    await desk.page.getByRole('button', { name: 'Tạo lời mời' }).click();
    const link = await desk.page.locator('#invite-link').innerText();
    expect(link).toMatch(/\/admin\/invite\/[\w-]{43}$/);
    // SMTP is set up: the link also went to the person by e-mail, and the page says so.
    expect(await desk.page.locator('#invite-mailed').innerText()).toContain('thuha@example.test');
    await expect.poll(() => smtp.mails.find((m) => m.to.includes('thuha@example.test'))?.text.includes(link) ?? false).toBe(true);
    await shot(desk.page, 'staff-invited-desktop');

    // The counsellor, on a phone, with a fresh profile.
    const phone = await newContext(PHONE);
    await phone.page.goto(link);
    await phone.page.getByLabel('Mật khẩu mới', { exact: true }).fill('một câu dài dễ nhớ');
    await phone.page.getByLabel('Nhập lại mật khẩu mới').fill('một câu dài dễ nhớ');
    await shot(phone.page, 'invite-accept-phone');
    await phone.page.getByRole('button', { name: 'Đặt mật khẩu' }).click();
    await phone.page.waitForURL(/\/admin\/login$/);
    await expect.poll(() => phone.page.locator('.flash').innerText()).toContain('Đã đặt mật khẩu');
    await phone.page.getByLabel('Email').fill('thuha@example.test');
    await phone.page.getByLabel('Mật khẩu').fill('một câu dài dễ nhớ');
    await phone.page.getByRole('button', { name: 'Đăng nhập' }).click();
    await phone.page.waitForURL(/\/admin\/2fa\/enrol/);
    await shot(phone.page, 'enrol-phone');
    const secret = await readSecret(phone.page);
    expect(secret).not.toBe(adminSecret);
    await phone.page.getByLabel('Mã 6 chữ số').fill(await freshTotpCode(secret));
    await phone.page.getByRole('button', { name: 'Xác nhận và bật' }).click();
    await phone.page.waitForURL(/\/admin\/2fa\/recovery-codes/);
    expect(await phone.page.locator('.recovery-codes li').count()).toBe(10);
    await shot(phone.page, 'recovery-codes-phone');
    await expectAccessible(phone.page, 'recovery codes');
    await phone.page.getByRole('link', { name: 'Tôi đã cất mã, tiếp tục' }).click();
    await phone.page.waitForURL((url) => url.pathname === '/admin' || url.pathname === '/admin/cases');
    expect(await app.store.collection(StaffModel).findOne({ email: 'thuha@example.test' })).toMatchObject({ totpEnabled: true, role: 'counsellor', areas: ['Hà Nội', 'Huế'] });
    // A counsellor has no staff page.
    const forbidden = await phone.page.goto(`${app.url}/admin/staff`);
    expect(forbidden?.status()).toBe(403);

    // The staff list, on the desktop and on a phone.
    await desk.page.goto(`${app.url}/admin/staff`);
    await expect.poll(() => desk.page.getByRole('row', { name: /Phạm Thu Hà/ }).innerText()).toContain('Đã bật');
    await shot(desk.page, 'staff-list-desktop');
    await desk.page.getByRole('link', { name: 'Phạm Thu Hà' }).click();
    await shot(desk.page, 'staff-edit-desktop');
    const adminPhone = await newContext(PHONE, await desk.context.storageState());
    await adminPhone.page.goto(`${app.url}/admin/staff`);
    await shot(adminPhone.page, 'staff-list-phone');
    await adminPhone.page.getByRole('link', { name: 'Phạm Thu Hà' }).click();
    await shot(adminPhone.page, 'staff-edit-phone');

    expect(problems).toEqual([]);
    await Promise.all([desk.context.close(), phone.context.close(), adminPhone.context.close()]);
  });

  it('shows a new urgent case in an inbox already open, without a reload, and the bell counts it', async () => {
    const watcher = { email: 'truc@example.test', password: 'một câu dài dễ nhớ nữa' };
    const { totpSecret } = await createStaffAccount(app, { ...watcher, name: 'Người trực', role: 'admin' });
    const desk = await newContext(DESKTOP);
    // The page's timers run on a clock the test moves: the live script's 15-second poll comes at once.
    await desk.page.clock.install();
    await desk.page.goto(`${app.url}/admin/login`);
    await desk.page.getByLabel('Email').fill(watcher.email);
    await desk.page.getByLabel('Mật khẩu').fill(watcher.password);
    await desk.page.getByRole('button', { name: 'Đăng nhập' }).click();
    await desk.page.getByLabel('Mã 6 chữ số hoặc mã khôi phục').fill(await freshTotpCode(totpSecret!));
    await desk.page.getByRole('button', { name: 'Xác nhận', exact: true }).click();
    await desk.page.waitForURL((url) => url.pathname === '/admin' || url.pathname === '/admin/cases');
    await desk.page.goto(`${app.url}/admin/cases`);
    const bell = desk.page.locator('#bell-count');
    const before = Number(await bell.innerText());
    await desk.page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

    // A child writes in the web chat that their father beats them: an urgent case opens.
    const session = newSession();
    const sent = await fetch(`${app.url}/chat/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-chat-session': session },
      body: JSON.stringify({ id: newId(), text: 'bố đánh em' }),
    });
    expect(sent.status).toBeLessThan(300);
    await expect.poll(async () => (await app.store.collection(CaseModel).findOne({ priority: 'urgent' }))?.code ?? null, { timeout: 10_000 }).not.toBeNull();
    const urgent = (await app.store.collection(CaseModel).findOne({ priority: 'urgent' }))!;

    const row = desk.page.locator('table.case-list tbody tr', { hasText: urgent.code });
    await expect
      .poll(async () => {
        await desk.page.clock.runFor(16_000);
        return (await row.count()) === 1 && Number(await bell.innerText()) === before + 1;
      }, { timeout: 15_000, interval: 100 })
      .toBe(true);
    expect(await row.innerText()).toContain('KHẨN CẤP');
    // The total and the counts per status are refreshed with the list.
    expect(await desk.page.locator('#inbox-total').innerText()).toBe('1 hồ sơ');
    expect(await desk.page.locator('#inbox-counts a', { hasText: 'Mới' }).innerText()).toMatch(/Mới\s*1/);
    expect(await desk.page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await shot(desk.page, 'live-inbox-urgent-desktop');
    await desk.page.locator('#bell').click();
    await desk.page.locator('.notify-list li.unread.urgent', { hasText: urgent.code }).waitFor();
    await shot(desk.page, 'notifications-desktop');
    await expectAccessible(desk.page, 'notifications');
    expect(problems).toEqual([]);
    await desk.context.close();
  });
});
