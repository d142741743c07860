/**
 * When coordinators are reminded of the reports they owe (the seeds' deadlines):
 * - quarterly opinions, due before the 25th of each quarter's last month (Điện Biên plan);
 * - the monthly incident summary, on the 1st, for the month just ended;
 * - yearly reports on configured dates (15 November by default: Ninh Thuận's annual report).
 * A reminder goes out `daysBefore` days ahead of its deadline (the monthly one on the 1st).
 */
export interface ReminderSchedule {
  /** Days ahead of a deadline the reminder goes out. */
  daysBefore: number;
  /** Yearly deadlines, as month and day. */
  yearly: { month: number; day: number }[];
}

export interface DueReminder {
  kind: 'quarterly' | 'monthly' | 'yearly';
  /** The deadline, `YYYY-MM-DD` (for the monthly summary: the first day after the month). */
  deadline: string;
  /** The period the report covers, as people write it: `3/2026` (a quarter), `09/2026`, `2026`. */
  period: string;
  /** The same reminder is sent once, whichever instance or run sends it. */
  dedupeKey: string;
  /** The report page's query that shows this report (`report=opinions&period=quarter&year=2026&quarter=3`). */
  query: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const iso = (d: Date) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;

/** Parses `MM-DD,MM-DD` (e.g. `11-15`) into yearly dates; throws on a date that does not exist. */
export function parseYearlyDates(text: string): { month: number; day: number }[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const m = /^(\d{1,2})-(\d{1,2})$/.exec(s);
      const month = Number(m?.[1]);
      const day = Number(m?.[2]);
      const check = new Date(Date.UTC(2024, month - 1, day));
      if (!m || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) throw new Error(`not a date: ${s} (use MM-DD)`);
      return { month, day };
    });
}

/** The reminders due on a local calendar day. */
export function remindersDue(today: { year: number; month: number; day: number }, schedule: ReminderSchedule): DueReminder[] {
  const day = new Date(Date.UTC(today.year, today.month - 1, today.day));
  const ahead = new Date(day.getTime() + schedule.daysBefore * 86_400_000);
  const out: DueReminder[] = [];
  const aheadMonth = ahead.getUTCMonth() + 1;
  if (aheadMonth % 3 === 0 && ahead.getUTCDate() === 25) {
    const [year, quarter] = [ahead.getUTCFullYear(), aheadMonth / 3];
    const query = `report=opinions&period=quarter&year=${year}&quarter=${quarter}`;
    out.push({ kind: 'quarterly', deadline: iso(ahead), period: `${quarter}/${year}`, dedupeKey: `report-reminder:quarterly:${year}-Q${quarter}`, query });
  }
  if (today.day === 1) {
    const last = new Date(Date.UTC(today.year, today.month - 2, 1));
    const [year, month] = [last.getUTCFullYear(), pad(last.getUTCMonth() + 1)];
    const query = `report=incidents&period=month&year=${year}&month=${last.getUTCMonth() + 1}`;
    out.push({ kind: 'monthly', deadline: iso(day), period: `${month}/${year}`, dedupeKey: `report-reminder:monthly:${year}-${month}`, query });
  }
  for (const y of schedule.yearly) {
    if (ahead.getUTCMonth() + 1 === y.month && ahead.getUTCDate() === y.day) {
      const period = String(ahead.getUTCFullYear());
      const query = `report=incidents&period=year&year=${period}`;
      out.push({ kind: 'yearly', deadline: iso(ahead), period, dedupeKey: `report-reminder:yearly:${iso(ahead)}`, query });
    }
  }
  return out;
}
