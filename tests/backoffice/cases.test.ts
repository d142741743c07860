import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/config.js';
import { startApp, type App } from '../../app/app.js';
import { tr } from '../../locales/i18n.js';
import { AuditEventModel, CaseModel, ContactModel, MessageModel, ReferralModel, SettingsModel, StaffModel, StartupStepModel, type Case, type Expertise, type StaffRole } from '../../models/index.js';
import { fillAnswerDue } from '../../cases/answer-due.js';
import { AdminClient, createStaffAccount } from '../helpers/admin-client.js';
import { engineEnv } from '../helpers/engines.js';

const vi = tr('vi');
const ADMIN = { email: 'admin@example.test', password: 'correct horse battery' };
const PASSWORD = 'a long enough password';
const HN = 'Hà Nội';
const DN = 'Đà Nẵng';
const XSS = '<script>alert(1)</script><img src=x onerror=alert(1)>';

/** Polls `read` until `done` holds. */
async function eventually<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not met; last value: ${JSON.stringify(v).slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('back-office cases and settings, through the routes (the real app, in-process)', () => {
  let app: App;
  let dataDir: string;
  let n = 0;
  const people: Record<string, { client: AdminClient; id: string }> = {};

  async function person(key: string, role: StaffRole, areas: string[] = [], expertise: Expertise[] = []) {
    const email = `${key}.${++n}@example.test`;
    const { staff } = await createStaffAccount(app, { email, password: PASSWORD, name: `Người ${key}`, role, areas, expertise, twoFactor: false });
    const client = new AdminClient(app.url);
    expect((await client.signIn(email, PASSWORD)).status).toBe(303);
    people[key] = { client, id: staff._id };
  }

  /** A web chat session that has started the bot (so its contact exists), and a case opened for it. */
  async function webCase(opts: { province?: string | null; text?: string; assignee?: string } = {}) {
    const session = crypto.randomBytes(32).toString('base64url');
    await chat(session, '/start');
    const pseudonym = app.cipher.pseudonym('web', session);
    const contact = await eventually(() => app.store.collection(ContactModel).findOne({ channel: 'web', pseudonym }), (c) => c !== null);
    const c = await app.cases.openCase({
      kind: 'report',
      channel: 'web',
      contactId: contact!._id,
      fields: { area: { province: opts.province === undefined ? HN : opts.province }, harmType: 'violence', contactDetails: '0912 000 111' },
      urgentReasons: [],
      texts: [opts.text ?? 'Em bị bạn cùng lớp bắt nạt'],
      attachments: [{ kind: 'photo', ref: 'AgACAgUAAxkBAAIBZ2-photo-ref', mime: null }],
    });
    if (opts.assignee) await app.store.collection(CaseModel).findOneAndUpdate({ _id: c._id }, { $set: { assigneeId: opts.assignee } });
    return { case: c, session };
  }
  /** Sends what a child types (or, with `payload`, the button they press) in the web chat. */
  const chat = (session: string, text: string, payload?: string) =>
    fetch(`${app.url}/chat/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-chat-session': session },
      body: JSON.stringify({ id: crypto.randomBytes(9).toString('base64url'), ...(payload ? { payload, label: text } : { text }) }),
    });
  type Entry = { from: string; text: string; options?: { id: string; label: string }[][] };
  const transcript = async (session: string) =>
    ((await (await fetch(`${app.url}/chat/api/messages`, { headers: { 'x-chat-session': session } })).json()) as { messages: Entry[] }).messages;
  /** What a change could touch: the case document and its messages and referrals. */
  const snapshot = async (caseId: string) => ({
    case: await app.store.collection(CaseModel).findOne({ _id: caseId }),
    messages: await app.store.collection(MessageModel).count({ caseId }),
    referrals: await app.store.collection(ReferralModel).count({ caseId }),
  });
  const caseOf = async (id: string) => (await app.store.collection(CaseModel).findOne({ _id: id })) as Case;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'htx-cases-routes-'));
    const config = loadConfig({ ...engineEnv(), PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: process.env.TEST_LOG ?? "silent", ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, STAFF_2FA: 'optional' });
    app = await startApp(config, { processEvery: 50, outboxEvery: '1 second' });
    const admin = new AdminClient(app.url);
    expect((await admin.signIn(ADMIN.email, ADMIN.password)).status).toBe(303);
    people.admin = { client: admin, id: (await app.store.collection(StaffModel).findOne({ email: ADMIN.email }))!._id };
    await person('coordHN', 'coordinator', [HN]);
    await person('coordDN', 'coordinator', [DN]);
    await person('lan', 'counsellor', [HN], ['law', 'psychology']);
    await person('minh', 'counsellor', [HN], ['education']);
  });
  afterAll(async () => {
    await app?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('when /admin is opened, then it goes to the inbox', async () => {
    expect((await people.lan!.client.get('/admin')).location).toBe('/admin/cases');
  });

  it('when a counsellor opens the inbox, then only the cases assigned to them are listed', async () => {
    const mine = await webCase({ assignee: people.lan!.id });
    const theirs = await webCase({ assignee: people.minh!.id });
    const page = await people.lan!.client.get('/admin/cases');
    expect(page.status).toBe(200);
    expect(page.html).toContain(mine.case.code);
    expect(page.html).not.toContain(theirs.case.code);
    // A search for someone else's case finds nothing either.
    const search = await people.lan!.client.get(`/admin/cases?q=${theirs.case.code}`);
    expect(search.html).not.toContain(`/admin/cases/${theirs.case._id}`);
    expect(search.html).toContain(vi('admin.cases.empty'));
  });

  it("when a counsellor opens another counsellor's case by its URL, then it is not found, exactly like a case that does not exist", async () => {
    const theirs = await webCase({ assignee: people.minh!.id });
    const res = await people.lan!.client.get(`/admin/cases/${theirs.case._id}`);
    expect(res.status).toBe(404);
    expect(res.html).not.toContain(theirs.case.code);
    expect((await people.lan!.client.get('/admin/cases/nonexistent-id')).status).toBe(404);
    expect((await people.minh!.client.get(`/admin/cases/${theirs.case._id}`)).status).toBe(200);
  });

  it("when a counsellor posts forms to another counsellor's case, then each is refused and nothing changes", async () => {
    const theirs = await webCase({ assignee: people.minh!.id });
    const before = await snapshot(theirs.case._id);
    const lan = people.lan!.client;
    const base = `/admin/cases/${theirs.case._id}`;
    expect((await lan.postForm(`${base}/reply`, { text: 'xin chào' })).status).toBe(404);
    expect((await lan.postForm(`${base}/note`, { text: 'ghi chú' })).status).toBe(404);
    expect((await lan.postForm(`${base}/status`, { status: 'in_progress' })).status).toBe(404);
    expect((await lan.postForm(`${base}/referrals`, { to: 'police' })).status).toBe(404);
    // Triage and assignment are for coordinators: refused before the case is even looked at.
    expect((await lan.postForm(`${base}/triage`, { priority: 'urgent' })).status).toBe(403);
    expect((await lan.postForm(`${base}/assign`, { staffId: people.lan!.id })).status).toBe(403);
    expect((await lan.postForm(`${base}/reply`, { text: '' })).status).toBe(404);
    expect(await snapshot(theirs.case._id)).toEqual(before);
  });

  it('when two coordinators work in two provinces, then each sees only the cases of their own province', async () => {
    const hn = await webCase({ province: HN });
    const dn = await webCase({ province: DN });
    const hnInbox = (await people.coordHN!.client.get('/admin/cases')).html;
    const dnInbox = (await people.coordDN!.client.get('/admin/cases')).html;
    expect(hnInbox).toContain(hn.case.code);
    expect(hnInbox).not.toContain(dn.case.code);
    expect(dnInbox).toContain(dn.case.code);
    expect(dnInbox).not.toContain(hn.case.code);
    expect((await people.coordHN!.client.get(`/admin/cases/${dn.case._id}`)).status).toBe(404);
    const before = await snapshot(dn.case._id);
    expect((await people.coordHN!.client.postForm(`/admin/cases/${dn.case._id}/triage`, { priority: 'urgent' })).status).toBe(404);
    expect(await snapshot(dn.case._id)).toEqual(before);
  });

  it('when a form is posted without the CSRF token or with a wrong one, then it is refused with 403 and nothing changes', async () => {
    const mine = await webCase({ assignee: people.lan!.id });
    const before = await snapshot(mine.case._id);
    expect((await people.lan!.client.postForm(`/admin/cases/${mine.case._id}/reply`, { text: 'xin chào' }, { csrf: false })).status).toBe(403);
    expect((await people.lan!.client.postForm(`/admin/cases/${mine.case._id}/note`, { text: 'x', _csrf: 'forged' })).status).toBe(403);
    expect((await people.admin!.client.postForm('/admin/settings/hotlines', { provinceNumber: '1800 1111' }, { csrf: false })).status).toBe(403);
    expect(await snapshot(mine.case._id)).toEqual(before);
    expect(await app.store.collection(SettingsModel).count({})).toBe(0);
  });

  it("when a child's message holds HTML, then the case page and the inbox search show it as text", async () => {
    const mine = await webCase({ assignee: people.lan!.id, text: XSS });
    const page = await people.lan!.client.get(`/admin/cases/${mine.case._id}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(page.html).not.toContain('<script>alert');
    expect(page.html).not.toContain('<img src=x');
    const inbox = await people.lan!.client.get(`/admin/cases?q=${encodeURIComponent(XSS)}`);
    expect(inbox.html).toContain(mine.case.code);
    expect(inbox.html).toContain('&lt;script&gt;');
    expect(inbox.html).not.toContain('<script>alert');
  });

  it('shows the case page with the conversation, the attachment, the contact details left, and only the allowed next statuses', async () => {
    const mine = await webCase({ assignee: people.lan!.id });
    const html = (await people.lan!.client.get(`/admin/cases/${mine.case._id}`)).html;
    expect(html).toContain(vi('admin.cases.authors.child'));
    // A platform's file reference is the channel's business: staff never see it.
    expect(html).not.toContain('AgACAgUAAxkBAAIBZ2-photo-ref');
    expect(html).toContain(vi('admin.cases.conversation.attachment_hint'));
    expect(html).toContain(vi('admin.cases.attachment_kinds.photo'));
    expect(html).toContain('0912 000 111');
    const moves = [...html.matchAll(/name="status" value="(\w+)"/g)].map((m) => m[1]);
    expect(moves).toEqual(['triaged']);
    // A move the workflow does not allow is refused and changes nothing.
    const res = await people.lan!.client.postForm(`/admin/cases/${mine.case._id}/status`, { status: 'closed' });
    expect(res.status).toBe(409);
    expect(res.html).toContain(vi('errors.invalid_transition'));
    expect((await caseOf(mine.case._id)).status).toBe('new');
  });

  it("shows the bot's question, folded, before each answer the child wrote during the questions; older words as before", async () => {
    const mine = await webCase({ assignee: people.lan!.id, text: 'Em viết trước khi bot hỏi gì' });
    for (const [text, asked] of [
      ['voi em a', 'about'],
      ['Bạn cùng lớp hay giật tóc em', 'story'],
    ] as const) await app.cases.addChildMessage(mine.case._id, { text, attachments: [], asked });
    const html = (await people.lan!.client.get(`/admin/cases/${mine.case._id}`)).html;
    const about = html.indexOf(vi('admin.cases.asked_label', { question: vi('bot.q.about') }));
    expect(about).toBeGreaterThan(0);
    expect(about).toBeLessThan(html.indexOf('voi em a'));
    // A long question shows its first sentence folded, the whole of it when opened.
    const story = vi('bot.q.story_report');
    const firstSentence = story.slice(0, story.indexOf('.') + 1);
    expect(firstSentence.length).toBeLessThan(story.length);
    const storyAt = html.indexOf(`<summary>🤖 ${vi('admin.cases.asked_label', { question: firstSentence })}</summary>`);
    expect(html).toContain(`<p>${story}</p></details>`);
    expect(storyAt).toBeGreaterThan(about);
    expect(storyAt).toBeLessThan(html.indexOf('Bạn cùng lớp hay giật tóc em'));
    // Words written before any question have no question beside them.
    const first = html.indexOf('Em viết trước khi bot hỏi gì');
    expect(html.slice(html.indexOf('class="thread"'), first)).not.toContain('class="asked"');
  });

  it("shows a parent's answers beside the questions as the parent was asked them, in the adult voice", async () => {
    const mine = await webCase({ assignee: people.lan!.id, text: 'Con gái tôi bị bạn cùng lớp bắt nạt' });
    await app.store.collection(CaseModel).findOneAndUpdate({ _id: mine.case._id }, { $set: { reporterRole: 'parent', about: 'other_child' } });
    await app.cases.addChildMessage(mine.case._id, { text: 'cháu 9 tuổi', attachments: [], asked: 'age' });
    await app.cases.addChildMessage(mine.case._id, { text: 'không có ảnh', attachments: [], asked: 'media' });
    const html = (await people.lan!.client.get(`/admin/cases/${mine.case._id}`)).html;
    expect(html).toContain(vi('admin.cases.asked_label', { question: vi('bot.q.age_other_adult') }));
    expect(html).not.toContain(vi('admin.cases.asked_label', { question: vi('bot.q.age_other') }));
    const media = vi('bot.q.media_adult');
    expect(html).toContain(`<p>${media}</p></details>`);
    expect(html).not.toContain(`<p>${vi('bot.q.media')}</p></details>`);
  });

  it('when the triage form has bad values, then the page comes back with the field errors and nothing is saved', async () => {
    const c = await webCase({ province: HN });
    const before = await snapshot(c.case._id);
    const res = await people.coordHN!.client.postForm(`/admin/cases/${c.case._id}/triage`, { kind: 'report', priority: 'sky-high', province: 'Atlantis', topic: '' });
    expect(res.status).toBe(400);
    expect(res.html).toMatch(/id="triage-priority" name="priority" aria-describedby="triage-priority-error" aria-invalid="true"/);
    expect(res.html).toContain(`id="triage-priority-error">${vi('errors.fields.invalid_option')}<`);
    const area = await people.coordHN!.client.postForm(`/admin/cases/${c.case._id}/triage`, { province: 'Atlantis' });
    expect(area.status).toBe(400);
    expect(area.html).toContain(`id="triage-province-error">${vi('errors.fields.unknown_area')}<`);
    expect(await snapshot(c.case._id)).toEqual(before);
  });

  it('when the referral form has bad values, then the page comes back with the field errors and no referral is stored', async () => {
    const mine = await webCase({ assignee: people.lan!.id });
    const res = await people.lan!.client.postForm(`/admin/cases/${mine.case._id}/referrals`, { to: 'agency', agencyName: '', sentAt: '2025-03-10', dueAt: '2025-01-01' });
    expect(res.status).toBe(400);
    expect(res.html).toContain(`id="referral-agencyName-error">${vi('errors.fields.required')}<`);
    expect(res.html).toContain(`id="referral-dueAt-error">${vi('errors.fields.due_before_sent')}<`);
    expect(res.html).toMatch(/id="referral-dueAt" name="dueAt" type="date" value="2025-01-01"/);
    expect(await app.store.collection(ReferralModel).count({ caseId: mine.case._id })).toBe(0);
  });

  it('when a coordinator triages and assigns a case and the counsellor answers, then the answer reaches the web chat and shows as sent', async () => {
    const c = await webCase({ province: HN });
    const coord = people.coordHN!.client;
    const page = (await coord.get(`/admin/cases/${c.case._id}`)).html;
    // Lan (law, psychology) fits a report; Minh (education) does not: Lan is suggested first.
    expect(page).toMatch(new RegExp(`<optgroup label="${vi('admin.cases.assign.suggested_group')}">\\s*<option value="${people.lan!.id}"`));
    let res = await coord.postForm(`/admin/cases/${c.case._id}/triage`, { kind: 'report', priority: 'high', harmType: 'bullying', province: HN, commune: 'Phường Ba Đình', topic: '' });
    expect(res).toMatchObject({ status: 303, location: `/admin/cases/${c.case._id}` });
    res = await coord.postForm(`/admin/cases/${c.case._id}/assign`, { staffId: people.lan!.id });
    expect(res.status).toBe(303);
    expect((await coord.follow(res)).html).toContain(vi('admin.cases.flash.assigned', { name: 'Người lan' }));
    expect(await caseOf(c.case._id)).toMatchObject({ status: 'triaged', priority: 'high', harmType: 'bullying', assigneeId: people.lan!.id, area: { province: HN, commune: 'Phường Ba Đình' } });

    const answer = 'Cô đã đọc thư của em. Em không có lỗi gì cả.';
    res = await people.lan!.client.postForm(`/admin/cases/${c.case._id}/reply`, { text: answer });
    expect(res.status).toBe(303);
    expect((await people.lan!.client.follow(res)).html).toContain(vi('admin.cases.flash.replied'));
    await eventually(() => transcript(c.session), (m) => m.some((e) => e.from === 'bot' && e.text.includes(answer)));
    const after = await eventually(
      () => people.lan!.client.get(`/admin/cases/${c.case._id}`),
      (p) => p.html.includes(`<strong>✓ ${vi('admin.cases.delivery.sent')}</strong>`),
    );
    expect(after.html).toContain(answer);
    expect((await caseOf(c.case._id)).status).toBe('in_progress');
  });

  it('when an agency answers a forwarded opinion and it is sent to the child, then it reaches the web chat once', async () => {
    const mine = await webCase({ assignee: people.lan!.id });
    await people.lan!.client.postForm(`/admin/cases/${mine.case._id}/referrals`, { to: 'agency', agencyName: 'UBND xã Tân Lập' });
    const referral = (await app.store.collection(ReferralModel).findOne({ caseId: mine.case._id }))!;
    expect(referral.dueAt!.getTime() - referral.sentAt.getTime()).toBe(30 * 24 * 60 * 60_000);
    const url = `/admin/cases/${mine.case._id}/referrals/${referral._id}/answer`;
    const res = await people.lan!.client.postForm(url, { answer: 'Xã sẽ làm thêm sân chơi.', sendToChild: '1' });
    expect(res.status).toBe(303);
    await eventually(() => transcript(mine.session), (m) => m.some((e) => e.text.includes('Xã sẽ làm thêm sân chơi.')));
    expect((await people.lan!.client.postForm(url, { answer: 'Lần nữa', sendToChild: '1' })).status).toBe(409);
  });

  it('lets only admins read the audit log, filtered by case code', async () => {
    const c = await webCase({ assignee: people.lan!.id });
    await people.lan!.client.get(`/admin/cases/${c.case._id}`);
    expect((await people.lan!.client.get('/admin/audit')).status).toBe(403);
    expect((await people.coordHN!.client.get('/admin/audit')).status).toBe(403);
    const log = await people.admin!.client.get(`/admin/audit?code=${c.case.code.toLowerCase()}`);
    expect(log.status).toBe(200);
    expect(log.html).toContain(vi('admin.audit.actions.case.viewed'));
    expect(log.html).toContain('Người lan');
    expect((await people.admin!.client.get('/admin/audit?code=HTX-22222-22222')).html).toContain(vi('admin.audit.no_such_code'));
  });

  it('shows a case opened many times with its latest 50 events and how many there are, and sends admins to the whole trail', async () => {
    const c = await webCase({ assignee: people.lan!.id });
    for (let i = 0; i < 60; i++) await app.cases.record('staff', people.lan!.id, 'case.viewed', c.case._id, { contactDetailsShown: false });
    expect((await people.lan!.client.postForm(`/admin/cases/${c.case._id}/status`, { status: 'triaged' })).status).toBe(303);
    const trailRows = (html: string) => [...(/<table class="trail">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '').matchAll(/<tr><td class="nowrap">/g)].length;
    const page = await people.admin!.client.get(`/admin/cases/${c.case._id}`);
    const total = await app.store.collection(AuditEventModel).count({ caseId: c.case._id });
    expect(total).toBeGreaterThan(62);
    expect(trailRows(page.html)).toBe(50);
    expect(page.html).toContain(`${vi('admin.cases.trail.title')} (${total})`);
    expect(page.html).toContain(vi('admin.cases.trail.latest', { shown: 50, total }));
    expect(page.html).toContain(`href="/admin/audit?code=${c.case.code}"`);
    // The latest events are the ones shown: the status change, then this very view; not the case's creation.
    const trail = /<table class="trail">([\s\S]*?)<\/table>/.exec(page.html)![1]!;
    expect(trail).toContain(vi('admin.audit.actions.case.status_changed'));
    expect(trail).not.toContain(vi('admin.audit.actions.case.created'));
    // A counsellor sees the same page without the link (the audit log is for admins).
    const theirs = await people.lan!.client.get(`/admin/cases/${c.case._id}`);
    expect(trailRows(theirs.html)).toBe(50);
    expect(theirs.html).not.toContain('/admin/audit?code=');
  });

  it.each(['vi', 'en'])('shows no raw locale keys on any page in %s', async (lang) => {
    const c = await webCase({ province: HN });
    await people.admin!.client.postForm(`/admin/cases/${c.case._id}/referrals`, { to: 'school', note: 'x' });
    for (const page of ['/admin/cases', `/admin/cases/${c.case._id}`, '/admin/settings', '/admin/audit']) {
      const res = await people.admin!.client.get(`${page}${page.includes('?') ? '&' : '?'}lang=${lang}`);
      expect(res.status, page).toBe(200);
      expect(res.html.match(/>[^<]*\b(admin|errors|bot)\.[a-z_]+\.[\w.]+/g) ?? [], page).toEqual([]);
    }
    await people.admin!.client.get('/admin/cases?lang=vi');
  });

  it('when an admin saves a provincial hotline, then the bot shows it in the greeting at once', async () => {
    expect((await people.coordHN!.client.get('/admin/settings')).status).toBe(403);
    const bad = await people.admin!.client.postForm('/admin/settings/hotlines', { provinceNumber: 'call me', provinceName: '' });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain(`id="hotlines-provinceNumber-error">${vi('errors.fields.invalid_format')}<`);
    const res = await people.admin!.client.postForm('/admin/settings/hotlines', { provinceNumber: '1800 8079', provinceName: 'Ninh Thuận' });
    expect(res).toMatchObject({ status: 303, location: '/admin/settings#hotlines' });
    const session = crypto.randomBytes(32).toString('base64url');
    await chat(session, '/start');
    const greeting = await eventually(() => transcript(session), (m) => m.some((e) => e.from === 'bot'));
    expect(greeting.find((e) => e.from === 'bot')!.text).toContain(vi('bot.province_line', { number: '1800 8079' }));
    const page = await people.admin!.client.get('/admin/settings');
    expect(page.html).toContain('value="1800 8079"');
  });

  it('when an admin saves an area list and SLA values, then triage and the audit log follow them, and a bad line is refused', async () => {
    const admin = people.admin!.client;
    const bad = await admin.postForm('/admin/settings/areas', { areas: 'Ninh Thuận | Xã A | Xã B' });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain(vi('admin.settings.areas.errors.too_many_parts', { line: 1 }));
    const ok = await admin.postForm('/admin/settings/areas', { areas: `# test\n${HN} | Phường Ba Đình\n${HN} | Phường Hoàn Kiếm\n${DN}\nNinh Thuận = nt\nNinh Thuận | Xã Ninh Phước` });
    expect(ok.status).toBe(303);
    // The bot offers the saved provinces (the hotline's province first).
    const session = crypto.randomBytes(32).toString('base64url');
    await chat(session, '/start');
    await eventually(() => transcript(session), (m) => m.some((e) => e.options?.length));
    await chat(session, vi('bot.menu.opinion'), 'm.opinion');
    for (const step of ['role', 'age', 'gender']) {
      await eventually(() => transcript(session), (m) => m.at(-1)?.text === vi(`bot.q.${step}${step === 'role' ? '' : '_other'}`) || m.at(-1)?.text === vi(`bot.q.${step}_self`));
      await chat(session, vi('bot.button.skip'), 'c.skip');
    }
    const asked = await eventually(() => transcript(session), (m) => m.at(-1)?.text === vi('bot.q.province'));
    expect(asked.at(-1)!.options!.flat().map((o) => o.label).filter((l) => !l.startsWith(vi('bot.button.skip').slice(0, 3)))).toEqual(
      expect.arrayContaining(['Ninh Thuận', HN, DN]),
    );
    // Skip first, then the deployment's own province.
    expect(asked.at(-1)!.options!.flat().slice(0, 2).map((o) => o.label)).toEqual([vi('bot.button.skip'), 'Ninh Thuận']);
    expect(asked.at(-1)!.options!.flat().map((o) => o.label)).not.toContain('Huế');
    const c = await webCase({ province: HN });
    const refused = await admin.postForm(`/admin/cases/${c.case._id}/triage`, { province: HN, commune: 'Phường Không Có' });
    expect(refused.html).toContain(`id="triage-commune-error">${vi('errors.fields.unknown_area')}<`);
    expect((await admin.postForm(`/admin/cases/${c.case._id}/triage`, { province: 'Ninh Thuận', commune: 'Xã Ninh Phước' })).status).toBe(303);
    expect((await admin.postForm('/admin/settings/sla', { urgentMinutes: '30', reportHours: '8', adviceHours: '24', opinionHours: '72', forwardedOpinionDays: '15' })).status).toBe(303);
    expect((await admin.postForm('/admin/settings/sla', { urgentMinutes: '900', reportHours: '8', adviceHours: '24', opinionHours: '72', forwardedOpinionDays: '15' })).status).toBe(400);
    const saved = (await app.store.collection(SettingsModel).findOne({}))!;
    expect(saved.sla).toMatchObject({ urgentMinutes: 30, reportMinutes: 480, forwardedOpinionDays: 15 });
    expect(saved.areas.find((a) => a.name === 'Ninh Thuận')).toMatchObject({ aliases: ['nt'], communes: ['Xã Ninh Phước'] });
    const log = await admin.get('/admin/audit');
    expect(log.html).toContain(vi('admin.audit.actions.settings.updated'));
    expect(log.html).toContain('sla.urgentMinutes');
  });

  it('when a coordinator opens the inbox, then urgent cases come first, then the least time left (a first answer or one to the child in reply mode), each with the first words and the topic', async () => {
    await person('coordInbox', 'coordinator', ['Huế']);
    const opened = async (text: string, fields: object, urgent: string[] = []) => {
      const pseudonym = crypto.randomBytes(8).toString('hex');
      const contact = await app.store.collection(ContactModel).insertOne({ channel: 'web', pseudonym, addressEnc: null, lang: 'vi' });
      return app.cases.openCase({ kind: 'report', channel: 'web', contactId: contact._id, fields: { area: { province: 'Huế' }, ...fields }, urgentReasons: urgent, texts: [text], attachments: [] });
    };
    const later = await opened('Bạn em bị bắt nạt ở căng tin mỗi ngày và không dám nói với ai cả', { harmType: 'bullying' });
    const sooner = await opened('Em muốn hỏi về chuyện học thêm', { adviceArea: 'school' });
    const dueIn = (ms: number) => new Date(Date.now() + ms);
    await app.store.collection(CaseModel).findOneAndUpdate({ _id: sooner._id }, { $set: { firstResponseDueAt: dueIn(60_000), answerDueAt: dueIn(60_000) } });
    // Answered, then the child wrote again (reply mode): it waits for staff again, by the time left.
    const replied = await opened('Em đã kể rồi', {});
    await app.store.collection(CaseModel).findOneAndUpdate({ _id: replied._id }, { $set: { firstResponseAt: new Date(), answerDueAt: null } });
    await app.cases.addChildMessage(replied._id, { text: 'dạ em có bà ngoại ở gần nhà ạ', attachments: [] });
    const replyDue = (await caseOf(replied._id)).replyDueAt!;
    const laterDue = new Date(replyDue.getTime() + 3_600_000);
    await app.store.collection(CaseModel).findOneAndUpdate({ _id: later._id }, { $set: { firstResponseDueAt: laterDue, answerDueAt: laterDue } });
    const urgent = await opened('Anh ấy có dao', {}, ['weapon']);
    const html = (await people.coordInbox!.client.get('/admin/cases')).html;
    const order = [urgent, sooner, replied, later].map((c) => html.indexOf(c.code));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // The first words, cut at a word, and what the case is about.
    expect(html).toContain('“Bạn em bị bắt nạt ở căng tin mỗi ngày và không…”');
    expect(html).toContain(vi('admin.cases.harm_types.bullying'));
    expect(html).toContain(vi('admin.cases.advice_areas.school'));
    expect(html).toContain(vi('admin.cases.not_triaged'));
  });

  it('gives open cases stored before answerDueAt existed their time left at start, once', async () => {
    const old = await webCase({ province: 'Huế' });
    const waiting = await webCase({ province: 'Huế' });
    await app.store.collection(CaseModel).findOneAndUpdate({ _id: waiting.case._id }, { $set: { firstResponseAt: new Date() } });
    await app.cases.addChildMessage(waiting.case._id, { text: 'em viết thêm', attachments: [] });
    // As a store from before answerDueAt: the field missing, the start-up step never run.
    await app.store.collection(CaseModel).updateMany({ _id: { $in: [old.case._id, waiting.case._id] } }, { $set: { answerDueAt: null } });
    await app.store.collection(StartupStepModel).deleteMany({ _id: 'answer-due' });
    expect(await fillAnswerDue(app.store)).toBe(2);
    expect((await caseOf(old.case._id)).answerDueAt).toEqual((await caseOf(old.case._id)).firstResponseDueAt);
    expect((await caseOf(waiting.case._id)).answerDueAt).toEqual((await caseOf(waiting.case._id)).replyDueAt);
    expect(await fillAnswerDue(app.store)).toBe(0);
  });

  it('shows a caution beside a phone number, and words the reply box for who wrote: a child or an adult', async () => {
    const child = await webCase({ assignee: people.lan!.id });
    const page = (await people.lan!.client.get(`/admin/cases/${child.case._id}`)).html;
    expect(page).toContain('0912 000 111');
    expect(page).toContain(vi('admin.cases.contact.caution'));
    expect(page).toContain(`id="reply-title">${vi('admin.cases.reply.title')}<`);
    const parent = await webCase({ assignee: people.lan!.id });
    await app.store.collection(CaseModel).findOneAndUpdate({ _id: parent.case._id }, { $set: { reporterRole: 'parent' } });
    const adult = (await people.lan!.client.get(`/admin/cases/${parent.case._id}`)).html;
    expect(adult).toContain(`id="reply-title">${vi('admin.cases.reply.title_adult')}<`);
    expect(adult).toContain(vi('admin.cases.reply.voice_adult').slice(0, 40));
  });

  it('shows a parent who wrote in the web chat as the parent who wrote, with the reply box worded for an adult', async () => {
    const session = crypto.randomBytes(32).toString('base64url');
    await chat(session, '/start');
    const words = 'Con gái tôi 9 tuổi bị ông hàng xóm sờ vào người';
    await chat(session, words);
    const pseudonym = app.cipher.pseudonym('web', session);
    const contact = await eventually(() => app.store.collection(ContactModel).findOne({ channel: 'web', pseudonym }), (c) => !!c?.openCaseId);
    // The words alone opened an urgent case; who wrote it is known from them.
    expect(await caseOf(contact!.openCaseId!)).toMatchObject({ priority: 'urgent', about: 'other_child', reporterRole: 'parent' });
    const page = (await people.admin!.client.get(`/admin/cases/${contact!.openCaseId}`)).html;
    expect(page).toMatch(new RegExp(`${vi('admin.cases.case.reporter_role')}[\\s\\S]{0,200}${vi('admin.cases.reporter_roles.parent')}`));
    expect(page).toContain(`id="reply-title">${vi('admin.cases.reply.title_adult')}<`);
    expect(page).toContain(words);
    // And the parent was answered as an adult.
    const botSaid = async () => (await transcript(session)).filter((e) => e.from === 'bot').map((e) => e.text);
    const said = await eventually(botSaid, (texts) => texts.includes(vi('bot.urgent_detected_adult')));
    expect(said).toContain(vi('bot.urgent_detected_adult'));
  });

  it('offers canned replies in the reply box: the shipped ones, then the list an admin saves; a bad list is refused', async () => {
    const admin = people.admin!.client;
    const c = await webCase({ assignee: people.lan!.id });
    const shipped = (await people.lan!.client.get(`/admin/cases/${c.case._id}`)).html;
    expect(shipped).toContain(`>${vi('admin.canned.shipped.refer_111.title')}</option>`);
    expect(shipped).toContain('<script src="/admin/assets/canned-replies.js" defer></script>');
    expect((await fetch(`${app.url}/admin/assets/canned-replies.js`)).status).toBe(200);

    const before = await app.store.collection(SettingsModel).findOne({});
    const bad = await admin.postForm('/admin/settings/canned', { canned: 'Chỉ có tên\n---\nGọi 111\nEm gọi 111 nhé.' });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain(vi('admin.canned.errors.no_text', { block: 1 }));
    expect((await app.store.collection(SettingsModel).findOne({}))?.cannedReplies ?? []).toEqual(before?.cannedReplies ?? []);

    const ok = await admin.postForm('/admin/settings/canned', { canned: 'Giới thiệu 111\nEm gọi 111 bất cứ lúc nào nhé.\n---\nHẹn gặp\nAnh chị sẽ nhắn lại em vào tối nay.' });
    expect(ok.status).toBe(303);
    const saved = (await people.lan!.client.get(`/admin/cases/${c.case._id}`)).html;
    expect(saved).toContain('<option value="Em gọi 111 bất cứ lúc nào nhé.">Giới thiệu 111</option>');
    expect(saved).toContain('>Hẹn gặp</option>');
    expect(saved).not.toContain(`>${vi('admin.canned.shipped.refer_111.title')}</option>`);
    expect((await admin.get('/admin/audit')).html).toContain('cannedReplies');
  });
});
