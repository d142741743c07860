import type { TFunction } from 'i18next';
import { UNKNOWN, type Breakdown, type CountTable, type NamedFigure, type ResponseTimes } from './report-figures.js';
import type { Report, ReportKind } from './reports.service.js';
import type { ReportPeriod } from './report-period.js';
import { shown, type Figure } from './suppression.js';

/** One table of a report, with its words translated: what the page, the CSV and the XLSX show. */
export interface PrintedTable {
  id: string;
  title: string;
  head: string[];
  rows: string[][];
  /** The last row is a total. */
  hasTotal: boolean;
}

/** Where each dimension's labels are (`admin.cases.<group>.<key>`); areas are shown as named. */
const LABEL_GROUPS: Record<string, string> = {
  topic: 'topics',
  harm_type: 'harm_types',
  priority: 'priorities',
  age_band: 'age_bands',
  gender: 'genders',
  channel: 'channels',
  reporter_role: 'reporter_roles',
};

/** The label of one key of a dimension. */
export function labelOf(t: TFunction, dimension: string, key: string): string {
  if (key === UNKNOWN) return t('admin.reports.unknown');
  if (dimension === 'outcome') return t(`admin.reports.outcomes.${key}`);
  if (dimension === 'severity') return t(`admin.reports.severities.${key}`);
  if (dimension === 'referral_target') return t(`admin.cases.referral_targets.${key}`);
  const group = LABEL_GROUPS[dimension];
  return group ? t(`admin.cases.${group}.${key}`) : key;
}

/** A month's short name in the language (e.g. "Th7", "Jul"). */
export function monthName(lang: string, month: number): string {
  return new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { month: 'short', timeZone: 'UTC' }).format(new Date(Date.UTC(2026, month - 1, 1)));
}

/** A month's label on a chart's axis: "T7" in Vietnamese, "Jul" in English. */
export function monthTick(lang: string, month: number): string {
  return lang === 'vi' ? `T${month}` : monthName(lang, month);
}

/** "Quý 3/2026 (01/07/2026 – 30/09/2026)", "July 2026 …", or the range. */
export function periodLabel(t: TFunction, p: ReportPeriod): string {
  const day = (s: string) => s.split('-').reverse().join('/');
  const range = `${day(p.fromDay)} – ${day(p.toDay)}`;
  if (p.kind === 'quarter') return t('admin.reports.period_label.quarter', { quarter: p.quarter, year: p.year, range });
  if (p.kind === 'month') return t('admin.reports.period_label.month', { month: p.month, year: p.year, range });
  if (p.kind === 'year') return t('admin.reports.period_label.year', { year: p.year, range });
  return range;
}

function breakdownTable(t: TFunction, b: Breakdown): PrintedTable {
  return {
    id: `by-${b.dimension}`,
    title: t(`admin.reports.by.${b.dimension}`),
    head: [t(`admin.reports.dimension.${b.dimension}`), t('admin.reports.count')],
    rows: [...b.rows.map((r) => [labelOf(t, b.dimension, r.key), shown(r.figure)]), [t('admin.reports.total'), shown(b.total)]],
    hasTotal: true,
  };
}

function namedTable(t: TFunction, id: string, title: string, labels: (key: string) => string, list: NamedFigure[]): PrintedTable {
  return { id, title, head: [t('admin.reports.measure'), t('admin.reports.count')], rows: list.map((f) => [labels(f.key), shown(f.figure)]), hasTotal: false };
}

/** Hours with the language's decimal sign (3,5 giờ; 3.5 hours). */
const hours = (t: TFunction, lang: string, v: number | undefined) =>
  v === undefined ? t('admin.reports.too_few') : new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 1, useGrouping: false }).format(v);

