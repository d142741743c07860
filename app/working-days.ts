import { addDays, endOfVnDay, isDay, vnDay, weekday } from './time.js';

/**
 * Working days in Vietnam: Monday to Friday, less the public holidays, plus the weekend days the
 * government makes working days when it moves a holiday. Deadlines "within N working days"
 * (Decree 56/2017/NĐ-CP Art. 28 cl. 1: a support plan within 5 working days) end at the end of
 * the N-th working day after the day the case arrived (Civil Code 2015 Art. 147: a period in
 * days starts the day after the event).
 */
export interface Holiday {
  /** `YYYY-MM-DD`, a day in Vietnam. */
  date: string;
  name: string;
}

/** The holiday list an admin edits in the settings (the default below until they save one). */
export interface HolidayCalendar {
  /** Days off on a weekday: public holidays, their compensatory days, days the government moves. */
  daysOff: Holiday[];
  /** Saturdays or Sundays that become working days (make-up days for a moved holiday). */
  workingDays: Holiday[];
}

/**
 * Lunar holidays by Gregorian date, computed with Hồ Ngọc Đức's algorithm for the Vietnamese
 * calendar (UTC+7; https://www.informatik.uni-leipzig.de/~duc/amlich/) and checked against the
 * published calendars: Tết is the first day of the lunar year (so 2030's is 2 Feb, a day before
 * China's), Hùng Kings' day the 10th day of the 3rd lunar month. Extend the table each year.
 */
export const LUNAR_HOLIDAYS: Record<number, { tet: string; hungKings: string }> = {
  2025: { tet: '2025-01-29', hungKings: '2025-04-07' },
  2026: { tet: '2026-02-17', hungKings: '2026-04-26' },
  2027: { tet: '2027-02-06', hungKings: '2027-04-16' },
  2028: { tet: '2028-01-26', hungKings: '2028-04-04' },
  2029: { tet: '2029-02-13', hungKings: '2029-04-23' },
  2030: { tet: '2030-02-02', hungKings: '2030-04-12' },
};

/**
 * Days the Prime Minister moved (days off swapped with a working Saturday), as published by the
 * labour ministry for civil servants; later years are added by the admin in the settings when
 * the year's decision is out. 2025: Tết off 25 Jan–2 Feb with Monday 27 Jan made up on
 * Saturday 8 Feb (so no compensatory Monday 3 Feb); 30 Apr–4 May with Friday 2 May made up on
 * Saturday 26 Apr.
 */
const DECIDED: Record<number, { off: Holiday[]; notOff: string[]; working: Holiday[] }> = {
  2025: {
    off: [
      { date: '2025-01-27', name: 'Nghỉ hoán đổi Tết (làm bù 08/02)' },
      { date: '2025-05-02', name: 'Nghỉ hoán đổi 30/4–1/5 (làm bù 26/04)' },
    ],
    notOff: ['2025-02-03'],
    working: [
      { date: '2025-02-08', name: 'Làm bù cho 27/01' },
      { date: '2025-04-26', name: 'Làm bù cho 02/05' },
    ],
  },
};

const isWeekend = (day: string) => weekday(day) === 0 || weekday(day) === 6;

/**
 * The public holidays of one year by the Labour Code 2019 Art. 112 cl. 1: 1 Jan; Tết, 5 days
 * (the government's usual choice: the last day of the lunar year and the first four of the new
 * one); Hùng Kings' day; 30 Apr; 1 May; 2 Sep and one day next to it (the Monday or Friday that
 * makes a long weekend; 1 Sep when 2 Sep is a Wednesday [?] — check the year's decision). A
 * holiday on a weekend gives a compensatory day on the next working day (Art. 111 cl. 3).
 */
export function statutoryHolidays(year: number): Holiday[] {
  const lunar = LUNAR_HOLIDAYS[year];
  const days: Holiday[] = [{ date: `${year}-01-01`, name: 'Tết Dương lịch' }];
  if (lunar) {
    for (let i = -1; i <= 3; i++) days.push({ date: addDays(lunar.tet, i), name: i < 0 ? 'Tết Nguyên đán (ngày cuối năm)' : `Tết Nguyên đán (mùng ${i + 1})` });
    days.push({ date: lunar.hungKings, name: 'Giỗ Tổ Hùng Vương (10/3 âm lịch)' });
  }
  days.push({ date: `${year}-04-30`, name: 'Ngày Chiến thắng' }, { date: `${year}-05-01`, name: 'Ngày Quốc tế Lao động' });
  const national = `${year}-09-02`;
  const after = [1, 4, 0].includes(weekday(national)); // Monday, Thursday, Sunday: the day after
  days.push({ date: national, name: 'Quốc khánh' }, { date: addDays(national, after ? 1 : -1), name: 'Quốc khánh (ngày liền kề)' });
  return withCompensatoryDays(days);
}

