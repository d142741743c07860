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
 * Counts rows by `keyOf`, one row at a time (a report reads its cases as a stream, never all at
 * once). Its breakdown lists every value of `vocabulary` in its order (zeros too, so each
 * category is listed), then values met that it does not list (sorted), then "unknown" when some
 * had none.
 */
export class KeyCounts<R> {
  private readonly counts: Map<string, number>;
  private unknown = 0;

  constructor(
    readonly dimension: string,
    private readonly keyOf: (r: R) => string | null | undefined,
    private readonly vocabulary: readonly string[] = [],
  ) {
    this.counts = new Map(vocabulary.map((v) => [v, 0]));
  }

  add(r: R): void {
    const key = this.keyOf(r);
    if (key) this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    else this.unknown++;
  }

  /** How many different values were met ("unknown" counting as one). */
  distinct(): number {
    return [...this.counts.values()].filter((n) => n > 0).length + (this.unknown ? 1 : 0);
  }

  breakdown(): Breakdown {
    const extra = [...this.counts.keys()].filter((k) => !this.vocabulary.includes(k)).sort((a, b) => a.localeCompare(b, 'vi'));
    const keys = [...this.vocabulary, ...extra, ...(this.unknown ? [UNKNOWN] : [])];
    const { cells, total } = suppressBreakdown(keys.map((k) => (k === UNKNOWN ? this.unknown : this.counts.get(k)!)));
    return { dimension: this.dimension, rows: keys.map((key, i) => ({ key, figure: cells[i]! })), total };
  }
}

/** Counts rows by two keys, one row at a time: `rowOf` gives the row index, `colOf` the column key. */
export class TableCounts<R> {
  private readonly counts: Map<string, number>[];
  private sawUnknown = false;

  constructor(
    private readonly rowKeys: string[],
    private readonly rowOf: (r: R) => number,
    private readonly colKeys: readonly string[],
    private readonly colOf: (r: R) => string | null | undefined,
  ) {
    this.counts = rowKeys.map(() => new Map());
  }

  add(r: R): void {
    const row = this.counts[this.rowOf(r)];
    const col = this.colOf(r) || UNKNOWN;
    this.sawUnknown ||= col === UNKNOWN;
    if (row && (col === UNKNOWN || this.colKeys.includes(col))) row.set(col, (row.get(col) ?? 0) + 1);
  }

  table(): CountTable {
    const withUnknown = this.sawUnknown ? [...this.colKeys, UNKNOWN] : [...this.colKeys];
    const counts = this.counts.map((row) => withUnknown.map((k) => row.get(k) ?? 0));
    return { rowKeys: this.rowKeys, colKeys: withUnknown, ...suppressTable(counts) };
  }
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

/** Times to first response, gathered one case at a time (only answered cases keep two numbers). */
export class ResponseTimesTally {
  private readonly calendarHours: number[] = [];
  private readonly workingHours: number[] = [];

  constructor(private readonly calendar: ReportCalendar) {}

  add(r: CaseRow): void {
    if (!r.firstResponseAt) return;
    this.calendarHours.push((r.firstResponseAt.getTime() - r.createdAt.getTime()) / 3_600_000);
    this.workingHours.push(this.calendar.workingHoursBetween(r.createdAt, r.firstResponseAt));
  }

  times(): ResponseTimes {
    const enough = this.calendarHours.length >= MIN_CASES_FOR_TIMES;
    return {
      answered: single(this.calendarHours.length),
      calendar: enough ? stats(this.calendarHours) : null,
      working: enough ? stats(this.workingHours) : null,
    };
  }
}

/**
 * The escalation ladder as reports see it: the rungs past the deadline, and how many of them a
 * case had passed when it was answered (or now, when it is not answered yet).
 */
export interface SlaLadder {
  readonly rungs: readonly string[];
  rungsPassed(c: Pick<CaseRow, 'createdAt' | 'firstResponseDueAt'>, at: Date): number;
}

/** How many cases passed each rung of the ladder without an answer, one case at a time. */
export class BreachTally {
  private readonly passed: number[];

  constructor(
    private readonly ladder: SlaLadder,
    private readonly now: Date,
  ) {
    this.passed = ladder.rungs.map(() => 0);
  }

  add(r: CaseRow): void {
    const n = r.firstResponseDueAt ? this.ladder.rungsPassed(r, r.firstResponseAt ?? this.now) : 0;
    for (let i = 0; i < Math.min(n, this.passed.length); i++) this.passed[i]!++;
  }

  figures(): NamedFigure[] {
    return this.ladder.rungs.map((key, i) => ({ key, figure: single(this.passed[i]!) }));
  }
}

/** Whether an answer came after its deadline (or the deadline passed with none). */
export const answeredLate = (r: CaseRow) => !!r.firstResponseAt && !!r.firstResponseDueAt && r.firstResponseAt > r.firstResponseDueAt;

/**
 * Cases with at least one referral to each target, by target: given the referrals of a few
 * cases at a time (every referral of a case in the same call), so that no set of all cases grows.
 */
export class ReferredTally {
  private readonly counts: Map<string, number>;

  constructor(private readonly targets: readonly string[]) {
    this.counts = new Map(targets.map((t) => [t, 0]));
  }

  add(referrals: ReferralRow[]): void {
    for (const to of this.targets) this.counts.set(to, this.counts.get(to)! + new Set(referrals.filter((r) => r.to === to).map((r) => r.caseId)).size);
  }

  figures(): NamedFigure[] {
    return this.targets.map((to) => ({ key: to, figure: single(this.counts.get(to)!) }));
  }
}
