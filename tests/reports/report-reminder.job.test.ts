import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataCipher } from '../../app/crypto.js';
import { createLogger } from '../../app/logger.js';
import { WorkingDays } from '../../app/working-days.js';
import type { OutboundMessage } from '../../bot/channels/channel.js';
import { tr } from '../../locales/i18n.js';
import { Outbox } from '../../outbox/outbox.service.js';
import { reportCalendar } from '../../reports/report-calendar.js';
import { sendDueReportReminders } from '../../reports/report-reminder.job.js';
import { StaffGroupNotifier } from '../../reports/staff-group.notifier.js';
import type { Store } from '../../store/index.js';
import { enginesUnderTest } from '../helpers/engines.js';

const vn = (local: string) => new Date(`${local}+07:00`);
const STAFF_GROUP = '-1001234567890';

for (const engine of enginesUnderTest()) {
  describe(`report reminders to the staff group on the ${engine.name} engine`, () => {
    let store: Store;
    let outbox: Outbox;
    let deps: Parameters<typeof sendDueReportReminders>[0];
    const sent: { chatId: string; text: string }[] = [];

    beforeEach(async () => {
      store = await engine.open();
      sent.length = 0;
      const cipher = new DataCipher(crypto.randomBytes(32));
      outbox = new Outbox(store, cipher, createLogger('silent'), { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1, sendTimeoutMs: 60_000 });
      outbox.registerSender({ channel: 'telegram', send: async (chatId: string, m: OutboundMessage) => (sent.push({ chatId, text: m.text }), { ok: true }) });
      deps = {
        calendar: reportCalendar(new WorkingDays()),
        schedule: { daysBefore: 7, yearly: [{ month: 11, day: 15 }] },
        notifier: new StaffGroupNotifier(outbox, cipher, () => ({ channel: 'telegram', chatId: STAFF_GROUP })),
        t: tr('vi'),
      };
    });
    afterEach(async () => {
      await store.close();
    });

    it('reminds the coordinators\' group of the quarterly report a week before the 25th, once however often the job runs', async () => {
      expect(await sendDueReportReminders(deps, vn('2026-09-17T08:00:00'))).toEqual([]);
      await sendDueReportReminders(deps, vn('2026-09-18T08:00:00'));
      await sendDueReportReminders(deps, vn('2026-09-18T20:00:00'));
      await outbox.deliverDue();
      expect(sent).toEqual([{ chatId: STAFF_GROUP, text: expect.stringContaining('quý 3/2026 cần gửi trước ngày 25/09/2026') }]);
    });

    it('reminds of the yearly report before 15 November and of the monthly figures on the 1st', async () => {
      await sendDueReportReminders(deps, vn('2026-11-08T08:00:00'));
      await sendDueReportReminders(deps, vn('2026-12-01T08:00:00'));
      await outbox.deliverDue();
      expect(sent.map((s) => s.text)).toEqual([expect.stringContaining('báo cáo năm 2026'), expect.stringContaining('tháng 11/2026')]);
      expect(sent.every((s) => !/HTX-/.test(s.text))).toBe(true);
    });
  });
}