function timesTable(t: TFunction, lang: string, rt: ResponseTimes): PrintedTable {
  return {
    id: 'response-times',
    title: t('admin.reports.response_times'),
    head: [t('admin.reports.measure'), t('admin.reports.calendar_hours'), t('admin.reports.working_hours')],
    rows: [
      [t('admin.reports.median'), hours(t, lang, rt.calendar?.median), hours(t, lang, rt.working?.median)],
      [t('admin.reports.p90'), hours(t, lang, rt.calendar?.p90), hours(t, lang, rt.working?.p90)],
      [t('admin.reports.answered_cases'), shown(rt.answered), shown(rt.answered)],
    ],
    hasTotal: false,
  };
}

function matrixTable(t: TFunction, lang: string, id: string, dimension: string, m: CountTable): PrintedTable {
  return {
    id,
    title: t(`admin.reports.trend_title.${id}`),
    head: [t('admin.reports.month'), ...m.colKeys.map((k) => labelOf(t, dimension, k)), t('admin.reports.total')],
    rows: [
      ...m.rowKeys.map((k, i) => [monthName(lang, Number(k)), ...m.cells[i]!.map(shown), shown(m.rowTotals[i]!)]),
      [t('admin.reports.total'), ...m.colTotals.map(shown), shown(m.total)],
    ],
    hasTotal: true,
  };
}

/** Every table of a report, in the order the page shows them. */
export function reportTables(report: Report, t: TFunction, lang: string): PrintedTable[] {
  const total: PrintedTable = { id: 'total', title: t(`admin.reports.total_of.${report.kind}`), head: [t('admin.reports.measure'), t('admin.reports.count')], rows: [[t('admin.reports.total'), shown(report.total)]], hasTotal: true };
  switch (report.kind) {
    case 'opinions':
      return [
        total,
        ...report.breakdowns.map((b) => breakdownTable(t, b)),
        namedTable(t, 'follow-up', t('admin.reports.follow_up_title'), (k) => t(`admin.reports.follow_up.${k}`), report.followUp),
      ];
    case 'incidents':
      return [
        total,
        ...report.breakdowns.map((b) => breakdownTable(t, b)),
        namedTable(t, 'referred-to', t('admin.reports.referred_to'), (k) => labelOf(t, 'referral_target', k), report.referredTo),
        timesTable(t, lang, report.responseTimes),
        namedTable(t, 'breaches', t('admin.reports.breaches'), (k) => t(`admin.reports.rungs.${k}`), report.breaches),
      ];
    case 'trends':
      return [
        matrixTable(t, lang, 'incidents', 'harm_type', report.incidents),
        matrixTable(t, lang, 'opinions', 'topic', report.opinions),
        {
          id: 'monthly-response',
          title: t('admin.reports.trend_title.response'),
          head: [t('admin.reports.month'), t('admin.reports.median'), t('admin.reports.p90'), t('admin.reports.late')],
          rows: report.monthly.map((m) => [monthName(lang, m.month), hours(t, lang, m.responseTimes.calendar?.median), hours(t, lang, m.responseTimes.calendar?.p90), shown(m.late)]),
          hasTotal: false,
        },
      ];
  }
}

/** The quoted opinions as a table (topic, words), for the exports. */
export function quotesTable(report: Report, t: TFunction): PrintedTable | null {
  if (report.kind !== 'opinions' || report.quotes.length === 0) return null;
  return {
    id: 'opinions',
    title: t('admin.reports.quotes_title'),
    head: [t('admin.reports.dimension.topic'), t('admin.reports.quote')],
    rows: report.quotes.flatMap((q) => q.texts.map((text) => [labelOf(t, 'topic', q.topic), text])),
    hasTotal: false,
  };
}

/** The file name of an export: report, period and province, in ASCII. */
export function exportName(kind: ReportKind, p: ReportPeriod, province: string | null, ext: string): string {
  const place = province ? `-${province.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').replace(/[^A-Za-z0-9]+/g, '-')}` : '';
  return `hopthuxanh-${kind}-${p.fromDay}-${p.toDay}${place}.${ext}`;
}

export type { Figure };
