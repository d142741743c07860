import { DAY_MS, HOUR_MS, startOfVnDay, VN_OFFSET_MS, vnDay } from '../app/time.js';
import type { WorkingDays } from '../app/working-days.js';
import type { EscalationSettings } from '../models/index.js';
import type { SlaLadder } from './report-figures.js';
import type { ReportCalendar } from './report-time.js';

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * The report calendar over the application's time module: Vietnam's days, and working hours as
 * the time that falls on working days (weekends and the admins' holiday list skipped).
 */
export function reportCalendar(workingDays: WorkingDays): ReportCalendar {
  return {
    startOfLocalDay: (year, month, day) => startOfVnDay(`${year}-${pad(month)}-${pad(day)}`),
    localDate(at) {
      const [year, month, day] = vnDay(at).split('-').map(Number) as [number, number, number];
      return { year, month, day };
    },
    workingHoursBetween(from, to) {
      let ms = 0;
      for (let t = from.getTime(); t < to.getTime(); ) {
        const dayEnd = Math.floor((t + VN_OFFSET_MS) / DAY_MS) * DAY_MS + DAY_MS - VN_OFFSET_MS;
        const end = Math.min(dayEnd, to.getTime());
        if (workingDays.isWorkingDay(vnDay(new Date(t)))) ms += end - t;
        t = end;
      }
      return ms / HOUR_MS;
    },
  };
}

/**
 * The escalation ladder's rungs past a first-response deadline, as the settings time them: the
 * province's coordinators are alerted at the deadline, the admins `adminAfterMinutes` after it.
 * An answer (or no answer yet) after a rung is a breach of it.
 */
export function reportLadder(escalation: Pick<EscalationSettings, 'adminAfterMinutes'>): SlaLadder {
  return {
    rungs: ['coordinators', 'admins'],
    rungsPassed(c, at) {
      const due = c.firstResponseDueAt;
      if (!due || at <= due) return 0;
      return at.getTime() - due.getTime() > escalation.adminAfterMinutes * 60_000 ? 2 : 1;
    },
  };
}
