import type { ReportCalendar } from './report-time.js';

/** Vietnam keeps UTC+7 all year (no daylight saving since 1975). */
const VN_OFFSET_MS = 7 * 60 * 60_000;
const DAY_MS = 24 * 60 * 60_000;
const HOUR_MS = 60 * 60_000;

/**
 * A stand-in for the application's time module until it is on main: Vietnam days, and working
 * hours as the time that falls on Monday to Friday (no public holidays yet).
 */
export const provisionalCalendar: ReportCalendar = {
  startOfLocalDay: (year, month, day) => new Date(Date.UTC(year, month - 1, day) - VN_OFFSET_MS),
  localDate(at) {
    const local = new Date(at.getTime() + VN_OFFSET_MS);
    return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate() };
  },
  workingHoursBetween(from, to) {
    let ms = 0;
    for (let t = from.getTime(); t < to.getTime(); ) {
      const local = t + VN_OFFSET_MS;
      const dayEnd = Math.floor(local / DAY_MS) * DAY_MS + DAY_MS - VN_OFFSET_MS;
      const end = Math.min(dayEnd, to.getTime());
      const weekday = new Date(local).getUTCDay();
      if (weekday !== 0 && weekday !== 6) ms += end - t;
      t = end;
    }
    return ms / HOUR_MS;
  },
};
