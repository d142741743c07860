import type { Lang } from '../locales/i18n.js';
import { tr } from '../locales/i18n.js';

/**
 * Time in Vietnam: the one time-zone constant and the one date formatter of the application.
 * Every deadline and every date a person types or reads is in Vietnam's time. Vietnam has kept
 * UTC+07:00 without daylight saving since 1975, so day arithmetic uses the fixed offset and
 * formatting goes through Intl with the zone's name.
 *
 * Working days (weekends and public holidays skipped) are in `./working-days.ts`.
 */
export const TIME_ZONE = 'Asia/Ho_Chi_Minh';
/** Vietnam's offset from UTC, in milliseconds (+07:00, no daylight saving). */
export const VN_OFFSET_MS = 7 * 60 * 60_000;
export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** How a date is shown: with its time (default), the day only, or the time only. */
export type DateStyle = 'datetime' | 'date' | 'time';

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(lang: Lang, style: DateStyle): Intl.DateTimeFormat {
  const key = `${lang}:${style}`;
  let f = formatters.get(key);
  if (!f) {
    const day: Intl.DateTimeFormatOptions = { day: '2-digit', month: '2-digit', year: 'numeric' };
    const time: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
    const options = style === 'date' ? day : style === 'time' ? time : { ...day, ...time };
    f = new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { ...options, timeZone: TIME_ZONE });
    formatters.set(key, f);
  }
  return f;
}

/** A date as people read it, in Vietnam's time: "14:05 05/12/2026" (vi), "05/12/2026, 14:05" (en). */
export function formatDate(value: Date | string | number | null | undefined, lang: Lang = 'vi', style: DateStyle = 'datetime'): string {
  if (value === null || value === undefined || value === '') return '';
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? '' : formatter(lang, style).format(d);
}

/**
 * How far a deadline is, in words: "còn 52 phút", "trễ 3 giờ", "còn 2 ngày 4 giờ"
 * ("52 min left", "3 h late"). Under an hour in minutes; under 6 hours in hours and minutes;
 * under 3 days in days and hours; beyond, in days.
 */
export function formatTimeLeft(due: Date, now: Date, lang: Lang = 'vi'): string {
  const t = tr(lang);
  const diff = due.getTime() - now.getTime();
  const span = formatSpan(Math.abs(diff), lang);
  return diff >= 0 ? t('time.left', { span }) : t('time.late', { span });
}

/** A length of time in words, rounded down: "52 phút", "2 giờ 15 phút", "1 ngày 4 giờ". */
export function formatSpan(ms: number, lang: Lang = 'vi'): string {
  const t = tr(lang);
  const minutes = Math.floor(ms / MINUTE_MS);
  if (minutes < 60) return t('time.minutes', { count: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 6) return join(t('time.hours', { count: hours }), minutes % 60 ? t('time.minutes', { count: minutes % 60 }) : '');
  if (hours < 24) return t('time.hours', { count: hours });
  const days = Math.floor(hours / 24);
  if (days < 3) return join(t('time.days', { count: days }), hours % 24 ? t('time.hours', { count: hours % 24 }) : '');
  return t('time.days', { count: days });
}

const join = (a: string, b: string) => (b ? `${a} ${b}` : a);

/** The calendar day in Vietnam of an instant, as `YYYY-MM-DD`. */
export function vnDay(d: Date): string {
  return new Date(d.getTime() + VN_OFFSET_MS).toISOString().slice(0, 10);
}

/** The first instant (00:00 in Vietnam) of a `YYYY-MM-DD` day. */
export function startOfVnDay(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) - VN_OFFSET_MS);
}

/** The last instant (23:59:59.999 in Vietnam) of a `YYYY-MM-DD` day. */
export function endOfVnDay(day: string): Date {
  return new Date(startOfVnDay(day).getTime() + DAY_MS - 1);
}

/** `YYYY-MM-DD` plus `n` calendar days. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Day of the week of a `YYYY-MM-DD` day: 0 Sunday … 6 Saturday. */
export function weekday(day: string): number {
  return new Date(`${day}T00:00:00.000Z`).getUTCDay();
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/;

/** True for a real calendar day written `YYYY-MM-DD`. */
export function isDay(value: string): boolean {
  const m = DATE_ONLY.exec(value);
  if (!m) return false;
  const d = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/**
 * Reads a date a person typed, in Vietnam's time. A date alone ("2026-12-05", from
 * `<input type="date">`) means the END of that day in Vietnam (23:59:59.999 +07:00) when
 * `dayMeans` is 'end' (a due date: "due on 5 Dec" includes the 5th), its start when 'start'
 * (a date something happened). A date with a time but no zone (`<input type="datetime-local">`)
 * is Vietnam's time; a full ISO time with a zone is taken as written. Anything else: null.
 */
export function parseDateInput(value: unknown, dayMeans: 'start' | 'end' = 'end'): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value !== 'string') return null;
  const s = value.trim();
  if (DATE_ONLY.test(s)) {
    if (!isDay(s)) return null;
    return dayMeans === 'end' ? endOfVnDay(s) : startOfVnDay(s);
  }
  const withZone = LOCAL_DATE_TIME.test(s) ? `${s}+07:00` : s;
  if (!/^\d{4}-\d{2}-\d{2}T/.test(withZone)) return null;
  const d = new Date(withZone);
  return Number.isNaN(d.getTime()) ? null : d;
}
