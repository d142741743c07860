import crypto from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DataCipher } from '../../app/crypto.js';
import { createLogger } from '../../app/logger.js';
import { TelegramSender } from '../../bot/channels/telegram/telegram.sender.js';
import { ChildReplies } from '../../cases/child-reply.js';
import { CaseService } from '../../cases/cases.service.js';
import { CaseModel, DEFAULT_ESCALATION, NotificationModel, StaffModel, type Case, type Staff } from '../../models/index.js';
import { CaseAlerts } from '../../notifications/case-alerts.js';
import { EmailSender } from '../../notifications/email.sender.js';
import { NotificationService } from '../../notifications/notification.service.js';
import { Outbox } from '../../outbox/outbox.service.js';
import { EscalationLadder } from '../../scheduler/ladder.js';
import type { Store } from '../../store/index.js';
import { FakeBotApi } from '../fakes/fake-bot-api.js';
import { openTestStore, testPlace } from '../helpers/engines.js';
import { startSmtp, type LocalSmtp } from '../helpers/smtp.js';

const MIN = 60_000;
const GROUP = '-1001234567890';
const CHILD_WORDS = 'em bị đánh ở nhà mỗi tối';
const T0 = new Date('2026-12-01T01:00:00Z');

describe('the escalation ladder, with a clock the test moves', () => {
  let store: Store;
  let api: FakeBotApi;
  let smtp: LocalSmtp;
  let now = T0;
  const clock = () => now;
  const logger = createLogger('silent');
  const cipher = new DataCipher(crypto.randomBytes(32));
  let outbox: Outbox;
  let cases: CaseService;
  let ladder: EscalationLadder;
  let alerts: CaseAlerts;
  let notifications: NotificationService;
  const people: Record<string, Staff> = {};

  const build = (s: Store) => {
    const o = new Outbox(s, cipher, logger, { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1, sendTimeoutMs: 60_000 });
    o.registerSender(new TelegramSender({ token: api.token, apiRoot: api.apiRoot }));
    o.registerSender(new EmailSender(smtp.url, 'Hộp Thư Xanh <no-reply@example.test>'));
    const n = new NotificationService({ store: s, outbox: o, cipher, logger, staffGroup: () => GROUP, publicUrl: () => 'https://htx.example.vn', emailOn: true, clock });
    const a = new CaseAlerts(s, n, logger);
    const l = new EscalationLadder({ store: s, alerts: a, logger, settings: () => ({ escalation: DEFAULT_ESCALATION }), clock });
    return { outbox: o, alerts: a, ladder: l, notifications: n, cases: new CaseService(s, o, cipher, logger, undefined, a) };
  };

  beforeAll(async () => {
    api = await new FakeBotApi().start();
    smtp = await startSmtp();
    store = await openTestStore();
    ({ outbox, alerts, ladder, cases, notifications } = build(store));
    const staff = store.collection(StaffModel);
    const add = (key: string, role: Staff['role'], areas: string[], expertise: Staff['expertise'] = []) =>
      staff.insertOne({ email: `${key}@example.test`, name: key, role, areas, expertise, passwordHash: 'x' }).then((s) => (people[key] = s));
    await add('coordHN', 'coordinator', ['Hà Nội']);
    await add('coordDN', 'coordinator', ['Đà Nẵng']);
    await add('admin', 'admin', []);
    await add('lan', 'counsellor', ['Hà Nội'], ['law', 'psychology']);
    await add('minh', 'counsellor', ['Hà Nội'], ['law']);
  });
  afterAll(async () => {
    await api?.stop();
    await smtp?.stop();
    await store?.close();
  });
  beforeEach(() => {
    now = T0;
  });

  async function openReport(opts: { urgent?: boolean; assignee?: string; province?: string | null } = {}): Promise<Case> {
    const c = await cases.openCase({
      kind: 'report',
      channel: 'web',
      contactId: `contact-${crypto.randomUUID()}`,
      fields: { area: { province: opts.province === undefined ? 'Hà Nội' : opts.province } },
      urgentReasons: opts.urgent ? ['violence'] : [],
      texts: [CHILD_WORDS],
      attachments: [],
    });
    // The case opened "at T0": the clock of the service is the real one.
    await store.collection(CaseModel).findOneAndUpdate({ _id: c._id }, { $set: { createdAt: T0, firstResponseDueAt: new Date(T0.getTime() + (opts.urgent ? 60 : 720) * MIN), nextReminderAt: T0, assigneeId: opts.assignee ?? null } });
    return (await store.collection(CaseModel).findOne({ _id: c._id }))!;
  }

  const notes = (c: Case) => store.collection(NotificationModel).find({ caseId: c._id }, { sort: { createdAt: 1, _id: 1 } });
  const whoGot = async (c: Case, event: string) => (await notes(c)).filter((n) => n.event === event).map((n) => Object.entries(people).find(([, p]) => p._id === n.staffId)![0]).sort();
  const at = async (minutes: number) => {
    now = new Date(T0.getTime() + minutes * MIN);
    return ladder.sweep(now);
  };

  it('reminds the assignee at 75 % of the time, alerts the province’s coordinators at the deadline and again each hour, then the admins', async () => {
    const c = await openReport({ assignee: people.lan!._id });
    await at(60);
    expect(await notes(c)).toEqual([]);
    await at(540); // 75 % of 12 hours
    expect(await whoGot(c, 'ladder_1')).toEqual(['lan']);
    await at(599);
    expect(await notes(c)).toHaveLength(1);
    await at(600); // the reminder repeats after an hour
    expect(await whoGot(c, 'ladder_1')).toEqual(['lan', 'lan']);
    await at(720); // the deadline
    expect(await whoGot(c, 'ladder_2')).toEqual(['coordHN', 'lan']);
    await at(760);
    expect(await whoGot(c, 'ladder_2')).toHaveLength(2);
    await at(781); // an hour after the deadline alert: repeated
    expect(await whoGot(c, 'ladder_2')).toEqual(['coordHN', 'coordHN', 'lan', 'lan']);
    await at(842); // two hours late: the admins
    expect(await whoGot(c, 'ladder_3')).toEqual(['admin']);
    const rung2 = (await notes(c)).find((n) => n.event === 'ladder_2')!;
    expect(rung2.params).toMatchObject({ code: c.code, kind: 'report', province: 'Hà Nội', suggestedName: 'minh' });
    expect(JSON.stringify(await notes(c))).not.toContain(CHILD_WORDS);
  });

  it('starts an unassigned case’s ladder with the coordinators (all of them while the province is unknown)', async () => {
    const c = await openReport({ province: null });
    await at(540);
    expect(await whoGot(c, 'ladder_1_unassigned')).toEqual(['coordDN', 'coordHN']);
  });

  it('fires nothing for a case answered or closed before its deadline', async () => {
    const answered = await openReport({ assignee: people.lan!._id });
    const closed = await openReport({ assignee: people.lan!._id });
    await at(10);
    await store.collection(CaseModel).findOneAndUpdate({ _id: answered._id }, { $set: { firstResponseAt: new Date(T0.getTime() + 20 * MIN) } });
    await store.collection(CaseModel).findOneAndUpdate({ _id: closed._id }, { $set: { status: 'closed', closedAt: new Date(T0.getTime() + 20 * MIN) } });
    for (const m of [540, 720, 842, 2000]) await at(m);
    expect(await notes(answered)).toEqual([]);
    expect(await notes(closed)).toEqual([]);
    expect((await store.collection(CaseModel).findOne({ _id: closed._id }))!.nextReminderAt).toBeNull();
  });

  it('puts an answered case back on the ladder when the child writes again (reply mode), until staff answer that', async () => {
    const c = await openReport({ assignee: people.lan!._id });
    await at(10);
    await new ChildReplies(store, outbox, cases, logger).send(people.lan!._id, c, 'Em có người lớn nào tin tưởng không?', 'reply');
    for (const m of [540, 720]) await at(m);
    expect(await notes(c)).toEqual([]);
    await cases.addChildMessage(c._id, { text: 'dạ em có bà ngoại ạ', attachments: [] });
    const waiting = (await store.collection(CaseModel).findOne({ _id: c._id }))!;
    expect(waiting.replyDueAt!.getTime() - waiting.childWaitingSince!.getTime()).toBe(720 * MIN);
    expect(waiting.nextReminderAt).not.toBeNull();
    // Into the test's clock: the child wrote at minute 800, a report's 12 hours run from then.
    await store.collection(CaseModel).findOneAndUpdate({ _id: c._id }, { $set: { childWaitingSince: new Date(T0.getTime() + 800 * MIN), replyDueAt: new Date(T0.getTime() + 1520 * MIN), nextReminderAt: new Date(T0.getTime() + 800 * MIN) } });
    await cases.addChildMessage(c._id, { text: 'bà ở cạnh nhà em', attachments: [] });
    expect((await store.collection(CaseModel).findOne({ _id: c._id }))!.replyDueAt).toEqual(new Date(T0.getTime() + 1520 * MIN));

    await at(1339);
    expect(await notes(c)).toEqual([]);
    await at(1340); // 75 % of the 12 hours from the child's answer
    expect(await whoGot(c, 'ladder_1')).toEqual(['lan']);
    await at(1520);
    expect(await whoGot(c, 'ladder_2')).toEqual(['coordHN', 'lan']);
    expect((await notes(c)).find((x) => x.event === 'ladder_2')!.params).toMatchObject({ dueAt: new Date(T0.getTime() + 1520 * MIN).toISOString() });
    const alerted = (await notes(c)).length;

    await new ChildReplies(store, outbox, cases, logger).send(people.lan!._id, (await store.collection(CaseModel).findOne({ _id: c._id }))!, 'Em kể với bà nhé.', 'reply');
    for (const m of [1600, 1700, 2000]) await at(m);
    expect(await notes(c)).toHaveLength(alerted);
    expect(await store.collection(CaseModel).findOne({ _id: c._id })).toMatchObject({ childWaitingSince: null, replyDueAt: null, nextReminderAt: null });
  });

  it('alerts the province’s coordinators and the admins at once for an urgent case: back office, the staff Telegram group and e-mail', async () => {
    const c = await openReport({ urgent: true });
    expect(await whoGot(c, 'urgent')).toEqual(['admin', 'coordHN']);
    await outbox.deliverDue();
    const group = api.sent.filter((m) => String(m.chat_id) === GROUP && m.text.includes(c.code));
    expect(group).toHaveLength(1);
    expect(group[0]!.text).toContain('KHẨN CẤP');
    expect(group[0]!.text).toContain(`https://htx.example.vn/admin/cases/${c._id}`);
    expect(group[0]!.text).not.toContain(CHILD_WORDS);
    const mails = smtp.mails.filter((m) => m.raw.includes(c.code));
    expect(mails.map((m) => m.to[0]).sort()).toEqual(['admin@example.test', 'coordhn@example.test']);
    expect(mails[0]!.raw).not.toContain(CHILD_WORDS);
  });

  it('with two ladders on one store sweeping at the same moment, each rung alerts once', async () => {
    const c = await openReport({ assignee: people.lan!._id });
    const other = build(store).ladder;
    now = new Date(T0.getTime() + 720 * MIN);
    await Promise.all([ladder.sweep(now), other.sweep(now), ladder.sweep(now), other.sweep(now)]);
    expect(await whoGot(c, 'ladder_2')).toEqual(['coordHN', 'lan']);
    expect(await whoGot(c, 'ladder_1')).toEqual([]);
  });

  it('picks the ladder up again after a restart (a new process on the same files)', async () => {
    const place = testPlace();
    let first: Store = await place.open();
    for (const p of Object.values(people)) await first.collection(StaffModel).insertOne(p);
    const one = build(first);
    const c = await one.cases.openCase({ kind: 'advice', channel: 'web', contactId: 'x', fields: {}, urgentReasons: [], texts: [], attachments: [] });
    await first.collection(CaseModel).findOneAndUpdate({ _id: c._id }, { $set: { createdAt: T0, firstResponseDueAt: new Date(T0.getTime() + 60 * MIN), nextReminderAt: T0 } });
    await one.ladder.sweep(new Date(T0.getTime() + 50 * MIN));
    await first.close();
    first = await place.open();
    const two = build(first);
    now = new Date(T0.getTime() + 61 * MIN);
    await two.ladder.sweep(now);
    const got = await first.collection(NotificationModel).find({ caseId: c._id });
    expect(got.map((n) => n.event).sort()).toEqual(['ladder_1_unassigned', 'ladder_1_unassigned', 'ladder_2', 'ladder_2']);
    await first.close();
  });

  it('tells staff through the Telegram group when the deadline passes, with the case code and how late', async () => {
    const c = await openReport({ assignee: people.lan!._id });
    await at(725);
    await outbox.deliverDue();
    const msg = api.sent.find((m) => m.text.includes(c.code))!;
    expect(msg.text).toContain('Quá hạn');
    expect(msg.text).toContain('trễ 5 phút');
  });

  it('shows admins a staff-group alert that Telegram refuses for good, while the ladder goes on', async () => {
    const c = await openReport({ assignee: people.lan!._id });
    api.failNext(1, { status: 400, description: 'Bad Request: chat not found' });
    await at(720);
    await outbox.deliverDue();
    const failed = (await notifications.failedDeliveries()).filter((f) => f.channel === 'telegram');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ status: 'undelivered', lastError: expect.stringContaining('chat not found') });
    const news = await store.collection(NotificationModel).find({ staffId: people.admin!._id, event: 'alert_failed' });
    expect(news.map((n) => n.params.channel)).toEqual(['telegram']);
    // While the group refuses, it is not counted as reaching anyone (the child is told so).
    expect(await alerts.reach()).not.toContain('telegram');
    // The failure holds nothing up: the next rung still comes, and reaches the group.
    await at(842);
    await outbox.deliverDue();
    expect(await whoGot(c, 'ladder_3')).toEqual(['admin']);
    expect(api.sent.filter((m) => String(m.chat_id) === GROUP && m.text.includes(c.code) && m.text.includes('🆘'))).toHaveLength(1);
    expect(await alerts.reach()).toContain('telegram');
  });

  it('says which channels reach staff, and none when nothing is set up', async () => {
    expect(await alerts.reach()).toEqual(expect.arrayContaining(['telegram', 'email']));
    const bare = new NotificationService({ store, outbox: new Outbox(store, cipher, logger), cipher, logger, staffGroup: () => undefined, publicUrl: () => '', emailOn: false, clock });
    expect(await bare.reach()).toEqual([]);
  });
});
