import type { Case, Referral } from '../models/index.js';
import type { ReportCalendar } from './report-time.js';
import { single, suppressBreakdown, suppressTable, type Figure } from './suppression.js';

/** The kept fields of a case that every figure comes from (never message text: retention erases it). */
export type CaseRow = Pick<
  Case,
  '_id' | 'kind' | 'status' | 'priority' | 'severity' | 'channel' | 'reporterRole' | 'ageBand' | 'gender' | 'area' | 'topic' | 'harmType' | 'firstResponseDueAt' | 'firstResponseAt' | 'createdAt'
>;
export type ReferralRow = Pick<Referral, 'caseId' | 'to' | 'dueAt' | 'answeredAt'>;

/** The key of a case with no value for a dimension. */
export const UNKNOWN = 'unknown';

/** Counts by one dimension, suppressed, with the total. */
export interface Breakdown {
  dimension: string;
  rows: { key: string; figure: Figure }[];
  total: Figure;
}

/** A named count shown on its own (not part of a partition). */
export interface NamedFigure {
  key: string;
  figure: Figure;
}

/** A table of counts (rows × columns), suppressed, with totals. */
export interface CountTable {
  rowKeys: string[];
  colKeys: string[];
  cells: Figure[][];
  rowTotals: Figure[];
  colTotals: Figure[];
  total: Figure;
}

/**
 * Counts rows by `keyOf`: every value of `vocabulary` in its order (zeros too, so each category
 * is listed), then values met that it does not list (sorted), then "unknown" when some have none.
 */
export function breakdown<R>(dimension: string, rows: R[], keyOf: (r: R) => string | null | undefined, vocabulary: readonly string[] = []): Breakdown {
  const counts = new Map<string, number>(vocabulary.map((v) => [v, 0]));
  let unknown = 0;
  for (const r of rows) {
    const key = keyOf(r);
    if (key) counts.set(key, (counts.get(key) ?? 0) + 1);
    else unknown++;
  }
  const extra = [...counts.keys()].filter((k) => !vocabulary.includes(k)).sort((a, b) => a.localeCompare(b, 'vi'));
  const keys = [...vocabulary, ...extra, ...(unknown ? [UNKNOWN] : [])];
  const { cells, total } = suppressBreakdown(keys.map((k) => (k === UNKNOWN ? unknown : counts.get(k)!)));
  return { dimension, rows: keys.map((key, i) => ({ key, figure: cells[i]! })), total };
}

/** Counts rows by two keys: `rowOf` gives the row index, `colOf` the column key. */
export function countTable<R>(rows: R[], rowKeys: string[], rowOf: (r: R) => number, colKeys: readonly string[], colOf: (r: R) => string | null | undefined): CountTable {
  const withUnknown = rows.some((r) => !colOf(r)) ? [...colKeys, UNKNOWN] : [...colKeys];
  const counts = rowKeys.map(() => withUnknown.map(() => 0));
  for (const r of rows) {
    const j = withUnknown.indexOf(colOf(r) || UNKNOWN);
    const row = counts[rowOf(r)];
    if (row && j >= 0) row[j]!++;
  }
  return { rowKeys, colKeys: withUnknown, ...suppressTable(counts) };
}

/** Statistics shown only over enough cases: below this many, a median would describe a few children. */
export const MIN_CASES_FOR_TIMES = 5;

/** Time to first response, in hours: median and 90th percentile, calendar and working time. */
export interface ResponseTimes {
  /** Cases answered (whose time is measured). */
  answered: Figure;
  /** Null when fewer than {@link MIN_CASES_FOR_TIMES} cases were answered. */
  calendar: { median: number; p90: number } | null;
  working: { median: number; p90: number } | null;
}

/** The median (mean of the two middle values when even) of sorted numbers. */
export function median(sorted: number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The nearest-rank percentile (`p` in 0-1) of sorted numbers. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: round1(median(sorted)), p90: round1(percentile(sorted, 0.9)) };
};

export function responseTimes(rows: CaseRow[], calendar: ReportCalendar): ResponseTimes {
  const answered = rows.filter((r) => r.firstResponseAt);
  const enough = answered.length >= MIN_CASES_FOR_TIMES;
  const hours = (r: CaseRow) => (r.firstResponseAt!.getTime() - r.createdAt.getTime()) / 3_600_000;
  return {
    answered: single(answered.length),
    calendar: enough ? stats(answered.map(hours)) : null,
    working: enough ? stats(answered.map((r) => calendar.workingHoursBetween(r.createdAt, r.firstResponseAt!))) : null,
  };
}

/**
 * The escalation ladder as reports see it: the rungs past the deadline, and how many of them a
 * case had passed when it was answered (or now, when it is not answered yet).
 */
export interface SlaLadder {
  readonly rungs: readonly string[];
  rungsPassed(c: Pick<CaseRow, 'createdAt' | 'firstResponseDueAt'>, at: Date): number;
}

/** How many cases passed each rung of the ladder without an answer. */
export function breachesPerRung(rows: CaseRow[], ladder: SlaLadder, now: Date): NamedFigure[] {
  const passed = rows.map((r) => (r.firstResponseDueAt ? ladder.rungsPassed(r, r.firstResponseAt ?? now) : 0));
  return ladder.rungs.map((key, i) => ({ key, figure: single(passed.filter((n) => n > i).length) }));
}

/** Whether an answer came after its deadline (or the deadline passed with none). */
export const answeredLate = (r: CaseRow) => !!r.firstResponseAt && !!r.firstResponseDueAt && r.firstResponseAt > r.firstResponseDueAt;

/** Cases with at least one referral to each target, by target. */
export function referredTo(referrals: ReferralRow[], targets: readonly string[]): NamedFigure[] {
  return targets.map((to) => ({ key: to, figure: single(new Set(referrals.filter((r) => r.to === to).map((r) => r.caseId)).size) }));
}
