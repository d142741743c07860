/**
 * The whole path a new team walks, in Chromium, through the UI only, with two-factor sign-in
 * required (the default): the admin signs in and enrols, invites a counsellor; a child reports in
 * the web chat and another on Telegram (a local fake Bot API); the admin triages and assigns both
 * cases; the counsellor accepts the invitation, signs in, enrols, answers both; each child gets
 * the answer where they wrote. Screenshots of the inbox and the case page, as admin and as
 * counsellor, on a phone and a desktop, go to test-artifacts/screenshots/walk-*.png.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/config.js';
import { startApp, type App } from '../../app/app.js';
import { tr } from '../../locales/i18n.js';
import { FakeBotApi } from '../fakes/fake-bot-api.js';
import { tinyPng } from '../fakes/media-files.js';
import { freshTotpCode } from '../helpers/admin-client.js';
import { expectAccessible } from '../helpers/axe.js';
import { chromiumSuiteTitle, DESKTOP, hasChromium, launchChromium, newPerson, PHONE, saveScreenshot, shotWithoutOverflow, type StorageState, type Viewport } from '../helpers/browser.js';
import { buttonsOf } from '../helpers/telegram-child.js';
import { engineEnv } from '../helpers/engines.js';

const ADMIN = { email: 'admin@example.test', password: 'correct horse battery' };
const COUNSELLOR = { email: 'lan@example.test', password: 'một câu dài dễ nhớ', name: 'Nguyễn Thị Lan' };
const CASE_CODE = /HTX-[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}/;
const WEB_STORY = 'Bạn cùng lớp hay giấu cặp sách của em và trêu chọc em trước cả lớp. Em thấy buồn, không muốn đến trường nữa.';
const TELEGRAM_STORY = 'Thầy dạy thêm hay chê em là đồ vô dụng trước cả lớp. Em sợ đi học thêm lắm.';
const WEB_ANSWER = 'Chào em, cô là Lan. Cô đã đọc thư của em. Em không có lỗi gì cả, cô sẽ cùng em tìm cách nói với thầy cô chủ nhiệm nhé.';
const TELEGRAM_ANSWER = 'Chào em, cô là Lan. Không ai được phép nói em như vậy. Em kể thêm cho cô: em học thêm ở đâu, mấy buổi một tuần?';
const TELEGRAM_REPLY = 'Dạ em học thêm ở nhà thầy, ba buổi một tuần ạ.';
const TELEGRAM_CHAT = 52_000_000 + Math.floor(Math.random() * 1_000_000);
const vi = tr('vi');

describe.skipIf(!hasChromium)(chromiumSuiteTitle('the whole path through the back office, with two-factor sign-in, in Chromium'), { timeout: 240_000 }, () => {
  let app: App;
  let fake: FakeBotApi;
  let dataDir: string;
  let browser: Browser;
  const problems: string[] = [];

  beforeAll(async () => {
    fake = await new FakeBotApi().start();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'htx-walk-browser-'));
    const config = loadConfig({ ...engineEnv(),
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
    });
    app = await startApp(config, { processEvery: 50, outboxEvery: '1 second', telegramPoll: { pollTimeoutSeconds: 1, backoffMs: 50, maxBackoffMs: 200 } });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await fake?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const newContext = (viewport: Viewport, storageState?: StorageState) => newPerson(browser, { viewport, storageState, problems });
  const shot = (page: Page, name: string) => shotWithoutOverflow(page, `walk-${name}`);

  // ── The web chat ─────────────────────────────────────────────────────────────────────

  /** Presses a button of the bot's latest question, once it is there and can be pressed. */
  const press = (page: Page, label: string) => page.locator('#messages > li.msg-bot:last-child .option:not([disabled])', { hasText: label }).first().click();
  /** Waits for the bot's latest question to be `text`. */
  const asked = (page: Page, text: string) => page.locator('#messages > li.msg-bot:last-child', { hasText: text }).waitFor();
  async function type(page: Page, text: string) {
    await page.getByLabel(vi('webchat.input_label')).fill(text);
    await page.getByLabel(vi('webchat.input_label')).press('Enter');
  }

  /** A child on a phone makes a report in /chat; returns the case code the receipt gives. */
  async function webChildReports(page: Page): Promise<string> {
    await page.goto(`${app.url}/chat`);
    await press(page, vi('bot.menu.report'));
    await asked(page, vi('bot.q.danger'));
    await press(page, vi('bot.opt.danger.no'));
    await asked(page, vi('bot.q.about'));
    await press(page, vi('bot.opt.about.self'));
    await asked(page, vi('bot.q.age_self'));
    await type(page, '12');
    await asked(page, vi('bot.q.gender_self'));
    await press(page, vi('bot.button.skip'));
    await asked(page, vi('bot.q.province'));
    await press(page, 'Hà Nội');
    await asked(page, vi('bot.q.commune'));
    await type(page, 'Phường Ba Đình');
    await asked(page, vi('bot.q.harm'));
    await press(page, vi('bot.opt.harm.bullying'));
    await asked(page, vi('bot.q.story_report'));
    await type(page, WEB_STORY);
    await asked(page, vi('bot.q.story_more'));
    await press(page, vi('bot.button.done'));
    await asked(page, vi('bot.q.media'));
    await page.setInputFiles('#file', { name: 'anh.png', mimeType: 'image/png', buffer: tinyPng({ width: 160, height: 120, color: [214, 96, 77] }) });
    await asked(page, vi('bot.q.media_more'));
    await press(page, vi('bot.button.done'));
    await asked(page, vi('bot.q.contact'));
    await press(page, vi('bot.opt.contact.chat'));
    const receipt = page.locator('#messages > li.msg-bot', { hasText: CASE_CODE });
    await receipt.waitFor();
    return CASE_CODE.exec((await receipt.textContent()) ?? '')![0];
  }

  // ── Telegram, through the fake Bot API ───────────────────────────────────────────────

  /** What the bot sent the Telegram child, in order. */
  const telegramReceived = () => fake.sent.filter((m) => String(m.chat_id) === String(TELEGRAM_CHAT));

  /** Waits until the bot has sent the Telegram child, after the first `before` messages, one containing `wanted`. */
  async function telegramBotSays(before: number, wanted: string | RegExp) {
    const found = () => telegramReceived().slice(before).some((m) => (typeof wanted === 'string' ? m.text.includes(wanted) : wanted.test(m.text)));
    await expect
      .poll(() => (found() ? 'yes' : telegramReceived().slice(before).map((m) => m.text.slice(0, 60))), { timeout: 10_000, interval: 20 })
      .toBe('yes');
  }

  async function telegramSays(text: string, next: string | RegExp) {
    const before = telegramReceived().length;
    fake.userSendsText(TELEGRAM_CHAT, text);
    await telegramBotSays(before, next);
  }

  /** Presses a button of the bot's latest message with buttons, once it is there. */
  async function telegramPresses(label: string, next: string | RegExp) {
    const button = () =>
      buttonsOf([...telegramReceived()].reverse().find((m) => buttonsOf(m).length > 0)).find((b) => b.text === label && b.callback_data);
    await expect
      .poll(() => (button() ? 'there' : [...telegramReceived()].reverse().find((m) => buttonsOf(m).length > 0)?.reply_markup), { timeout: 10_000, interval: 20 })
      .toBe('there');
    const before = telegramReceived().length;
    fake.userPressesButton(TELEGRAM_CHAT, button()!.callback_data!);
    await telegramBotSays(before, next);
  }

  /** A child makes a report on Telegram; returns the case code the receipt gives. */
  async function telegramChildReports(): Promise<string> {
    await telegramSays('/start', vi('bot.greeting').split('\n')[0]!);
    await telegramPresses(vi('bot.menu.report'), vi('bot.q.danger'));
    await telegramPresses(vi('bot.opt.danger.no'), vi('bot.q.about'));
    await telegramPresses(vi('bot.opt.about.self'), vi('bot.q.age_self'));
    await telegramSays('13', vi('bot.q.gender_self'));
    await telegramPresses(vi('bot.opt.gender.girl'), vi('bot.q.province'));
    await telegramSays('Huế', 'Ở xã hay phường nào?');
    await telegramPresses(vi('bot.button.skip'), vi('bot.q.harm'));
    await telegramPresses(vi('bot.opt.harm.violence'), vi('bot.q.story_report'));
    await telegramSays(TELEGRAM_STORY, vi('bot.q.story_more'));
    await telegramPresses(vi('bot.button.done'), vi('bot.q.media'));
    const beforePhoto = telegramReceived().length;
    fake.userSendsPhoto(TELEGRAM_CHAT);
    await telegramBotSays(beforePhoto, vi('bot.q.media_more'));
    await telegramPresses(vi('bot.button.done'), vi('bot.q.contact'));
    const before = telegramReceived().length;
    await telegramPresses(vi('bot.opt.contact.chat'), CASE_CODE);
    return CASE_CODE.exec(telegramReceived().slice(before).find((m) => CASE_CODE.test(m.text))!.text)![0];
  }

  // ── The back office ──────────────────────────────────────────────────────────────────

  /** Reads the TOTP secret shown on the enrolment page, confirms a code computed from it. */
  async function enrolTwoFactor(page: Page): Promise<string> {
    await page.waitForURL(/\/admin\/2fa\/enrol/);
    const secret = (await page.locator('#totp-secret').innerText()).replace(/\s/g, '');
    await page.getByLabel(vi('admin.auth.totp.code')).fill(await freshTotpCode(secret));
    await page.getByRole('button', { name: vi('admin.auth.totp.confirm') }).click();
    // The ten recovery codes are shown once; the person says they stored them.
    await page.waitForURL(/\/admin\/2fa\/recovery-codes/);
    expect(await page.locator('.recovery-codes li').count()).toBe(10);
    await page.getByRole('link', { name: vi('admin.auth.recovery.saved') }).click();
    await page.waitForURL((url) => url.pathname === '/admin' || url.pathname === '/admin/cases');
    return secret;
  }

  async function signIn(page: Page, email: string, password: string) {
    await page.getByLabel(vi('admin.auth.email')).fill(email);
    await page.getByLabel(vi('admin.auth.password')).fill(password);
    await page.getByRole('button', { name: vi('admin.auth.sign_in') }).click();
  }

  /** A link of the back office's main navigation. */
  const navLink = (page: Page, key: string) => page.getByRole('navigation', { name: vi('admin.nav.label') }).getByRole('link', { name: vi(key), exact: true });
  const inboxRow = (page: Page, code: string) => page.locator('table.case-list tbody tr', { hasText: code });

  /** From the inbox, opens a case's page. */
  async function openCase(page: Page, code: string) {
    await navLink(page, 'admin.nav.inbox').click();
    await inboxRow(page, code).getByRole('link', { name: code }).click();
    await page.getByRole('heading', { name: vi('admin.cases.case.heading', { code }) }).waitFor();
  }

  /** On a case page: sets the priority and topic, then assigns the case to the suggested counsellor. */
  async function triageAndAssign(page: Page, priority: string, topic: string) {
    const triage = page.locator('#triage');
    await triage.getByLabel(vi('admin.cases.case.priority')).selectOption(priority);
    await triage.getByLabel(vi('admin.cases.case.topic')).selectOption(topic);
    await triage.getByRole('button', { name: vi('admin.cases.triage.submit') }).click();
    await page.locator('.flash', { hasText: vi('admin.cases.flash.triaged') }).waitFor();
    const assign = page.locator('#assign');
    const suggested = assign.locator(`optgroup[label="${vi('admin.cases.assign.suggested_group')}"] option`).first();
    expect(await suggested.textContent()).toContain(COUNSELLOR.name);
    await assign.getByLabel(vi('admin.cases.assign.label')).selectOption({ label: (await suggested.textContent())!.trim() });
    await assign.getByRole('button', { name: vi('admin.cases.assign.submit') }).click();
    await page.locator('.flash', { hasText: vi('admin.cases.flash.assigned', { name: COUNSELLOR.name }) }).waitFor();
  }

  /** On a case page: sends a reply and waits until the page shows it delivered. */
  async function answer(page: Page, text: string) {
    await page.getByLabel(vi('admin.cases.reply.label')).fill(text);
    await page.getByRole('button', { name: vi('admin.cases.reply.submit') }).click();
    await page.locator('.flash', { hasText: vi('admin.cases.flash.replied') }).waitFor();
    await expectDelivered(page, text);
  }

  /** The case page (reloaded until the outbox has run) shows the reply `text` as sent. */
  async function expectDelivered(page: Page, text: string) {
    const reply = page.locator('.thread .msg-counsellor', { hasText: text });
    await expect
      .poll(
        async () => {
          await page.reload();
          return (await reply.count()) === 1 ? reply.locator('.delivery').textContent() : `no reply on the page`;
        },
        { timeout: 15_000, interval: 250 },
      )
      .toContain(vi('admin.cases.delivery.sent'));
  }

  /** The case page (reloaded until the photo has been fetched) shows the child's photo, loaded, `width` pixels wide. */
  async function expectPhoto(page: Page, width: number) {
    const photo = page.locator('.thread img.evidence-photo');
    await expect
      .poll(
        async () => {
          if ((await photo.count()) === 0) await page.reload();
          return (await photo.count()) === 1 ? photo.evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0)) : 'no photo on the page';
        },
        { timeout: 15_000, interval: 250 },
      )
      .toBe(width);
    expect(await photo.getAttribute('alt')).toBe(vi('admin.cases.conversation.photo_alt'));
  }

  it('an admin enrols and invites a counsellor, children report on the web and on Telegram, the counsellor enrols and answers both', async () => {
    // The admin, on a desktop: signs in with the password from the environment and enrols.
    const admin = await newContext(DESKTOP);
    await admin.page.goto(`${app.url}/admin`);
    await admin.page.waitForURL(/\/admin\/login/);
    await signIn(admin.page, ADMIN.email, ADMIN.password);
    const adminSecret = await enrolTwoFactor(admin.page);

    // Invites a counsellor for Hà Nội and Huế, expert in psychology and law.
    await navLink(admin.page, 'admin.nav.staff').click();
    await admin.page.getByRole('link', { name: vi('admin.staff.invite') }).click();
    await admin.page.getByLabel(vi('admin.staff.name')).fill(COUNSELLOR.name);
    await admin.page.getByLabel(vi('admin.staff.email')).fill(COUNSELLOR.email);
    await admin.page.getByLabel(vi('admin.staff.role')).selectOption('counsellor');
    for (const area of ['Hà Nội', 'Huế']) await admin.page.locator('#areas').getByLabel(area, { exact: true }).check();
    for (const field of ['psychology', 'law']) await admin.page.locator('#expertise').getByLabel(vi(`admin.staff.expertise_names.${field}`), { exact: true }).check();
    await admin.page.getByRole('button', { name: vi('admin.staff.send_invite') }).click();
    const invitation = await admin.page.locator('#invite-link').innerText();
    expect(invitation).toMatch(/\/admin\/invite\/[\w-]{43}$/);

    // Two children report at the same time: one in the web chat on a phone, one on Telegram.
    const child = await newContext(PHONE);
    const [webCode, telegramCode] = await Promise.all([webChildReports(child.page), telegramChildReports()]);
    expect(webCode).not.toBe(telegramCode);

    // The admin finds both new cases in the inbox, and triages and assigns each from its page.
    await navLink(admin.page, 'admin.nav.inbox').click();
    for (const code of [webCode, telegramCode]) expect(await inboxRow(admin.page, code).textContent()).toContain(vi('admin.cases.statuses.new'));
    await openCase(admin.page, webCode);
    expect(await admin.page.locator('.thread').textContent()).toContain(WEB_STORY);
    await triageAndAssign(admin.page, 'high', 'abuse_violence');
    await openCase(admin.page, telegramCode);
    expect(await admin.page.locator('.thread').textContent()).toContain(TELEGRAM_STORY);
    await triageAndAssign(admin.page, 'normal', 'abuse_violence');

    // The counsellor, on a phone with a fresh profile: opens the invitation, sets a password,
    // signs in and enrols.
    const counsellor = await newContext(PHONE);
    await counsellor.page.goto(invitation);
    await counsellor.page.getByLabel(vi('admin.auth.password_change.new'), { exact: true }).fill(COUNSELLOR.password);
    await counsellor.page.getByLabel(vi('admin.auth.password_change.confirm')).fill(COUNSELLOR.password);
    await counsellor.page.getByRole('button', { name: vi('admin.auth.invite.submit') }).click();
    await counsellor.page.waitForURL(/\/admin\/login$/);
    await signIn(counsellor.page, COUNSELLOR.email, COUNSELLOR.password);
    expect(await enrolTwoFactor(counsellor.page)).not.toBe(adminSecret);

    // Both cases are in their inbox, on the phone and on a desktop.
    await counsellor.page.goto(`${app.url}/admin/cases`);
    expect(await inboxRow(counsellor.page, webCode).textContent()).toContain(vi('admin.cases.badge.high'));
    await inboxRow(counsellor.page, telegramCode).waitFor();
    await shot(counsellor.page, 'inbox-counsellor-phone');
    await expectAccessible(counsellor.page, 'inbox on a phone');
    const counsellorDesk = await newContext(DESKTOP, await counsellor.context.storageState());
    await counsellorDesk.page.goto(`${app.url}/admin/cases`);
    for (const code of [webCode, telegramCode]) expect(await inboxRow(counsellorDesk.page, code).textContent()).toContain(COUNSELLOR.name);
    await shot(counsellorDesk.page, 'inbox-counsellor-desktop');

    // They answer the web child from the phone, and the Telegram child from the desktop.
    await openCase(counsellor.page, webCode);
    await answer(counsellor.page, WEB_ANSWER);
    await shot(counsellor.page, 'case-counsellor-phone');
    await expectAccessible(counsellor.page, 'case page on a phone');
    await openCase(counsellorDesk.page, telegramCode);
    await answer(counsellorDesk.page, TELEGRAM_ANSWER);
    await shot(counsellorDesk.page, 'case-counsellor-desktop');

    // The web child reads the answer in the chat they still have open.
    const webAnswer = child.page.locator('#messages > li.msg-bot', { hasText: WEB_ANSWER });
    await webAnswer.waitFor();
    // The answer is on the child's screen as it arrives, from its first line, and the menu can
    // still be pressed.
    await expect.poll(async () => {
      const box = await webAnswer.boundingBox();
      return box !== null && box.y >= 0 && box.y < PHONE.height - 40;
    }).toBe(true);
    expect(await child.page.locator('#messages .option:not([disabled])', { hasText: vi('bot.menu.check') }).count()).toBe(1);
    await saveScreenshot(child.page, 'walk-chat-child-reads-answer-phone');
    // The Telegram child got it in their chat, with the case code.
    await telegramBotSays(0, TELEGRAM_ANSWER);
    expect(telegramReceived().find((m) => m.text.includes(TELEGRAM_ANSWER))!.text).toContain(telegramCode);
    expect(fake.sent.filter((m) => m.text.includes(WEB_ANSWER))).toEqual([]);
    // The Telegram child writes again on their case, which puts it back in front of staff with
    // the long "child wrote again" badge — the widest thing the inbox and case page show.
    await telegramSays(telegramCode, vi('reply.prompt', { code: telegramCode }));
    await telegramSays(TELEGRAM_REPLY, vi('reply.sent', { code: telegramCode }));

    // The admin sees both cases answered by the counsellor, on the desktop and on a phone.
    await navLink(admin.page, 'admin.nav.inbox').click();
    for (const code of [webCode, telegramCode]) expect(await inboxRow(admin.page, code).textContent()).toContain(COUNSELLOR.name);
    await shot(admin.page, 'inbox-admin-desktop');
    await openCase(admin.page, webCode);
    await expectDelivered(admin.page, WEB_ANSWER);
    await expectPhoto(admin.page, 160);
    await shot(admin.page, 'case-admin-desktop');
    await expectAccessible(admin.page, 'case page on a desktop');
    await admin.page.goto(`${app.url}/admin/settings`);
    await shot(admin.page, 'settings-admin-desktop');
    await expectAccessible(admin.page, 'settings');
    await admin.page.goto(`${app.url}/admin/2fa/recovery-codes`);
    await expectAccessible(admin.page, 'recovery codes');
    const adminPhone = await newContext(PHONE, await admin.context.storageState());
    await adminPhone.page.goto(`${app.url}/admin/cases`);
    // At 390 px, with the badge in the deadline column, nothing scrolls sideways (shot checks it).
    expect(await inboxRow(adminPhone.page, telegramCode).textContent()).toContain(vi('admin.cases.child_waiting'));
    await shot(adminPhone.page, 'inbox-admin-phone');
    await openCase(adminPhone.page, telegramCode);
    await expectDelivered(adminPhone.page, TELEGRAM_ANSWER);
    expect(await adminPhone.page.locator('.case-facts').textContent()).toContain(vi('admin.cases.child_waiting'));
    expect(await adminPhone.page.locator('.thread').textContent()).toContain(TELEGRAM_REPLY);
    await expectPhoto(adminPhone.page, 48);
    await shot(adminPhone.page, 'case-admin-phone');

    expect(problems).toEqual([]);
    for (const c of [admin, adminPhone, child, counsellor, counsellorDesk]) await c.context.close();
  });
});
