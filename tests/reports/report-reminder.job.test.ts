import crypto from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DataCipher } from '../../app/crypto.js';
import { createLogger } from '../../app/logger.js';
import { WorkingDays } from '../../app/working-days.js';
import { TelegramSender } from '../../bot/channels/telegram/telegram.sender.js';
import { NotificationModel, StaffModel, type Staff } from '../../models/index.js';
import { EmailSender } from '../../notifications/email.sender.js';
import { notificationText } from '../../notifications/notification-text.js';
import { NotificationService } from '../../notifications/notification.service.js';
import { Outbox } from '../../outbox/outbox.service.js';
import { reportCalendar } from '../../reports/report-calendar.js';
import { sendDueReportReminders, type ReportReminderDeps } from '../../reports/report-reminder.job.js';
import type { Store } from '../../store/index.js';
import { FakeBotApi } from '../fakes/fake-bot-api.js';
import { enginesUnderTest } from '../helpers/engines.js';
import { startSmtp, type LocalSmtp } from '../helpers/smtp.js';

const vn = (local: string) => new Date(`${local}+07:00`);
const STAFF_GROUP = '-1001234567890';
const PUBLIC_URL = 'https://hopthuxanh.example.vn';

for (const engine of enginesUnderTest()) {
  describe(`report reminders through the staff notifications on the ${engine.name} engine`, () => {
    let api: FakeBotApi;
    let smtp: LocalSmtp;
    let email: EmailSender;
    let store: Store;
    let outbox: Outbox;
    let deps: ReportReminderDeps;
    const people: Record<string, Staff> = {};
    const logger = createLogger('silent');

    beforeAll(async () => {
      api = await new FakeBotApi().start();
      smtp = await startSmtp();
      email = new EmailSender(smtp.url, 'Hộp Thư Xanh <no-reply@example.test>');
    });
    afterAll(async () => {
      email?.close();
      await api?.stop();
      await smtp?.stop();
    });

    beforeEach(async () => {
      store = await engine.open();
      api.sent.length = 0;
      smtp.mails.length = 0;
      const cipher = new DataCipher(crypto.randomBytes(32));
      outbox = new Outbox(store, cipher, logger, { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1, sendTimeoutMs: 60_000 });
      outbox.registerSender(new TelegramSender({ token: api.token, apiRoot: api.apiRoot }));
      outbox.registerSender(email);
      const notifications = new NotificationService({ store, outbox, cipher, logger, staffGroup: () => STAFF_GROUP, publicUrl: () => PUBLIC_URL, emailOn: true });
      const add = (key: string, role: Staff['role'], areas: string[], more: Partial<Staff> = {}) =>
        store.collection(StaffModel).insertOne({ email: `${key}@example.test`, name: key, role, areas, expertise: [], passwordHash: 'x', ...more }).then((s) => (people[key] = s));
      await add('coordDB', 'coordinator', ['Điện Biên']);
      await add('coordLC', 'coordinator', ['Lai Châu'], { emailAlerts: false });
      await add('admin', 'admin', []);
      await add('lan', 'counsellor', ['Điện Biên']);
      await add('leftCoord', 'coordinator', ['Điện Biên'], { active: false });
      await add('invitedCoord', 'coordinator', ['Điện Biên'], { passwordHash: null });
      deps = { store, calendar: reportCalendar(new WorkingDays()), schedule: { daysBefore: 7, yearly: [{ month: 11, day: 15 }] }, notifications };
    });
    afterEach(async () => {
      await store.close();
    });

    /** Who has a notification of `event` in the back office (the bell and the notifications page). */
    async function whoGot(event: string) {
      const notes = await store.collection(NotificationModel).find({ event });
      return notes.map((n) => Object.entries(people).find(([, p]) => p._id === n.staffId)![0]).sort();
    }

    it('reminds coordinators and admins in the back office and the staff group a week before the 25th, once however often the job runs', async () => {
      expect(await sendDueReportReminders(deps, vn('2026-09-17T08:00:00'))).toEqual([]);
      await sendDueReportReminders(deps, vn('2026-09-18T08:00:00'));
      await sendDueReportReminders(deps, vn('2026-09-18T20:00:00'));
      await outbox.deliverDue();

      expect(await whoGot('report_quarterly')).toEqual(['admin', 'coordDB', 'coordLC']);
      const [note] = await store.collection(NotificationModel).find({ staffId: people.coordDB!._id });
      expect(notificationText(note!, 'vi')).toContain('quý 3/2026 cần gửi trước ngày 25/09/2026');
      expect(notificationText(note!, 'en')).toContain('report for 3/2026 is due by 25/09/2026');
      expect(note!.link).toBe('/admin/reports?report=opinions&period=quarter&year=2026&quarter=3');
      expect(note!.caseId).toBeNull();

      expect(api.sent.map((m) => String(m.chat_id))).toEqual([STAFF_GROUP]);
      expect(api.sent[0]!.text).toContain('quý 3/2026 cần gửi trước ngày 25/09/2026');
      expect(api.sent[0]!.text).toContain(`${PUBLIC_URL}/admin/reports?report=opinions&period=quarter&year=2026&quarter=3`);

      // By e-mail to those who keep it on (not coordLC), once each.
      expect(smtp.mails.map((m) => m.to.join()).sort()).toEqual(['admin@example.test', 'coorddb@example.test']);
      expect(smtp.mails[0]!.subject).toContain('quý 3/2026');
    });

    it('reminds of the yearly report before 15 November and of the monthly figures on the 1st, never naming a case', async () => {
      await sendDueReportReminders(deps, vn('2026-11-08T08:00:00'));
      await sendDueReportReminders(deps, vn('2026-12-01T08:00:00'));
      await outbox.deliverDue();
      expect(await whoGot('report_yearly')).toEqual(['admin', 'coordDB', 'coordLC']);
      expect(await whoGot('report_monthly')).toEqual(['admin', 'coordDB', 'coordLC']);
      expect(api.sent.map((s) => s.text)).toEqual([expect.stringContaining('báo cáo năm 2026'), expect.stringContaining('tháng 11/2026')]);
      expect(api.sent[1]!.text).toContain('/admin/reports?report=incidents&period=month&year=2026&month=11');
      expect(api.sent.every((s) => !/HTX-/.test(s.text))).toBe(true);
    });

    it('still reminds in the back office when no staff group is set', async () => {
      const cipher = new DataCipher(crypto.randomBytes(32));
      const withoutGroup = new NotificationService({ store, outbox, cipher, logger, staffGroup: () => undefined, publicUrl: () => PUBLIC_URL, emailOn: false });
      await sendDueReportReminders({ ...deps, notifications: withoutGroup }, vn('2026-10-01T08:00:00'));
      await outbox.deliverDue();
      expect(await whoGot('report_monthly')).toEqual(['admin', 'coordDB', 'coordLC']);
      expect(api.sent).toEqual([]);
    });
  });
}
