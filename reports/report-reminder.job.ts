import type { StaffAlert } from '../notifications/notification.service.js';
import { reportRecipients } from '../notifications/recipients.js';
import type { Store } from '../store/index.js';
import type { ReportCalendar } from './report-time.js';
import { remindersDue, type DueReminder, type ReminderSchedule } from './report-reminders.js';

/** The staff notification channels (in the back office, the staff Telegram group, e-mail). */
export interface ReportNotifications {
  send(alert: StaffAlert): Promise<unknown>;
}

export interface ReportReminderDeps {
  store: Store;
  calendar: ReportCalendar;
  schedule: ReminderSchedule;
  notifications: ReportNotifications;
}

/**
 * A reminder as a staff notification: `notify.events.report_<kind>` with the period and the
 * deadline (`25/09/2026`), linking to the report itself. Nothing about a case.
 */
export function reminderAlert(r: DueReminder): Omit<StaffAlert, 'recipients'> {
  return {
    key: r.dedupeKey,
    event: `report_${r.kind}`,
    params: { period: r.period, deadline: r.deadline.split('-').reverse().join('/') },
    caseId: null,
    link: `/admin/reports?${r.query}`,
    urgent: false,
    group: true,
  };
}

/**
 * The daily job: sends the reminders due today (Vietnam's calendar) to the people who owe the
 * reports, each coordinator for their provinces and the admins, in the back office, the staff
 * group and by e-mail. Safe to run more than once a day or on several instances: each reminder
 * carries a key that is sent once.
 */
export async function sendDueReportReminders(deps: ReportReminderDeps, now = new Date()): Promise<DueReminder[]> {
  const due = remindersDue(deps.calendar.localDate(now), deps.schedule);
  if (due.length === 0) return due;
  const recipients = await reportRecipients(deps.store);
  for (const reminder of due) await deps.notifications.send({ ...reminderAlert(reminder), recipients });
  return due;
}
