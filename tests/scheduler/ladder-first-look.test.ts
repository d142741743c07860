import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataCipher } from '../../app/crypto.js';
import { createLogger } from '../../app/logger.js';
import { CaseService } from '../../cases/cases.service.js';
import { DEFAULT_SLA } from '../../cases/sla-policy.js';
import { CaseModel, DEFAULT_ESCALATION, NotificationModel, StaffModel } from '../../models/index.js';
import { CaseAlerts } from '../../notifications/case-alerts.js';
import { NotificationService } from '../../notifications/notification.service.js';
import { Outbox } from '../../outbox/outbox.service.js';
import { EscalationLadder } from '../../scheduler/ladder.js';
import type { Store } from '../../store/index.js';
import { openTestStore } from '../helpers/engines.js';

const MIN = 60_000;

describe('the ladder of a case just opened', () => {
  let store: Store;
  let cases: CaseService;
  let ladder: EscalationLadder;
  const logger = createLogger('silent');
  const cipher = new DataCipher(crypto.randomBytes(32));

  beforeAll(async () => {
    store = await openTestStore();
    const outbox = new Outbox(store, cipher, logger);
    const notifications = new NotificationService({ store, outbox, cipher, logger, staffGroup: () => undefined, publicUrl: () => 'https://htx.example.vn', emailOn: false });
    const alerts = new CaseAlerts(store, notifications, logger);
    cases = new CaseService(store, outbox, cipher, logger, () => ({ sla: DEFAULT_SLA, escalation: DEFAULT_ESCALATION }), alerts);
    ladder = new EscalationLadder({ store, alerts, logger, settings: () => ({ escalation: DEFAULT_ESCALATION }) });
    await store.collection(StaffModel).insertOne({ email: 'coord@example.test', name: 'Coordinator', role: 'coordinator', areas: ['Huế'], passwordHash: 'x' });
  });
  afterAll(async () => {
    await store.close();
  });

  it('is planned as the case opens: the sweep first looks at it at its first rung, and the reminder then fires', async () => {
    const opened = await cases.openCase({
      kind: 'report',
      channel: 'web',
      contactId: `contact-${crypto.randomUUID()}`,
      fields: { area: { province: 'Huế' } },
      urgentReasons: [],
      texts: ['Bạn cùng lớp hay bắt nạt em.'],
      attachments: [],
    });
    const created = opened.createdAt.getTime();
    const due = opened.firstResponseDueAt!.getTime();
    expect(due - created).toBe(DEFAULT_SLA.reportMinutes * MIN);
    // 75 % of the time to the deadline, with no write of the ladder's own.
    expect(opened.nextReminderAt!.getTime()).toBe(created + ((due - created) * DEFAULT_ESCALATION.remindAtPercent) / 100);

    expect(await ladder.sweep(new Date(opened.nextReminderAt!.getTime() - 1))).toEqual({ looked: 0, fired: 0 });
    expect(await ladder.sweep(opened.nextReminderAt!)).toEqual({ looked: 1, fired: 1 });
    const reminders = await store.collection(NotificationModel).find({ caseId: opened._id });
    expect(reminders.map((n) => n.event)).toEqual(['ladder_1_unassigned']);
    const after = (await store.collection(CaseModel).findOne({ _id: opened._id }))!;
    // Next: the reminder's repeat, or the deadline if that comes first.
    expect(after.nextReminderAt!.getTime()).toBe(Math.min(due, opened.nextReminderAt!.getTime() + DEFAULT_ESCALATION.repeatMinutes * MIN));
  });
});