function withCompensatoryDays(days: Holiday[]): Holiday[] {
  const taken = new Set(days.map((d) => d.date));
  const out = [...days];
  for (const d of [...days].sort((a, b) => a.date.localeCompare(b.date))) {
    if (!isWeekend(d.date)) continue;
    let next = addDays(d.date, 1);
    while (isWeekend(next) || taken.has(next)) next = addDays(next, 1);
    taken.add(next);
    out.push({ date: next, name: `Nghỉ bù ${d.name}` });
  }
  return out.filter((d) => !isWeekend(d.date)).sort((a, b) => a.date.localeCompare(b.date));
}

let shipped: HolidayCalendar | null = null;

/**
 * The shipped holiday list, 2025–2030: the statutory days plus the moves decided so far.
 * Computed once (the lunar dates cost a case page 3–4 % of its time when built on every
 * settings read) and frozen, so that no caller can change it for the others.
 */
export function defaultHolidayCalendar(): HolidayCalendar {
  shipped ??= deepFreeze(buildShippedCalendar());
  return shipped;
}

function deepFreeze(calendar: HolidayCalendar): HolidayCalendar {
  for (const list of [calendar.daysOff, calendar.workingDays]) {
    list.forEach((d) => Object.freeze(d));
    Object.freeze(list);
  }
  return Object.freeze(calendar);
}

function buildShippedCalendar(): HolidayCalendar {
  const daysOff: Holiday[] = [];
  const workingDays: Holiday[] = [];
  for (const year of Object.keys(LUNAR_HOLIDAYS).map(Number)) {
    const decided = DECIDED[year];
    daysOff.push(...statutoryHolidays(year).filter((d) => !decided?.notOff.includes(d.date)), ...(decided?.off ?? []));
    workingDays.push(...(decided?.working ?? []));
  }
  const byDate = (a: Holiday, b: Holiday) => a.date.localeCompare(b.date);
  return { daysOff: daysOff.sort(byDate), workingDays: workingDays.sort(byDate) };
}

/** Counts working days over a holiday list. */
export class WorkingDays {
  private readonly off: Set<string>;
  private readonly working: Set<string>;

  constructor(calendar: HolidayCalendar = defaultHolidayCalendar()) {
    this.off = new Set(calendar.daysOff.map((d) => d.date));
    this.working = new Set(calendar.workingDays.map((d) => d.date));
  }

  /** True for a day (`YYYY-MM-DD`, in Vietnam) people work. */
  isWorkingDay(day: string): boolean {
    if (this.working.has(day)) return true;
    return !isWeekend(day) && !this.off.has(day);
  }

  /** The end (23:59:59.999 in Vietnam) of the `n`-th working day after the day of `from`. */
  addWorkingDays(from: Date, n: number): Date {
    let day = vnDay(from);
    for (let counted = 0; counted < n; ) {
      day = addDays(day, 1);
      if (this.isWorkingDay(day)) counted++;
    }
    return endOfVnDay(day);
  }
}

/** One line per day, "YYYY-MM-DD name", as the settings form shows the list. */
export function formatHolidayLines(days: Holiday[]): string {
  return days.map((d) => `${d.date} ${d.name}`.trim()).join('\n');
}

/**
 * Reads the settings form's list: one day per line, "YYYY-MM-DD" then an optional name; blank
 * lines ignored. Returns the 1-based numbers of the lines that are not a real day.
 */
export function parseHolidayLines(text: string): { days: Holiday[]; badLines: number[] } {
  const days: Holiday[] = [];
  const badLines: number[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const [date = '', ...rest] = line.split(/\s+/);
    if (!isDay(date)) badLines.push(i + 1);
    else days.push({ date, name: rest.join(' ').slice(0, 120) });
  });
  const unique = [...new Map(days.map((d) => [d.date, d])).values()].sort((a, b) => a.date.localeCompare(b.date));
  return { days: unique, badLines };
}
