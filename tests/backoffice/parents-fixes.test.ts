/**
 * What an outside walk-through found in the back office for parents and staff, checked through
 * HTTP on the real app: canned replies in the writer's voice and language.
 */
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../app/app.js';
import { tr } from '../../locales/i18n.js';
import { CaseModel, ContactModel, type Case } from '../../models/index.js';
import { AdminClient } from '../helpers/admin-client.js';
import { caseCodeIn, eventually, TelegramHarness } from '../helpers/telegram-child.js';

const vi = tr('vi');
const en = tr('en');
const ADMIN = { email: 'admin@example.test', password: 'correct horse battery' };

/** Nunjucks' escaping of an attribute value, so the page's HTML can be searched for a text. */
const attr = (s: string) => s.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll("'", '&#39;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** The case page's HTML of what the sender wrote and what was sent, by their words. */
const lineOf = (html: string, words: string) => {
  const at = html.indexOf(words);
  return at < 0 ? '' : html.slice(html.lastIndexOf('<li class="msg', at), at);
};

describe('The back office for parents and English-speaking children (HTTP)', () => {
  // One app with Telegram (its fake Bot API) and the web chat, and an admin signed in.
  let bot: TelegramHarness;
  let app: App;
  let admin: AdminClient;

  beforeAll(async () => {
    bot = await TelegramHarness.start({ env: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, STAFF_2FA: 'optional' } });
    app = bot.app;
    admin = new AdminClient(app.url);
    expect((await admin.signIn(ADMIN.email, ADMIN.password)).status).toBe(303);
  });
  afterAll(() => bot?.close());

  /** Sends what someone types in the web chat. */
  const chat = (session: string, text: string) =>
    fetch(`${app.url}/chat/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-chat-session': session },
      body: JSON.stringify({ id: crypto.randomBytes(9).toString('base64url'), text }),
    });

  /** A web chat contact (in the language given) and a case opened for it by a child or a parent. */
  async function webCase(opts: { lang?: 'vi' | 'en'; reporterRole?: string } = {}): Promise<{ case: Case; session: string }> {
    const session = crypto.randomBytes(32).toString('base64url');
    await chat(session, '/start');
    const pseudonym = app.cipher.pseudonym('web', session);
    const contacts = app.store.collection(ContactModel);
    await eventually(async () => (await contacts.findOne({ channel: 'web', pseudonym })) !== null, 10_000, () => 'no contact');
    const contact = (await contacts.findOneAndUpdate({ channel: 'web', pseudonym }, { $set: { lang: opts.lang ?? 'vi' } }))!;
    const c = await app.cases.openCase({
      kind: 'report',
      channel: 'web',
      contactId: contact._id,
      fields: { harmType: 'bullying', ...(opts.reporterRole ? { reporterRole: opts.reporterRole, about: 'other_child' } : {}) },
      urgentReasons: [],
      texts: ['Con tôi bị bắt nạt ở trường'],
      attachments: [],
    });
    return { case: (await app.store.collection(CaseModel).findOne({ _id: c._id }))!, session };
  }
  const casePage = async (c: Case) => (await admin.get(`/admin/cases/${c._id}`)).html;
  const offered = (html: string, text: string) => html.includes(`<option value="${attr(text)}">`);

  describe('canned replies', () => {
    const shipped = (lang: 'vi' | 'en', adult: boolean) => (lang === 'vi' ? vi : en)('admin.canned.shipped.refer_111.text', adult ? { context: 'adult' } : {});

    it('offers a parent the shipped replies written to an adult ("anh/chị"), not the child\'s', async () => {
      const { case: c } = await webCase({ reporterRole: 'parent' });
      const page = await casePage(c);

      expect(offered(page, shipped('vi', true))).toBe(true);
      expect(offered(page, shipped('vi', false))).toBe(false);
      expect(shipped('vi', true)).toContain('Anh/chị');
      expect(page).toContain(vi('admin.canned.offered_for', { who: vi('admin.canned.tags.adult'), lang: vi('admin.canned.tags.lang_vi') }));
    });

    it('offers an English-speaking child the shipped replies in English, and an English-speaking parent the adult ones', async () => {
      const child = await casePage((await webCase({ lang: 'en' })).case);
      expect(offered(child, shipped('en', false))).toBe(true);
      expect(offered(child, shipped('vi', false))).toBe(false);

      const parent = await casePage((await webCase({ lang: 'en', reporterRole: 'teacher' })).case);
      expect(offered(parent, shipped('en', true))).toBe(true);
      expect(offered(parent, shipped('en', false))).toBe(false);
    });

    it('offers a saved reply only on cases its tags fit; an untagged one on every case; a bad tag is refused', async () => {
      const bad = await admin.postForm('/admin/settings/canned', { canned: '[phụ huynh nhỏ] Gọi 111\nAnh/chị gọi 111 nhé.' });
      expect(bad.status).toBe(400);
      expect(bad.html).toContain(attr(vi('admin.canned.errors.bad_tag', { block: 1, tag: 'phụ huynh nhỏ' })));

      const list = [
        '[người lớn] [vi] Hẹn gọi lại\nTư vấn viên sẽ gọi lại cho anh/chị trong hôm nay.',
        '[trẻ em] [vi] Hẹn nhắn lại\nAnh chị sẽ nhắn lại cho em tối nay nhé.',
        '[child] [en] Write again\nWe will write to you again tonight.',
        'Số 111\n111 miễn phí, 24/7.',
      ].join('\n---\n');
      expect((await admin.postForm('/admin/settings/canned', { canned: list })).status).toBe(303);

      const parent = await casePage((await webCase({ reporterRole: 'parent' })).case);
      expect(offered(parent, 'Tư vấn viên sẽ gọi lại cho anh/chị trong hôm nay.')).toBe(true);
      expect(offered(parent, 'Anh chị sẽ nhắn lại cho em tối nay nhé.')).toBe(false);
      expect(offered(parent, '111 miễn phí, 24/7.')).toBe(true);

      const english = await casePage((await webCase({ lang: 'en' })).case);
      expect(offered(english, 'We will write to you again tonight.')).toBe(true);
      expect(offered(english, 'Anh chị sẽ nhắn lại cho em tối nay nhé.')).toBe(false);
      expect(offered(english, 'Tư vấn viên sẽ gọi lại cho anh/chị trong hôm nay.')).toBe(false);

      // The settings page shows the tags as saved, so the list can be edited and saved again.
      const settings = (await admin.get('/admin/settings')).html;
      expect(settings).toContain('[người lớn] [vi] Hẹn gọi lại');
      expect(settings).toContain('[trẻ em] [en] Write again');
      await admin.postForm('/admin/settings/canned', { canned: '' });
    });
  });

  describe('the channel of each message', () => {
    it('shows on the case page which channel each message came through or was sent on, by its name only', async () => {
      const child = bot.child();
      await child.says('/start');
      await child.says('Em muốn kể chuyện ở lớp em, mấy hôm nay em buồn');
      await child.presses(vi('bot.menu.report'));
      const code = caseCodeIn(await child.skipsToTheEnd());
      const c = await bot.caseByCode(code);
      // The same child opens the case from the web chat by its code and writes more there.
      const session = crypto.randomBytes(32).toString('base64url');
      await chat(session, '/start');
      await chat(session, code);
      await chat(session, 'Hôm nay các bạn ấy lại chặn em ở cổng trường');
      await eventually(async () => (await bot.messagesOf(c._id)).some((m) => m.text.includes('cổng trường')), 10_000, () => 'the web words were not stored');
      expect((await admin.postForm(`/admin/cases/${c._id}/reply`, { text: 'Em đã kể với cô chủ nhiệm chưa?' })).status).toBe(303);

      const page = (await admin.get(`/admin/cases/${c._id}`)).html;
      const telegram = vi('admin.cases.channels.telegram');
      const web = vi('admin.cases.channels.web');
      expect(lineOf(page, 'chuyện ở lớp em')).toContain(vi('admin.message_channel.child', { channel: telegram }));
      expect(lineOf(page, 'cổng trường')).toContain(vi('admin.message_channel.child', { channel: web }));
      expect(lineOf(page, 'cô chủ nhiệm chưa?')).toContain(vi('admin.message_channel.counsellor', { channel: telegram }));
      // Never an id on the platform: not the Telegram chat, not the web chat's session.
      expect(page).not.toContain(String(child.chatId));
      expect(page).not.toContain(session);
      expect(page).not.toContain(app.cipher.pseudonym('web', session));
    });
  });
});
