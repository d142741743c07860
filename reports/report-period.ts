import { z } from 'zod';
import type { ReportCalendar } from './report-time.js';

export const PERIOD_KINDS = ['quarter', 'month', 'year', 'range'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

/** The longest range a report covers: figures beyond a few years are a different question. */
const MAX_RANGE_DAYS = 5 * 366;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A report's period, in local (Vietnam) calendar terms and as instants. */
export interface ReportPeriod {
  kind: PeriodKind;
  year: number;
  quarter: number | null;
  month: number | null;
  /** First local day, `YYYY-MM-DD`. */
  fromDay: string;
  /** Last local day included, `YYYY-MM-DD`. */
  toDay: string;
  /** The first instant included. */
  from: Date;
  /** The first instant after the period. */
  to: Date;
}

const year = z.coerce.number().int().min(2015).max(2100);
const isoDay = z.string().regex(ISO_DATE, 'errors.fields.invalid_format').refine((s) => isRealDay(s), 'errors.fields.invalid_format');

/** The report query as it comes from a form or a URL: every part optional, defaults from today. */
export const ReportQuerySchema = z.object({
  period: z.enum(PERIOD_KINDS).default('quarter'),
  year: year.optional(),
  quarter: z.coerce.number().int().min(1).max(4).optional(),
  month: z.coerce.number().int().min(1).max(12).optional(),
  from: isoDay.optional(),
  to: isoDay.optional(),
  /** Narrow to one province (within the actor's scope). */
  province: z.string().trim().max(80).optional().transform((v) => v || undefined),
});
export type ReportQueryInput = z.input<typeof ReportQuerySchema>;
export type ReportQuery = z.output<typeof ReportQuerySchema>;

function isRealDay(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

const pad = (n: number) => String(n).padStart(2, '0');
const dayString = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;
const lastDayOfMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const partsOf = (s: string) => s.split('-').map(Number) as [number, number, number];

/**
 * Resolves the query into a period. Missing parts default to the current one (this quarter,
 * this month, this year); a range needs both ends, in order, at most five years apart.
 * Returns the field errors (i18n keys) instead when the range is not valid.
 */
export function resolvePeriod(q: ReportQuery, calendar: ReportCalendar, now: Date): ReportPeriod | { errors: Record<string, string> } {
  const today = calendar.localDate(now);
  const y = q.year ?? today.year;
  let first: [number, number, number];
  let last: [number, number, number];
  switch (q.period) {
    case 'quarter': {
      const quarter = q.quarter ?? Math.ceil(today.month / 3);
      first = [y, quarter * 3 - 2, 1];
      last = [y, quarter * 3, lastDayOfMonth(y, quarter * 3)];
      break;
    }
    case 'month': {
      const month = q.month ?? today.month;
      first = [y, month, 1];
      last = [y, month, lastDayOfMonth(y, month)];
      break;
    }
    case 'year':
      first = [y, 1, 1];
      last = [y, 12, 31];
      break;
    case 'range': {
      if (!q.from || !q.to) return { errors: { [q.from ? 'to' : 'from']: 'errors.fields.required' } };
      first = partsOf(q.from);
      last = partsOf(q.to);
      const days = (Date.UTC(last[0], last[1] - 1, last[2]) - Date.UTC(first[0], first[1] - 1, first[2])) / 86_400_000;
      if (days < 0) return { errors: { to: 'admin.reports.errors.range_order' } };
      if (days > MAX_RANGE_DAYS) return { errors: { to: 'admin.reports.errors.range_too_long' } };
      break;
    }
  }
  const from = calendar.startOfLocalDay(...first);
  const next = new Date(Date.UTC(last[0], last[1] - 1, last[2] + 1));
  const to = calendar.startOfLocalDay(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate());
  return {
    kind: q.period,
    year: first[0],
    quarter: q.period === 'quarter' ? Math.ceil(first[1] / 3) : null,
    month: q.period === 'month' ? first[1] : null,
    fromDay: dayString(...first),
    toDay: dayString(...last),
    from,
    to,
  };
}

/** The twelve months of a year as periods (for trends). */
export function monthsOf(year: number, calendar: ReportCalendar): { month: number; from: Date; to: Date }[] {
  return Array.from({ length: 12 }, (_, i) => ({
    month: i + 1,
    from: calendar.startOfLocalDay(year, i + 1, 1),
    to: i === 11 ? calendar.startOfLocalDay(year + 1, 1, 1) : calendar.startOfLocalDay(year, i + 2, 1),
  }));
}
