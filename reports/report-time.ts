/**
 * What reports need from the calendar: local (Vietnam) days and months, and working hours.
 * The application's one time module provides it; reports only depend on this shape.
 */
export interface ReportCalendar {
  /** The instant a local calendar day starts (`2026-07-01` → 2026-06-30T17:00Z in Vietnam). */
  startOfLocalDay(year: number, month: number, day: number): Date;
  /** The local calendar date of an instant: `{ year, month (1-12), day }`. */
  localDate(at: Date): { year: number; month: number; day: number };
  /** Working hours between two instants (weekends and public holidays do not count). */
  workingHoursBetween(from: Date, to: Date): number;
}
