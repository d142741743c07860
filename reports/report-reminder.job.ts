import type { TFunction } from 'i18next';
import type { ReportCalendar } from './report-time.js';
import { remindersDue, type DueReminder, type ReminderSchedule } from './report-reminders.js';

/**
 * Where report reminders go: the staff notification channels (in the back office, the staff
 * Telegram group, e-mail). The message names the report and its deadline, nothing about a case.
 */
export interface ReportNotifier {
  /** Sends `text` to the coordinators; the same `dedupeKey` is sent once. */
  notifyCoordinators(input: { text: string; dedupeKey: string; reminder: DueReminder }): Promise<void>;
}

/** The text of a reminder, in the staff's language. */
export function reminderText(t: TFunction, r: DueReminder): string {
  const deadline = r.deadline.split('-').reverse().join('/');
  return t(`staff.report_reminder.${r.kind}`, { period: r.period, deadline });
}

/**
 * The daily job: sends the reminders due today (Vietnam's calendar). Safe to run more than once a
 * day or on several instances: each reminder carries a key that is sent once.
 */
export async function sendDueReportReminders(deps: { calendar: ReportCalendar; schedule: ReminderSchedule; notifier: ReportNotifier; t: TFunction }, now = new Date()): Promise<DueReminder[]> {
  const due = remindersDue(deps.calendar.localDate(now), deps.schedule);
  for (const reminder of due) await deps.notifier.notifyCoordinators({ text: reminderText(deps.t, reminder), dedupeKey: reminder.dedupeKey, reminder });
  return due;
}
