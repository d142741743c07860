import { describe, expect, it } from 'vitest';
import { parseYearlyDates, remindersDue } from '../../reports/report-reminders.js';

const schedule = { daysBefore: 7, yearly: [{ month: 11, day: 15 }] };
const kinds = (y: number, m: number, d: number) => remindersDue({ year: y, month: m, day: d }, schedule).map((r) => `${r.kind} ${r.period} by ${r.deadline}`);

describe('report reminders', () => {
  it('reminds of the quarterly opinions a week before the 25th of the quarter\'s last month', () => {
    expect(kinds(2026, 9, 18)).toEqual(['quarterly 3/2026 by 2026-09-25']);
    expect(kinds(2026, 12, 18)).toEqual(['quarterly 4/2026 by 2026-12-25']);
    expect(kinds(2026, 9, 17)).toEqual([]);
    expect(kinds(2026, 8, 18)).toEqual([]);
  });

  it('reminds of the monthly incident summary on the 1st, for the month just ended', () => {
    expect(kinds(2026, 10, 1)).toEqual(['monthly 09/2026 by 2026-10-01']);
    expect(kinds(2027, 1, 1)).toEqual(['monthly 12/2026 by 2027-01-01']);
  });

  it('reminds of the yearly report before 15 November by default, and on other configured dates', () => {
    expect(kinds(2026, 11, 8)).toEqual(['yearly 2026 by 2026-11-15']);
    const more = remindersDue({ year: 2026, month: 6, day: 23 }, { daysBefore: 7, yearly: parseYearlyDates('11-15, 6-30') });
    expect(more.map((r) => r.dedupeKey)).toEqual(['report-reminder:yearly:2026-06-30']);
  });

  it('refuses a yearly date that does not exist', () => {
    expect(() => parseYearlyDates('02-30')).toThrow(/02-30/);
    expect(() => parseYearlyDates('15-11')).toThrow();
  });
});
