/**
 * Staff e-mail with SMTP set up, through a real local SMTP server reading what arrived:
 * invitations, new set-password links and two-factor resets; each person's choice to turn alert
 * e-mail off; and a refused e-mail shown to the admins. (Without SMTP, the link is shown to the
 * admin only: tests/backoffice/auth.test.ts.)
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/config.js';
import { startApp, type App } from '../../app/app.js';
import { tr } from '../../locales/i18n.js';
import { NotificationModel, OutboxModel, StaffModel } from '../../models/index.js';
import { AdminClient, createStaffAccount, inviteLinkFrom } from '../helpers/admin-client.js';
import { engineEnv, tempDir } from '../helpers/engines.js';
import { startSmtp, type LocalSmtp, type ReceivedMail } from '../helpers/smtp.js';
import { eventually } from '../helpers/telegram-child.js';

const vi = tr('vi');
const PASSWORD = 'a long enough password';
const FROM = 'Hộp Thư Xanh <no-reply@htx.example.vn>';
const REFUSED = 'nobody@refused.example.test';
const BUSY = 'busy@example.test';
const URL_PATTERN = /https?:\/\/[^\s<>"]+/g;

describe('staff e-mail through a real local SMTP server', () => {
  let app: App;
  let dataDir: string;
  let smtp: LocalSmtp;
  let admin: AdminClient;

  beforeAll(async () => {
    smtp = await startSmtp({ refuse: [REFUSED], defer: { [BUSY]: 2 } });
    dataDir = tempDir('htx-staff-mail-');
    const env = { ...engineEnv(), DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', STAFF_2FA: 'optional', SMTP_URL: smtp.url, SMTP_FROM: FROM };
    app = await startApp(loadConfig(env), { processEvery: 50, outbox: { baseDelayMs: 20, maxDelayMs: 50 } });
    await createStaffAccount(app, { email: 'boss@example.test', name: 'Quản trị', password: PASSWORD, role: 'admin', twoFactor: false });
    admin = new AdminClient(app.url);
    expect((await admin.signIn('boss@example.test', PASSWORD)).status).toBe(303);
  }, 30_000);
  afterAll(async () => {
    await app?.stop();
    await smtp?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** The mails that arrived for `to` so far, once there are `count` of them. */
  async function mailsTo(to: string, count = 1): Promise<ReceivedMail[]> {
    const mine = () => smtp.mails.filter((m) => m.to.includes(to));
    await eventually(() => mine().length >= count, 10_000, () => `${mine().length} of ${count} mails to ${to}`);
    return mine();
  }

  const invite = (name: string, email: string) => admin.postForm('/admin/staff', { name, email, role: 'counsellor', areas: ['Hà Nội'], expertise: ['psychology'] });

  it('e-mails an invitation whose only secret is the one-time link, in intact Vietnamese, and the link works', async () => {
    const created = await invite('Phạm Thu Hà', 'thuha@example.test');
    expect(created.status).toBe(201);
    expect(created.html).toContain(vi('admin.staff.link_mailed', { email: 'thuha@example.test' }));
    expect(created.html).toContain(vi('admin.staff.link_intro_mailed', { name: 'Phạm Thu Hà', email: 'thuha@example.test', days: 7 }));
    const link = inviteLinkFrom(created.html)!;
    const token = link.split('/').pop()!;

    const [mail] = await mailsTo('thuha@example.test');
    expect(mail!.subject).toBe(`[Hộp Thư Xanh] ${vi('mail.invitation.subject')}`);
    expect(mail!.raw).toMatch(/^From: =\?UTF-8\?.*<no-reply@htx\.example\.vn>/m);
    expect(mail!.text).toContain('Chào Phạm Thu Hà,');
    expect(mail!.text).toContain('Liên kết chỉ dùng được một lần, trong 7 ngày');
    expect(mail!.text.match(URL_PATTERN)).toEqual([link]);
    expect(mail!.raw).not.toContain(PASSWORD);
    // The link waited in the outbox sealed, never in clear; the account keeps only its hash.
    const queued = await app.store.collection(OutboxModel).find({ channel: 'email' });
    expect(JSON.stringify(queued)).not.toContain(token);
    expect(JSON.stringify(await app.store.collection(StaffModel).findOne({ email: 'thuha@example.test' }))).not.toContain(token);

    const invitee = new AdminClient(app.url);
    const page = await invitee.get(new URL(link).pathname);
    expect(page.status).toBe(200);
    expect(page.html).toContain('thuha@example.test');
  });

  it('e-mails a new set-password link (the old one dies) and the news of a two-factor reset', async () => {
    const created = await invite('Lê Minh', 'minh@example.test');
    const first = inviteLinkFrom(created.html)!;
    const person = (await app.store.collection(StaffModel).findOne({ email: 'minh@example.test' }))!;

    const reissued = await admin.postForm(`/admin/staff/${person._id}/invitation`, {});
    expect(reissued.status).toBe(200);
    const second = inviteLinkFrom(reissued.html)!;
    const mails = await mailsTo('minh@example.test', 2);
    expect(mails[1]!.subject).toBe(`[Hộp Thư Xanh] ${vi('mail.new_link.subject')}`);
    expect(mails[1]!.text.match(URL_PATTERN)).toEqual([second]);
    expect((await new AdminClient(app.url).get(new URL(first).pathname)).status).toBe(404);

    const reset = await admin.postForm(`/admin/staff/${person._id}/reset-2fa`, {});
    expect(reset.status).toBe(303);
    expect((await admin.get(reset.location!)).html).toContain(vi('admin.staff.two_factor_mailed'));
    const news = (await mailsTo('minh@example.test', 3))[2]!;
    expect(news.subject).toBe(`[Hộp Thư Xanh] ${vi('mail.two_factor_reset.subject')}`);
    expect(news.text).toContain('Chào Lê Minh,');
    expect(news.text).toContain('xác thực hai lớp');
    expect(news.text.match(URL_PATTERN)).toEqual([`${app.url}/admin/login`]);
  });

  it('lets each person turn alert e-mail off and on again for themselves; in-app alerts go on', async () => {
    const { staff: coord } = await createStaffAccount(app, { email: 'coord@example.test', name: 'Điều phối', password: PASSWORD, role: 'coordinator', areas: ['Hà Nội'], twoFactor: false });
    const me = new AdminClient(app.url);
    expect((await me.signIn('coord@example.test', PASSWORD)).status).toBe(303);
    expect((await me.get('/admin/notifications')).html).toMatch(/name="emailAlerts" checked/);

    expect((await me.postForm('/admin/notifications/email', {})).status).toBe(303);
    expect((await me.get('/admin/notifications')).html).toContain(vi('admin.notify.email_off'));
    const mailsQueuedFor = (id: string) => app.store.collection(OutboxModel).count({ channel: 'email', recipientKey: `staff:email:${id}` });
    const quiet = await app.cases.openCase({ kind: 'report', channel: 'web', contactId: 'c-quiet', fields: { area: { province: 'Hà Nội' } }, urgentReasons: ['violence'], texts: ['x'], attachments: [] });
    expect(await app.store.collection(NotificationModel).count({ staffId: coord._id, caseId: quiet._id })).toBe(1);
    expect(await mailsQueuedFor(coord._id)).toBe(0);
    expect((await mailsTo('boss@example.test'))[0]!.text).toContain(quiet.code);

    expect((await me.postForm('/admin/notifications/email', { emailAlerts: 'on' })).status).toBe(303);
    const loud = await app.cases.openCase({ kind: 'report', channel: 'web', contactId: 'c-loud', fields: { area: { province: 'Hà Nội' } }, urgentReasons: ['violence'], texts: ['x'], attachments: [] });
    expect(await mailsQueuedFor(coord._id)).toBe(1);
    const got = await mailsTo('coord@example.test');
    expect(got).toHaveLength(1);
    expect(got[0]!.text).toContain(loud.code);
  });

  it('retries an invitation the mail server defers, and it arrives; the admin was not kept waiting', async () => {
    const created = await invite('Đỗ Bận', BUSY);
    expect(created.status).toBe(201);
    const [mail] = await mailsTo(BUSY);
    expect(mail!.text.match(URL_PATTERN)).toEqual([inviteLinkFrom(created.html)]);
    const person = (await app.store.collection(StaffModel).findOne({ email: BUSY }))!;
    const item = () => app.store.collection(OutboxModel).findOne({ recipientKey: `staff:email:${person._id}` });
    await eventually(async () => (await item())?.status === 'sent', 10_000, async () => JSON.stringify(await item()));
    expect((await item())!.attempts).toBeGreaterThanOrEqual(2);
  });

  it('shows a refused e-mail to the admins, in the bell and on the notifications page, without blocking the invitation', async () => {
    const created = await invite('Không Có Thật', REFUSED);
    expect(created.status).toBe(201);
    expect(inviteLinkFrom(created.html)).toMatch(/\/admin\/invite\//);
    const failedItem = () => app.store.collection(OutboxModel).findOne({ channel: 'email', status: 'undelivered' });
    await eventually(async () => (await failedItem()) !== null, 10_000, () => 'the refused e-mail is still not marked undelivered');
    const bossId = (await app.store.collection(StaffModel).findOne({ email: 'boss@example.test' }))!._id;
    await eventually(async () => (await app.store.collection(NotificationModel).count({ staffId: bossId, event: 'alert_failed' })) > 0, 10_000, () => 'no alert_failed for the admin');

    const page = await admin.get('/admin/notifications');
    const failed = page.html.slice(page.html.indexOf('id="failed"'));
    expect(failed).toContain(`email → Không Có Thật · ${vi('admin.notify.failed_status.undelivered')}`);
    expect(failed).toContain('smtp_550');
    expect(page.html).not.toContain(vi('admin.notify.failed_none'));
    // The news of a failed e-mail is not itself e-mailed (it would fail again, and again).
    const failedNews = vi('notify.events.alert_failed', { channel: 'email' });
    expect(smtp.mails.filter((m) => m.to.includes('boss@example.test') && m.text.includes(failedNews))).toEqual([]);
  });
});
