import { describe, expect, it } from 'vitest';
import { formatDate, formatTimeLeft, parseDateInput, TIME_ZONE, vnDay } from '../../app/time.js';
import { defaultHolidayCalendar, parseHolidayLines, statutoryHolidays, WorkingDays } from '../../app/working-days.js';

const at = (iso: string) => new Date(iso);

describe('time in Vietnam', () => {
  it('names one zone, Asia/Ho_Chi_Minh', () => {
    expect(TIME_ZONE).toBe('Asia/Ho_Chi_Minh');
  });

  it('reads a date-only input as the end of that day in Vietnam (23:59:59.999 +07:00)', () => {
    expect(parseDateInput('2026-12-05')!.toISOString()).toBe('2026-12-05T16:59:59.999Z');
    expect(parseDateInput('2026-12-05', 'start')!.toISOString()).toBe('2026-12-04T17:00:00.000Z');
  });

  it('reads a date and time without a zone as Vietnam time, and refuses what is not a date', () => {
    expect(parseDateInput('2026-12-05T08:30')!.toISOString()).toBe('2026-12-05T01:30:00.000Z');
    expect(parseDateInput('2026-12-05T08:30:00Z')!.toISOString()).toBe('2026-12-05T08:30:00.000Z');
    expect(parseDateInput('2026-02-30')).toBeNull();
    expect(parseDateInput('5/12/2026')).toBeNull();
    expect(parseDateInput('')).toBeNull();
  });

  it('shows dates in Vietnam time in both languages', () => {
    const d = at('2026-12-04T17:30:00Z'); // 00:30 on 5 Dec in Vietnam
    expect(formatDate(d, 'vi')).toBe('00:30 05/12/2026');
    expect(formatDate(d, 'en')).toBe('05/12/2026, 00:30');
    expect(formatDate(d, 'en', 'date')).toBe('05/12/2026');
    expect(vnDay(d)).toBe('2026-12-05');
    expect(formatDate(null)).toBe('');
  });

  it('says how long is left or how late, in words', () => {
    const now = at('2026-12-01T00:00:00Z');
    const plus = (ms: number) => new Date(now.getTime() + ms);
    expect(formatTimeLeft(plus(52 * 60_000), now, 'vi')).toBe('còn 52 phút');
    expect(formatTimeLeft(plus(-3 * 3_600_000), now, 'vi')).toBe('trễ 3 giờ');
    expect(formatTimeLeft(plus(-(2 * 3_600_000 + 15 * 60_000)), now, 'vi')).toBe('trễ 2 giờ 15 phút');
    expect(formatTimeLeft(plus(28 * 3_600_000), now, 'vi')).toBe('còn 1 ngày 4 giờ');
    expect(formatTimeLeft(plus(52 * 60_000), now, 'en')).toBe('52 min left');
    expect(formatTimeLeft(plus(-3 * 3_600_000), now, 'en')).toBe('3 h late');
    expect(formatTimeLeft(plus(5 * 86_400_000), now, 'en')).toBe('5 days left');
  });
});

describe('working days', () => {
  const days = new WorkingDays();

  it('skip the weekend: 5 working days from a Thursday end on the next Thursday at 23:59 in Vietnam', () => {
    // Thursday 5 Nov 2026, 10:00 in Vietnam
    expect(days.addWorkingDays(at('2026-11-05T03:00:00Z'), 5).toISOString()).toBe('2026-11-12T16:59:59.999Z');
  });

  it('skip Tết: a report on Friday 13 Feb 2026 has its support plan due on Friday 27 Feb', () => {
    // Tết Bính Ngọ: 16–20 Feb 2026 off, and two weekends
    expect(days.addWorkingDays(at('2026-02-13T02:00:00Z'), 5).toISOString()).toBe('2026-02-27T16:59:59.999Z');
  });

  it('count a make-up Saturday the government moved as a working day', () => {
    expect(days.isWorkingDay('2025-02-08')).toBe(true);
    expect(days.isWorkingDay('2025-01-27')).toBe(false);
  });

  it('know the fixed holidays, Hùng Kings’ day and compensatory days', () => {
    const dates = statutoryHolidays(2026).map((d) => d.date);
    expect(dates).toEqual(expect.arrayContaining(['2026-01-01', '2026-02-17', '2026-04-27', '2026-04-30', '2026-05-01', '2026-09-02']));
    expect(dates).not.toContain('2026-04-26'); // a Sunday: the day off is the Monday after
    const years = new Set(defaultHolidayCalendar().daysOff.map((d) => d.date.slice(0, 4)));
    expect([...years]).toEqual(['2025', '2026', '2027', '2028', '2029', '2030']);
  });

  it('give every reader the same shipped list, which no reader can change for the others', () => {
    const list = defaultHolidayCalendar();
    expect(defaultHolidayCalendar()).toBe(list);
    expect(() => list.daysOff.push({ date: '2026-11-06', name: 'x' })).toThrow(TypeError);
    expect(() => Object.assign(list.daysOff[0]!, { date: '2026-11-06' })).toThrow(TypeError);
    expect(new WorkingDays().isWorkingDay('2026-11-06')).toBe(true);
  });

  it('follow the list an admin typed, and point at a bad line', () => {
    const typed = parseHolidayLines('2026-11-06 Ngày nghỉ của tỉnh\n\nnot a date');
    expect(typed.badLines).toEqual([3]);
    const custom = new WorkingDays({ daysOff: typed.days, workingDays: [] });
    expect(custom.isWorkingDay('2026-11-06')).toBe(false);
    expect(custom.isWorkingDay('2026-02-17')).toBe(true);
  });
});
