import type { TFunction } from 'i18next';
import { formatDate } from '../../app/time.js';
import { barChart, lineChart, type BarItem } from '../../reports/report-charts.js';
import { labelOf, monthTick, periodLabel, quotesTable, reportTables } from '../../reports/report-tables.js';
import type { ExportHeading } from '../../reports/report-export.js';
import type { Report } from '../../reports/reports.service.js';
import { shown, visible, type Figure } from '../../reports/suppression.js';
import type { Breakdown } from '../../reports/report-figures.js';


const bars = (t: TFunction, b: Breakdown): BarItem[] => b.rows.map((r) => ({ label: labelOf(t, b.dimension, r.key), value: visible(r.figure), shown: shown(r.figure) }));
const points = (figures: Figure[]) => ({ values: figures.map(visible), shown: figures.map(shown) });

/** Where the report stands: its province(s), period and the time it was made. */
export function reportHeading(t: TFunction, lang: string, report: Report): ExportHeading {
  const province = report.province ?? (report.scopeProvinces ? report.scopeProvinces.join(', ') : t('admin.reports.all_provinces'));
  return {
    title: t(`admin.reports.kinds.${report.kind}`),
    lines: [
      `${t('admin.reports.province')}: ${province}`,
      `${t('admin.reports.period')}: ${periodLabel(t, report.period)}`,
      `${t('admin.reports.generated')}: ${formatDate(report.generatedAt, lang === 'en' ? 'en' : 'vi')}`,
      t('admin.reports.legend'),
    ],
  };
}

/** The charts of a report, as SVG strings (safe: every text in them is escaped). */
export function reportCharts(t: TFunction, lang: string, report: Report): string[] {
  const of = (d: string) => ('breakdowns' in report ? report.breakdowns.find((b) => b.dimension === d) : undefined);
  if (report.kind === 'opinions') return [barChart('chart-topic', t('admin.reports.by.topic'), bars(t, of('topic')!))];
  if (report.kind === 'incidents') {
    return [barChart('chart-harm', t('admin.reports.by.harm_type'), bars(t, of('harm_type')!)), barChart('chart-outcome', t('admin.reports.by.outcome'), bars(t, of('outcome')!))];
  }
  const months = report.incidents.rowKeys.map((k) => monthTick(lang, Number(k)));
  return [
    lineChart('chart-months', t('admin.reports.trend_title.lines'), months, [
      { name: t('admin.reports.kinds.incidents'), ...points(report.incidents.rowTotals) },
      { name: t('admin.reports.kinds.opinions'), ...points(report.opinions.rowTotals) },
    ]),
  ];
}

/** Everything the report page shows of one report. */
export function reportPage(t: TFunction, lang: string, report: Report) {
  return {
    heading: reportHeading(t, lang, report),
    charts: reportCharts(t, lang, report),
    tables: reportTables(report, t, lang),
    quotes: report.kind === 'opinions' ? report.quotes.map((q) => ({ topic: labelOf(t, 'topic', q.topic), texts: q.texts })) : [],
    quotesTable: quotesTable(report, t),
  };
}
