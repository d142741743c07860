import { z } from 'zod';
import { formatHolidayLines, parseHolidayLines, type HolidayCalendar } from '../../app/working-days.js';
import { ESCALATION_LIMITS, type EscalationSettings } from '../../models/index.js';

/** The escalation ladder's settings form (minutes and a percentage, whole numbers). */
const inRange = (key: keyof EscalationSettings) =>
  z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(ESCALATION_LIMITS[key].min).max(ESCALATION_LIMITS[key].max));

export const EscalationForm = z.object({
  remindAtPercent: inRange('remindAtPercent'),
  repeatMinutes: inRange('repeatMinutes'),
  adminAfterMinutes: inRange('adminAfterMinutes'),
});

export const ESCALATION_FIELDS = Object.keys(ESCALATION_LIMITS) as (keyof EscalationSettings)[];

export const escalationToForm = (e: EscalationSettings): Record<string, string> =>
  Object.fromEntries(ESCALATION_FIELDS.map((k) => [k, String(e[k])]));

/** The holiday list as two textareas: days off, and weekend days worked. */
export const holidaysToForm = (c: HolidayCalendar) => ({ daysOff: formatHolidayLines(c.daysOff), workingDays: formatHolidayLines(c.workingDays) });

/** Reads the two textareas; the error names the first bad line of each. */
export function holidaysFromForm(body: Record<string, string>): { holidays: HolidayCalendar } | { errors: Record<string, { key: string; line: number }> } {
  const off = parseHolidayLines(body.daysOff ?? '');
  const working = parseHolidayLines(body.workingDays ?? '');
  const errors: Record<string, { key: string; line: number }> = {};
  if (off.badLines.length) errors.daysOff = { key: 'bad_line', line: off.badLines[0]! };
  if (working.badLines.length) errors.workingDays = { key: 'bad_line', line: working.badLines[0]! };
  if (off.days.length > 2_000 || working.days.length > 2_000) errors.daysOff = { key: 'too_many', line: 0 };
  return Object.keys(errors).length ? { errors } : { holidays: { daysOff: off.days, workingDays: working.days } };
}
