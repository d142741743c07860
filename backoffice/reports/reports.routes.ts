import { Router, type Request } from 'express';
import type { TFunction } from 'i18next';
import { AppError } from '../../app/errors.js';
import { readWorkSettings } from '../../cases/work-settings.js';
import { PERIOD_KINDS } from '../../reports/report-period.js';
import { toCsv, toXlsx } from '../../reports/report-export.js';
import { exportName, monthName, quotesTable, reportTables } from '../../reports/report-tables.js';
import { REPORT_KINDS, ReportQueryError, ReportService, type ReportKind } from '../../reports/reports.service.js';
import { requireRole } from '../auth/auth.middleware.js';
import { stringsOf } from '../cases/case-view.js';
import { ctx, type BackofficeDeps } from '../context.js';
import { render } from '../render.js';
import { reportHeading, reportPage } from './report-view.js';

const QUERY_FIELDS = ['period', 'year', 'quarter', 'month', 'from', 'to', 'province'] as const;
const kindOf = (v: string | undefined): ReportKind => (REPORT_KINDS as readonly string[]).includes(v ?? '') ? (v as ReportKind) : 'opinions';

/** The choices of the report form, labelled. */
function formOptions(t: TFunction, lang: string, provinces: string[]) {
  return {
    kinds: REPORT_KINDS.map((k) => ({ value: k, label: t(`admin.reports.kinds.${k}`) })),
    periods: PERIOD_KINDS.map((p) => ({ value: p, label: t(`admin.reports.periods.${p}`) })),
    quarters: [1, 2, 3, 4].map((q) => ({ value: String(q), label: t('admin.reports.quarter_n', { quarter: q }) })),
    months: Array.from({ length: 12 }, (_, i) => ({ value: String(i + 1), label: monthName(lang, i + 1) })),
    provinces: provinces.map((p) => ({ value: p, label: p })),
  };
}

function queryOf(req: Request) {
  const q = stringsOf(req.query);
  const input = Object.fromEntries(QUERY_FIELDS.filter((k) => q[k]).map((k) => [k, q[k]]));
  return { kind: kindOf(q.report), input, raw: q };
}

/**
 * `/admin/reports` (coordinators and admins): the report page with its charts and tables, and
 * `/admin/reports/export` (CSV or XLSX). Thin: ReportService checks scope and audits.
 */
export function reportRoutes(deps: BackofficeDeps): Router {
  const router = Router();
  const reports = new ReportService(deps.store, deps.cases);
  const managers = requireRole('coordinator', 'admin');

  router.get('/reports', managers, async (req, res) => {
    const { principal, t, lang } = ctx(req);
    const { kind, input, raw } = queryOf(req);
    const provinces = principal!.role === 'admin' ? (await readWorkSettings(deps.store)).areas.map((a) => a.name) : principal!.areas;
    const form = { report: kind, period: raw.period ?? 'quarter', ...input };
    const options = formOptions(t, lang, provinces);
    try {
      const report = await reports.view(principal!, kind, input);
      const exportQuery = new URLSearchParams({ report: kind, ...input }).toString();
      render(req, res, 'reports/report.njk', { form, options, report, exportQuery, ...reportPage(t, lang, report) });
    } catch (err) {
      if (!(err instanceof ReportQueryError)) throw err;
      const errors = Object.fromEntries(Object.entries(err.fields).map(([k, v]) => [k, t(v)]));
      render(req, res, 'reports/report.njk', { form, options, report: null, errors }, 400);
    }
  });

  router.get('/reports/export', managers, async (req, res) => {
    const { principal, t, lang } = ctx(req);
    const { kind, input, raw } = queryOf(req);
    const format = raw.format === 'xlsx' ? 'xlsx' : raw.format === 'csv' ? 'csv' : null;
    if (!format) throw new AppError('bad_request', 400);
    const report = await reports.forExport(principal!, kind, input, format);
    const heading = reportHeading(t, lang, report);
    const tables = reportTables(report, t, lang);
    const quotes = quotesTable(report, t);
    const name = exportName(kind, report.period, report.province, format);
    const body =
      format === 'csv'
        ? toCsv(heading, quotes ? [...tables, quotes] : tables)
        : await toXlsx(heading, tables, quotes, { figures: t('admin.reports.sheet_figures'), quotes: t('admin.reports.sheet_quotes') });
    res
      .status(200)
      .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .attachment(name)
      .send(body);
  });
  return router;
}
