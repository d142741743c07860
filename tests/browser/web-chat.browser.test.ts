import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/config.js';
import { startApp, type App } from '../../app/app.js';
import vi from '../../locales/vi.json' with { type: 'json' };
import en from '../../locales/en.json' with { type: 'json' };
import viConvo from '../../locales/vi.convo.json' with { type: 'json' };
import viReply from '../../locales/vi.reply.json' with { type: 'json' };
import viPlaces from '../../locales/vi.places.json' with { type: 'json' };
import viVoice from '../../locales/vi.voice.json' with { type: 'json' };
import viFixes from '../../locales/vi.fixes.json' with { type: 'json' };
import { CaseModel, MessageModel } from '../../models/index.js';
import { tinyPng } from '../fakes/media-files.js';
import { expectAccessible } from '../helpers/axe.js';
import { chromiumSuiteTitle, hasChromium, launchChromium, newPerson, PHONE, saveScreenshot, shotWithoutOverflow, type Person } from '../helpers/browser.js';
import { engineEnv } from '../helpers/engines.js';

const CASE_CODE = /HTX-[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}/;

/** A neutral site on another origin: the quick exit's target, and a partner page embedding the widget. */
function startNeutralSite(chatUrl: () => string): Promise<http.Server> {
  const page = (title: string, body = '') =>
    `<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title><h1>${title}</h1>${body}`;
  const server = http.createServer((req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    if (req.url === '/neutral') return void res.end(page('Thời tiết hôm nay'));
    if (req.url === '/home') return void res.end(page('Trang chủ'));
    if (req.url === '/partner') return void res.end(page('Trường THCS Hoa Sen', `<script src="${chatUrl()}/chat/widget.js" async></script>`));
    res.statusCode = 404;
    res.end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe.skipIf(!hasChromium)(chromiumSuiteTitle('web chat in Chromium on a phone'), { timeout: 150_000 }, () => {
  let app: App;
  let dataDir: string;
  let neutral: http.Server;
  let neutralOrigin: string;
  let browser: Browser;

  beforeAll(async () => {
    neutral = await startNeutralSite(() => app.url);
    neutralOrigin = `http://127.0.0.1:${(neutral.address() as AddressInfo).port}`;
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'htx-webchat-browser-'));
    const config = loadConfig({ ...engineEnv(), PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', QUICK_EXIT_URL: `${neutralOrigin}/neutral` });
    app = await startApp(config, { processEvery: 50, outboxEvery: '1 second' });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await new Promise((resolve) => neutral?.close(resolve));
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** A new phone, with nothing stored, that fails the test on a script error or a CSP violation. */
  const newPhone = (): Promise<Person> => newPerson(browser, { viewport: PHONE, failOnDialog: true });

  const messages = (page: Page) => page.locator('#messages > li');
  const botMessages = (page: Page) => page.locator('#messages > li.msg-bot');

  async function openChat(page: Page, query = '', menuLabel: string = vi.bot.menu.report) {
    await page.goto(`${app.url}/chat${query}`);
    await page.locator('#messages > li:last-child .option:not([disabled])', { hasText: menuLabel }).waitFor();
  }

  /** Presses a button of the bot's latest question, once it is there and can be pressed. */
  async function press(page: Page, label: string) {
    await page.locator('#messages > li.msg-bot:last-child .option:not([disabled])', { hasText: label }).first().click();
  }

  /** Waits for the bot's latest question to be `text`. */
  async function asked(page: Page, text: string) {
    await page.locator('#messages > li.msg-bot:last-child', { hasText: text }).waitFor();
  }

  async function type(page: Page, text: string) {
    await page.getByLabel(vi.webchat.input_label).fill(text);
    await page.getByLabel(vi.webchat.input_label).press('Enter');
  }

  const shot = (page: Page, name: string, fullPage = false) => saveScreenshot(page, name, { fullPage });

  /**
   * At the province question: Skip comes first, the 34 provinces are a compact grid that fits
   * well within one screen, typing in its search box narrows it, and Enter chooses the one left.
   */
  async function choosesProvinceFromTheGrid(page: Page) {
    const group = page.locator('#messages > li.msg-bot:last-child .options.areas');
    const buttons = group.locator('.option');
    expect(await buttons.first().textContent()).toBe(vi.bot.button.skip);
    expect(await group.locator('.grid .option').count()).toBe(34);
    await group.scrollIntoViewIfNeeded();
    await shot(page, '02a-province-grid-full');
    // Nothing looks chosen before the child chooses: the place that came under the finger that
    // pressed Skip a moment ago (sticky hover on a touch screen) is drawn like the others.
    const fills = await group.locator('.grid .option').evaluateAll((all) => all.map((b) => getComputedStyle(b).backgroundColor));
    expect(new Set(fills)).toEqual(new Set(['rgb(255, 255, 255)']));
    const grid = (await group.boundingBox())!;
    expect(grid.height, 'the province grid is taller than half a phone screen').toBeLessThan(PHONE.height * 0.75);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    const search = group.getByLabel(viPlaces.places.search);
    await search.fill('ha');
    const shown = group.locator('.grid .option:visible');
    await expect.poll(() => shown.count()).toBeLessThan(34);
    const fold = (t: string) => t.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/gi, 'd').toLowerCase().replace(/[^a-z0-9]/g, '');
    expect((await shown.allTextContents()).every((label) => fold(label).includes('ha'))).toBe(true);
    await search.fill('hanoi');
    await expect.poll(() => shown.allTextContents()).toEqual(['Hà Nội']);
    await group.scrollIntoViewIfNeeded();
    await shot(page, '02b-province-grid');
    await expectAccessible(page, 'chat province grid');
    await search.fill('');
    await expect.poll(() => shown.count()).toBe(34);
    await search.fill('hà nội');
    await search.press('Enter');
  }

  /** The text box's placeholder is shown whole (not cut off) at this width. */
  async function expectPlaceholderFits(page: Page) {
    const room = await page.locator('#text').evaluate((box) => {
      const el = box as HTMLTextAreaElement;
      const style = getComputedStyle(el);
      const ctx = document.createElement('canvas').getContext('2d')!;
      ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const inner = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      return inner - ctx.measureText(el.placeholder).width;
    });
    expect(room, 'the placeholder is clipped').toBeGreaterThanOrEqual(0);
  }

  it('opens in Vietnamese with the greeting, the menu, 111 and the quick exit in view', async () => {
    const { context, page, problems } = await newPhone();
    await openChat(page);
    expect(await page.getAttribute('html', 'lang')).toBe('vi');
    await expect.poll(() => botMessages(page).first().textContent()).toContain('Chào em! Đây là Hộp Thư Xanh');
    expect(await page.locator('header').textContent()).toContain(vi.webchat.subtitle);
    const call = page.locator('a[href="tel:111"]').first();
    const exit = page.getByRole('button', { name: new RegExp(vi.webchat.quick_exit) });
    expect(await call.isVisible()).toBe(true);
    expect(await exit.isVisible()).toBe(true);
    // Both are big enough to hit with a thumb, and stay in view after scrolling.
    for (const target of [call, exit]) expect((await target.boundingBox())!.height).toBeGreaterThanOrEqual(44);
    await page.mouse.wheel(0, 2000);
    expect(await exit.isVisible()).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    // The automatic /start is the page's own: it is not shown as the child's words.
    expect(await page.locator('#messages > li.msg-child').count()).toBe(0);
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, '01-greeting');
    // How to clear the chat from the phone is said at once; the favicon is there (no 404).
    expect(await page.locator('#clear-note').textContent()).toContain(viConvo.webchat.end);
    expect((await fetch(`${app.url}${await page.locator('link[rel=icon]').getAttribute('href')}`)).status).toBe(200);
    await expectPlaceholderFits(page);
    await expectAccessible(page, 'chat greeting');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('takes a whole abuse report made with buttons and typing, ends with a case code, and keeps it after a reload', async () => {
    const { context, page, problems } = await newPhone();
    await openChat(page);
    await press(page, vi.bot.menu.report);
    await asked(page, vi.bot.q.danger);
    // The menu above can no longer be pressed; the question's buttons can.
    expect(await page.locator('#messages .option:disabled', { hasText: vi.bot.menu.opinion }).count()).toBe(1);
    expect(await page.locator('#messages .option:enabled').count()).toBeGreaterThan(0);
    expect(await page.locator('#messages > li:not(:last-child) .option:enabled').count()).toBe(0);
    await press(page, vi.bot.opt.danger.no);
    await asked(page, vi.bot.q.about);
    await press(page, vi.bot.opt.about.self);
    await asked(page, vi.bot.q.age_self);
    await type(page, '12');
    await asked(page, vi.bot.q.gender_self);
    await press(page, vi.bot.button.skip);
    await asked(page, vi.bot.q.province);
    await choosesProvinceFromTheGrid(page);
    await asked(page, vi.bot.q.commune);
    await press(page, vi.bot.button.skip);
    await asked(page, vi.bot.q.harm);
    await press(page, vi.bot.opt.harm.bullying);
    await asked(page, vi.bot.q.story_report);
    await shot(page, '02-mid-report');
    await expectAccessible(page, 'chat mid-report');
    await type(page, 'Bạn cùng lớp hay giấu cặp sách của em và trêu chọc em trước cả lớp. Em thấy buồn, không muốn đến trường nữa.');
    await asked(page, vi.bot.q.story_more);
    await press(page, vi.bot.button.done);
    await asked(page, vi.bot.q.media);
    await press(page, vi.bot.button.done);
    await asked(page, vi.bot.q.contact);
    await press(page, vi.bot.opt.contact.chat);

    const receipt = page.locator('#messages > li.msg-bot', { hasText: CASE_CODE });
    await receipt.waitFor();
    const code = CASE_CODE.exec((await receipt.textContent()) ?? '')![0];
    await asked(page, vi.bot.menu_prompt);
    await shot(page, '03-receipt');
    await expectAccessible(page, 'chat receipt');
    // The receipt is shown from its first line: its code is fully on screen, below the sticky
    // header and above the sticky text box (not scrolled under the header by the answer after it).
    const codeBox = (await receipt.locator('.code').boundingBox())!;
    const header = (await page.locator('header').boundingBox())!;
    const composer = (await page.locator('.bottom').boundingBox())!;
    expect(codeBox.y).toBeGreaterThanOrEqual(header.y + header.height);
    expect(codeBox.y + codeBox.height).toBeLessThanOrEqual(composer.y);
    // The province chosen from the grid is stored by the list's name.
    expect((await app.store.collection(CaseModel).findOne({ code }))?.area).toMatchObject({ province: 'Hà Nội' });
    // What the child typed and pressed is on screen, as their words.
    const child = await page.locator('#messages > li.msg-child').allTextContents();
    expect(child.join('\n')).toContain('giấu cặp sách');
    expect(child.join('\n')).toContain(vi.bot.opt.harm.bullying);

    const before = await messages(page).allTextContents();
    await page.reload();
    await page.locator('#messages > li.msg-bot', { hasText: code }).waitFor();
    await expect.poll(() => messages(page).allTextContents()).toEqual(before);
    expect(await page.locator('#messages > li.msg-bot', { hasText: 'Chào em! Đây là Hộp Thư Xanh' }).count()).toBe(1);
    // The code can be copied with one press.
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.url });
    await page.locator('#messages > li.msg-bot', { hasText: code }).getByRole('button', { name: new RegExp(code) }).click();
    await page.locator('#messages > li.msg-bot', { hasText: code }).locator('.copy', { hasText: viConvo.webchat.copied }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(code);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("lets a child who reads the counsellor's question by the letter code answer it (reply mode)", async () => {
    const c = await app.cases.openCase({ kind: 'report', channel: 'telegram', contactId: 'first-device', fields: {}, urgentReasons: [], texts: ['Bố em hay quát em'], attachments: [] });
    const question = 'Em có người lớn nào tin tưởng không?';
    await app.store.collection(MessageModel).insertOne({ caseId: c._id, author: 'counsellor', text: question });
    await app.store.collection(CaseModel).findOneAndUpdate({ _id: c._id }, { $set: { firstResponseAt: new Date() } });
    const { context, page, problems } = await newPhone();
    await openChat(page);
    await type(page, c.code);
    await asked(page, viReply.reply.prompt.split(' {{code}}')[0]!);
    expect(await page.locator('#messages').textContent()).toContain(question);
    await type(page, 'dạ em có bà ngoại ở gần nhà ạ');
    await asked(page, viReply.reply.sent.split(' {{code}}')[0]!);
    expect(await page.locator('#messages > li.msg-bot:last-child .option', { hasText: viReply.reply.done }).count()).toBe(1);
    await shotWithoutOverflow(page, '05b-reply-mode');
    await expectAccessible(page, 'chat reply mode');
    const words = (await app.store.collection(MessageModel).find({ caseId: c._id, author: 'child' })).map((m) => m.text);
    expect(words).toContain('dạ em có bà ngoại ở gần nhà ạ');
    await press(page, viReply.reply.done);
    await asked(page, vi.bot.menu_prompt);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('speaks to a parent who writes "con gái tôi 9 tuổi bị…" as an adult through the whole report, and ends with first steps', async () => {
    const { context, page, problems } = await newPhone();
    await openChat(page);
    const greetings = await botMessages(page).count();
    const story = 'Con gái tôi 9 tuổi bị cô giáo phạt đứng ngoài lớp cả buổi, về nhà cháu cứ khóc';
    await type(page, story);
    const adult = viVoice.bot;
    /** Types into the text box, now labelled for an adult. */
    const typeAsAdult = async (text: string) => {
      await page.getByLabel(viVoice.webchat.input_label_adult).fill(text);
      await page.getByLabel(viVoice.webchat.input_label_adult).press('Enter');
    };
    await asked(page, adult.held_prompt_adult);
    // The page's own words follow: the note on clearing the chat and the end-chat question speak to an adult.
    await page.locator('#clear-note', { hasText: viVoice.webchat.clear_note_adult.slice(0, 30) }).waitFor();
    expect(await page.locator('#end-hint').textContent()).toBe(viVoice.webchat.end_confirm_adult);
    expect(await page.getByLabel(viVoice.webchat.input_label_adult).count()).toBe(1);
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, '05c-parent-first-words');
    await press(page, vi.bot.menu.report);
    await asked(page, adult.q.danger_adult);
    await press(page, vi.bot.opt.danger.no);
    // Who it is about, who is writing, the child's age ("9 tuổi") and gender ("con gái") were in
    // the words: no "how old?", no "bé trai hay bé gái?".
    await asked(page, adult.q.province_adult);
    await page.locator('#messages > li.msg-bot:last-child .grid .option:not([disabled])').first().click();
    await asked(page, adult.q.commune_adult);
    await press(page, vi.bot.button.skip);
    await asked(page, adult.q.harm_adult);
    await press(page, vi.bot.opt.harm.violence);
    await asked(page, adult.q.story_more_adult);
    await typeAsAdult('Cháu nói cô còn mắng cháu trước cả lớp.');
    await asked(page, adult.q.story_more_adult);
    await press(page, vi.bot.button.done);
    await asked(page, adult.q.media_adult);
    await shot(page, '05d-parent-mid-report');
    await expectAccessible(page, 'chat, a parent mid-report');
    await press(page, vi.bot.button.done);
    await asked(page, adult.q.contact_adult.split('\n')[0]!);
    await press(page, vi.bot.opt.contact.chat);

    const steps = page.locator('#messages > li.msg-bot', { hasText: viVoice.voice.first_steps_intro.after_report_adult });
    await steps.waitFor();
    await asked(page, adult.menu_prompt_adult);
    // The steps for the harm reported (violence): away from the person, photos of injuries, a doctor, 111 and 113.
    for (const words of ['tránh xa người', 'Đừng đối chất', 'Chụp ảnh vết thương', 'đi khám', '111', '113']) expect(await steps.textContent()).toContain(words);
    // 111 and 113 in the first steps can be tapped to call.
    expect(await steps.locator('a[href="tel:111"]').count()).toBe(1);
    expect(await steps.locator('a[href="tel:113"]').count()).toBe(1);
    const receipt = page.locator('#messages > li.msg-bot', { hasText: CASE_CODE });
    expect(await receipt.textContent()).toContain('Cảm ơn anh/chị đã viết');
    // Every line the bot said after the parent's first words speaks to an adult: never "em".
    const said = (await botMessages(page).allTextContents()).slice(greetings);
    expect(said.filter((line) => /(?<!\p{L})(?:em|bạn ấy)(?!\p{L})/iu.test(line.replaceAll(/trẻ em/giu, '')))).toEqual([]);
    await shotWithoutOverflow(page, '05e-parent-report-whole');
    // From its first line, below the sticky header.
    await steps.evaluate((el) => window.scrollBy(0, el.getBoundingClientRect().top - document.querySelector('header')!.getBoundingClientRect().bottom - 8));
    await shot(page, '05f-parent-first-steps');
    await expectAccessible(page, 'chat, a parent\'s receipt and first steps');

    const code = CASE_CODE.exec((await receipt.textContent()) ?? '')![0];
    const stored = (await app.store.collection(CaseModel).findOne({ code }))!;
    expect(stored).toMatchObject({ about: 'other_child', reporterRole: 'parent', gender: 'girl', ageBand: '6_10', harmType: 'violence' });
    expect((await app.store.collection(MessageModel).find({ caseId: stored._id }, { sort: { seq: 1 } })).map((m) => m.text)).toEqual([story, 'Cháu nói cô còn mắng cháu trước cả lớp.']);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('sends a photo from the 📎 button at the photos step, shows only that it was sent, and refuses a file that is not a photo', async () => {
    const { context, page, problems } = await newPhone();
    await openChat(page);
    const attach = page.getByRole('button', { name: vi.webchat.attach });
    expect(await attach.isVisible()).toBe(true);
    expect((await attach.boundingBox())!.height).toBeGreaterThanOrEqual(44);
    expect(await page.locator('#file').getAttribute('accept')).toBe('image/jpeg,image/png,image/webp,audio/mpeg,audio/ogg,audio/mp4,audio/webm,audio/aac');
    await press(page, vi.bot.menu.report);
    await asked(page, vi.bot.q.danger);
    // No commune once the province is skipped.
    for (const next of [vi.bot.q.about, vi.bot.q.age_self, vi.bot.q.gender_self, vi.bot.q.province, vi.bot.q.harm, vi.bot.q.story_report, vi.bot.q.media]) {
      await press(page, vi.bot.button.skip);
      await asked(page, next);
    }
    await shotWithoutOverflow(page, '08-photos-step');

    await page.setInputFiles('#file', { name: 'vet-bam.png', mimeType: 'image/png', buffer: tinyPng({ width: 64, height: 48, color: [200, 120, 90] }) });
    await page.locator('#messages > li.msg-child:not(.pending)', { hasText: vi.webchat.photo_sent }).waitFor();
    await asked(page, vi.bot.q.media_more);
    // The chat shows that a photo was sent, never the photo, and the picker holds nothing.
    expect(await page.locator('#messages img').count()).toBe(0);
    expect(await page.locator('#file').evaluate((el) => (el as HTMLInputElement).files?.length ?? 0)).toBe(0);
    await shot(page, '09-photo-sent');

    // A text file named like a photo: refused, said kindly, nothing added to the chat.
    const before = await messages(page).count();
    await page.setInputFiles('#file', { name: 'anh.png', mimeType: 'image/png', buffer: Buffer.from('Đây không phải là ảnh') });
    await page.locator('#upload-error', { hasText: vi.webchat.upload_unsupported }).waitFor();
    expect(await messages(page).count()).toBe(before);
    await shot(page, '10-upload-refused');
    // Typing again clears the message.
    await type(page, 'Em gửi ảnh rồi');
    await page.locator('#upload-error').waitFor({ state: 'hidden' });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows the emergency numbers right away when the child writes that they are being hurt', async () => {
    const { context, page, problems } = await newPhone();
    await openChat(page);
    const botCount = await botMessages(page).count();
    await type(page, 'bố em đánh em rất đau');
    const firstAnswer = botMessages(page).nth(botCount);
    await firstAnswer.waitFor();
    expect(await firstAnswer.textContent()).toContain(vi.bot.urgent_detected.split('\n')[0]!);
    const numbers = page.locator('#messages > li.msg-bot', { hasText: '114 — Cứu hỏa' });
    await numbers.waitFor();
    // The numbers can be tapped to call.
    expect(await numbers.locator('a[href="tel:111"]').count()).toBeGreaterThan(0);
    await shot(page, '04-emergency');
    // Then the offer to answer a few questions: they fill in this same urgent case.
    await asked(page, viFixes.fixes.follow_up.offer);
    await press(page, viFixes.fixes.follow_up.answer);
    await asked(page, vi.bot.q.danger);
    await shot(page, '04b-emergency-then-questions');
    const latest = (await app.store.collection(CaseModel).find({ priority: 'urgent' }, { sort: { createdAt: -1 }, limit: 1 }))[0]!;
    expect(await app.store.collection(CaseModel).count({ contactId: latest.contactId })).toBe(1);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows a message containing HTML as text and never runs it', async () => {
    const { context, page, problems } = await newPhone();
    await openChat(page);
    const attack = '<img src=x onerror=alert(1)>';
    await type(page, attack);
    const mine = page.locator('#messages > li.msg-child:not(.pending)', { hasText: attack });
    await mine.waitFor();
    await page.locator('#messages > li.msg-bot:last-child', { hasText: vi.bot.held_prompt }).waitFor();
    expect(await page.locator('#messages img').count()).toBe(0);
    expect(await mine.locator('.text').textContent()).toBe(attack);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('tells the child when the connection is lost, and sends the message once it is back', async () => {
    const { context, page, problems } = await newPhone();
    await openChat(page);
    await context.setOffline(true);
    await type(page, 'Em muốn trường có thêm sân chơi');
    await page.locator('#offline').waitFor();
    expect(await page.locator('#offline').textContent()).toBe(vi.webchat.offline);
    expect(await page.locator('#messages > li.pending', { hasText: 'sân chơi' }).count()).toBe(1);
    await shot(page, '07-offline');
    await context.setOffline(false);
    await page.locator('#messages > li.msg-bot:last-child', { hasText: vi.bot.held_prompt }).waitFor();
    await page.locator('#offline').waitFor({ state: 'hidden' });
    // Sent once, though it was tried more than once.
    expect(await page.locator('#messages > li.msg-child', { hasText: 'sân chơi' }).count()).toBe(1);
    expect(problems.filter((p) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch/.test(p))).toEqual([]);
    await context.close();
  });

  it('quick exit wipes the chat from the screen, the browser and the server, and Back does not return to it', async () => {
    const { context, page, problems } = await newPhone();
    await page.goto(`${neutralOrigin}/home`);
    await openChat(page);
    const token = await page.evaluate(() => localStorage.getItem('htx-chat-session'));
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    await page.getByRole('button', { name: new RegExp(vi.webchat.quick_exit) }).click();
    await page.waitForURL(`${neutralOrigin}/neutral`);
    expect(page.url()).toBe(`${neutralOrigin}/neutral`);

    // The beacon wiped the transcript on the server and retired the token: it reads nothing more.
    await expect
      .poll(async () => (await fetch(`${app.url}/chat/api/messages`, { headers: { 'x-chat-session': token! } })).status, { timeout: 10_000 })
      .toBe(410);
    // Nothing is left in the chat's storage (read from a page of the same origin that runs no chat).
    const probe = await context.newPage();
    await probe.goto(`${app.url}/healthz`);
    expect(await probe.evaluate(() => localStorage.length)).toBe(0);
    await probe.close();

    await page.goBack();
    expect(page.url()).not.toContain('/chat');
    expect(page.url()).toBe(`${neutralOrigin}/home`);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('quick exit also works by pressing Escape twice', async () => {
    const { context, page } = await newPhone();
    await openChat(page);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await page.waitForURL(`${neutralOrigin}/neutral`);
    await context.close();
  });

  it('speaks English with ?lang=en, nothing clipped on a 320 px phone', async () => {
    const { context, page, problems } = await newPerson(browser, { viewport: { width: 320, height: 640 }, failOnDialog: true });
    await openChat(page, '?lang=en', en.bot.menu.report);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.locator('header').textContent()).toContain(en.webchat.subtitle);
    expect(await page.getByRole('button', { name: new RegExp(en.webchat.quick_exit) }).isVisible()).toBe(true);
    await page.locator('#messages > li.msg-bot', { hasText: 'Hello! This is Hộp Thư Xanh' }).waitFor();
    await page.locator('#messages > li.msg-bot:last-child .option:not([disabled])', { hasText: en.bot.menu.report }).waitFor();
    // It starts like the Vietnamese page: the greeting and one menu, nothing else.
    expect(await messages(page).count()).toBe(2);
    expect(await messages(page).first().textContent()).toContain('Hello! This is Hộp Thư Xanh');
    expect(await page.getByLabel(en.webchat.input_label).getAttribute('placeholder')).toBe(en.webchat.placeholder);
    await expectPlaceholderFits(page);
    await shotWithoutOverflow(page, '05-english');
    await expectAccessible(page, 'English chat');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('switching the page to Vietnamese switches the bot too, in the same conversation', async () => {
    const { context, page, problems } = await newPhone();
    await openChat(page, '?lang=en', en.bot.menu.report);
    await page.locator('#lang-switch').click();
    await page.locator('#messages > li.msg-bot', { hasText: vi.bot.lang_switched }).waitFor();
    await page.locator('#messages > li.msg-bot:last-child .option:not([disabled])', { hasText: vi.bot.menu.report }).waitFor();
    // The English greeting is still there above: it is the same conversation.
    expect(await messages(page).first().textContent()).toContain('Hello! This is Hộp Thư Xanh');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('switching the language inside the chat switches the page too, and shows the greeting in the new language', async () => {
    const { context, page, problems } = await newPhone();
    await openChat(page);
    await press(page, vi.bot.menu.lang);
    await page.waitForURL(/\?lang=en$/);
    await page.locator('#messages > li.msg-bot:last-child .option:not([disabled])', { hasText: en.bot.menu.report }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.getByRole('button', { name: new RegExp(en.webchat.quick_exit) }).isVisible()).toBe(true);
    expect(await page.locator('a[href="tel:111"]').first().textContent()).toContain(en.webchat.call_111);
    // The greeting with the anonymity notice, now in English, after the Vietnamese one.
    await page.locator('#messages > li.msg-bot', { hasText: 'You don\'t need to give your name' }).waitFor();
    expect(await messages(page).first().textContent()).toContain('Chào em! Đây là Hộp Thư Xanh');
    await expectPlaceholderFits(page);
    await shotWithoutOverflow(page, '11-switched-in-chat');
    await expectAccessible(page, 'chat after switching language');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('"Xong & xoá" leaves nothing on the phone after a reload, and the old token is refused', async () => {
    const { context, page, problems } = await newPhone();
    await openChat(page);
    await type(page, 'Em muốn trường có thêm sân chơi');
    await page.locator('#messages > li.msg-bot:last-child', { hasText: vi.bot.held_prompt }).waitFor();
    const token = await page.evaluate(() => localStorage.getItem('htx-chat-session'));
    await page.getByRole('button', { name: viConvo.webchat.end }).click();
    await page.getByRole('button', { name: viConvo.webchat.end_yes }).waitFor();
    await shot(page, '12-end-confirm');
    await expectAccessible(page, 'end confirmation');
    await page.getByRole('button', { name: viConvo.webchat.end_yes }).click();
    // A fresh chat: the greeting and the menu only, under a new token.
    await page.locator('#messages > li:last-child .option:not([disabled])', { hasText: vi.bot.menu.report }).waitFor();
    await page.reload();
    await page.locator('#messages > li:last-child .option:not([disabled])', { hasText: vi.bot.menu.report }).waitFor();
    expect(await page.locator('#messages').textContent()).not.toContain('sân chơi');
    expect(await messages(page).count()).toBe(2);
    const fresh = await page.evaluate(() => localStorage.getItem('htx-chat-session'));
    expect(fresh).not.toBe(token);
    expect((await fetch(`${app.url}/chat/api/messages`, { headers: { 'x-chat-session': token! } })).status).toBe(410);
    const append = await fetch(`${app.url}/chat/api/messages`, {
      method: 'POST',
      headers: { 'x-chat-session': token!, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'aaaaaaaaaaaa', text: 'thêm nữa' }),
    });
    expect(append.status).toBe(410);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('warns before a phone number is asked, and takes only a Vietnamese number', async () => {
    const { context, page, problems } = await newPhone();
    await openChat(page);
    await press(page, vi.bot.menu.report);
    await asked(page, vi.bot.q.danger);
    for (const next of [vi.bot.q.about, vi.bot.q.age_self, vi.bot.q.gender_self, vi.bot.q.province, vi.bot.q.harm, vi.bot.q.story_report, vi.bot.q.media, vi.bot.q.contact]) {
      await press(page, vi.bot.button.skip);
      await asked(page, next);
    }
    expect(vi.bot.q.contact).toContain('Chỉ để số mà người làm em sợ không nghe máy được');
    await press(page, vi.bot.opt.contact.phone);
    await asked(page, vi.bot.q.contact_details);
    await type(page, '098 765 43');
    await page.locator('#messages > li.msg-bot', { hasText: viConvo.bot.phone_invalid }).waitFor();
    await asked(page, vi.bot.q.contact_details);
    await shot(page, '13-phone-invalid');
    await type(page, '0987 654 321');
    await page.locator('#messages > li.msg-bot', { hasText: CASE_CODE }).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('the widget on a partner site opens the chat in a panel, and its quick exit leaves the partner page', async () => {
    const { context, page, problems } = await newPhone();
    await page.goto(`${neutralOrigin}/partner`);
    await page.getByRole('button', { name: vi.webchat.widget_open }).click();
    const chat = page.frameLocator('iframe');
    await chat.locator('#messages > li:last-child .option:not([disabled])', { hasText: vi.bot.menu.report }).waitFor();
    await shot(page, '06-widget');
    // One close (it hides the panel) and one quick exit: never two ✕ side by side.
    const close = page.getByRole('button', { name: vi.webchat.widget_close });
    expect(await close.textContent()).not.toContain('✕');
    await chat.getByRole('button', { name: new RegExp(vi.webchat.quick_exit) }).click();
    await page.waitForURL(`${neutralOrigin}/neutral`);
    expect(problems).toEqual([]);
    await context.close();
  });
});
