import { AppError } from '../app/errors.js';
import type { CaseService } from '../cases/cases.service.js';
import { reportScopeFilter, type StaffPrincipal } from '../cases/scope.js';
import {
  AGE_BANDS,
  CaseModel,
  CHANNELS,
  GENDERS,
  HARM_TYPES,
  MessageModel,
  REFERRAL_TARGETS,
  ReferralModel,
  REPORTER_ROLES,
  RISK_SEVERITIES,
  TOPICS,
  type CaseKind,
} from '../models/index.js';
import type { Filter, Store } from '../store/index.js';
import { scrubOpinion } from './opinion-scrub.js';
import {
  answeredLate,
  breachesPerRung,
  breakdown,
  countTable,
  referredTo,
  responseTimes,
  UNKNOWN,
  type Breakdown,
  type CaseRow,
  type CountTable,
  type NamedFigure,
  type ReferralRow,
  type ResponseTimes,
  type SlaLadder,
} from './report-figures.js';
import { monthsOf, ReportQuerySchema, resolvePeriod, type ReportPeriod, type ReportQueryInput } from './report-period.js';
import type { ReportCalendar } from './report-time.js';
import { reportCalendar, reportLadder } from './report-calendar.js';
import { readWorkSettings } from '../cases/work-settings.js';
import { single, type Figure } from './suppression.js';

export const REPORT_KINDS = ['opinions', 'incidents', 'trends'] as const;

const CASE_ROW_FIELDS = ['kind', 'status', 'priority', 'severity', 'channel', 'reporterRole', 'ageBand', 'gender', 'area', 'topic', 'harmType', 'firstResponseDueAt', 'firstResponseAt', 'createdAt'] as const satisfies readonly (keyof CaseRow)[];
const REFERRAL_ROW_FIELDS = ['caseId', 'to', 'dueAt', 'answeredAt'] as const satisfies readonly (keyof ReferralRow)[];
/** Ids in one `$in` (SQLite takes 32,766 parameters in a statement at most). */
const IDS_PER_QUERY = 1_000;
export type ReportKind = (typeof REPORT_KINDS)[number];

/** How many opinions a report quotes at most (the newest are left out beyond it). */
export const MAX_QUOTED_OPINIONS = 1_000;

interface ReportBase {
  kind: ReportKind;
  period: ReportPeriod;
  /** The province the report is narrowed to, or null for the actor's whole scope. */
  province: string | null;
  /** The provinces the actor may report on (null: every province, for admins). */
  scopeProvinces: string[] | null;
  generatedAt: Date;
  total: Figure;
}

/** Children's opinions and wishes (quarterly, for the Children's Forum). */
export interface OpinionsReport extends ReportBase {
  kind: 'opinions';
  breakdowns: Breakdown[];
  /** answered, answered_late, forwarded, agency_answered, agency_answered_late, agency_overdue. */
  followUp: NamedFigure[];
  /** The opinions themselves, scrubbed, by topic (in the topics' order). */
  quotes: { topic: string; texts: string[] }[];
}

/** Reports of violence and abuse. */
export interface IncidentsReport extends ReportBase {
  kind: 'incidents';
  breakdowns: Breakdown[];
  referredTo: NamedFigure[];
  responseTimes: ResponseTimes;
  breaches: NamedFigure[];
}

/** The same figures month by month across a year. */
export interface TrendsReport extends ReportBase {
  kind: 'trends';
  incidents: CountTable;
  opinions: CountTable;
  /** Per month, incidents: time to first response, and how many were answered late or not by their deadline. */
  monthly: { month: number; responseTimes: ResponseTimes; late: Figure }[];
}

export type Report = OpinionsReport | IncidentsReport | TrendsReport;

/** A query that could not be read: the field errors, as i18n keys. */
export class ReportQueryError extends AppError {
  constructor(readonly fields: Record<string, string>) {
    super('validation_failed', 400, { details: fields });
  }
}

const OUTCOMES = ['open', 'referred', 'resolved', 'closed'] as const;
const outcomeOf = (status: string) => (status === 'referred' || status === 'resolved' || status === 'closed' ? status : 'open');

/**
 * The reports a province owes, within the actor's scope (the rules of `cases/scope.ts`): every
 * figure comes from the fields a case keeps after retention erases its words, every breakdown is
 * suppressed (see `suppression.ts`), quoted opinions are scrubbed, and every view and export is
 * audited (what report, which period and province — never a figure about one child).
 */
export class ReportService {
  constructor(
    private readonly store: Store,
    private readonly cases: CaseService,
  ) {}

  /** The calendar (holidays) and escalation ladder in force, from the admins' settings. */
  private async rules(): Promise<{ calendar: ReportCalendar; ladder: SlaLadder }> {
    const settings = await readWorkSettings(this.store);
    return { calendar: reportCalendar(settings.workingDays), ladder: reportLadder(settings.escalation) };
  }

  /** Builds one report and records that the actor viewed it. */
  async view(actor: StaffPrincipal, kind: ReportKind, input: ReportQueryInput, now = new Date()): Promise<Report> {
    const report = await this.build(actor, kind, input, now);
    await this.audit(actor, 'report.viewed', report, {});
    return report;
  }

  /** Builds one report for an export and records the export (format included). */
  async forExport(actor: StaffPrincipal, kind: ReportKind, input: ReportQueryInput, format: 'csv' | 'xlsx', now = new Date()): Promise<Report> {
    const report = await this.build(actor, kind, input, now);
    await this.audit(actor, 'report.exported', report, { format });
    return report;
  }

  /** The period and scope of a query, checked: `ReportQueryError` (400) or `forbidden` (403). */
  resolve(actor: StaffPrincipal, input: ReportQueryInput, calendar: ReportCalendar, now = new Date()) {
    const parsed = ReportQuerySchema.safeParse(input);
    if (!parsed.success) throw new ReportQueryError(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), keyOf(i.message)])));
    const period = resolvePeriod(parsed.data, calendar, now);
    if ('errors' in period) throw new ReportQueryError(period.errors);
    const province = parsed.data.province ?? null;
    const scope = reportScopeFilter(actor, province ?? undefined);
    return { period, province, scope, scopeProvinces: actor.role === 'admin' ? null : actor.areas };
  }

  private async build(actor: StaffPrincipal, kind: ReportKind, input: ReportQueryInput, now: Date): Promise<Report> {
    const rules = await this.rules();
    const q = this.resolve(actor, kind === 'trends' ? { ...input, period: 'year' } : input, rules.calendar, now);
    const base = { period: q.period, province: q.province, scopeProvinces: q.scopeProvinces, generatedAt: now };
    if (kind === 'opinions') return this.opinions(base, q.scope, now);
    if (kind === 'incidents') return this.incidents(base, q.scope, rules, now);
    return this.trends(base, q.scope, rules.calendar, now);
  }

  /** The period's cases of a kind, only the fields the figures read (a quarter may hold 100k cases). */
  private async rows(scope: Filter, period: ReportPeriod, kind: CaseKind): Promise<CaseRow[]> {
    return this.store.collection(CaseModel).find({ $and: [scope, { kind, createdAt: { $gte: period.from, $lt: period.to } }] }, { fields: CASE_ROW_FIELDS });
  }

  /** The referrals of those cases, asked for a slice of cases at a time (a query takes so many ids at most). */
  private async referralsOf(rows: CaseRow[]): Promise<ReferralRow[]> {
    const out: ReferralRow[] = [];
    for (let i = 0; i < rows.length; i += IDS_PER_QUERY) {
      const ids = rows.slice(i, i + IDS_PER_QUERY).map((r) => r._id);
      out.push(...(await this.store.collection(ReferralModel).find({ caseId: { $in: ids } }, { fields: REFERRAL_ROW_FIELDS })));
    }
    return out;
  }

  private async opinions(base: Omit<ReportBase, 'kind' | 'total'>, scope: Filter, now: Date): Promise<OpinionsReport> {
    const rows = await this.rows(scope, base.period, 'opinion');
    const agency = (await this.referralsOf(rows)).filter((r) => r.to === 'agency');
    const forwarded = new Set(agency.map((r) => r.caseId));
    const followUp = {
      answered: rows.filter((r) => r.firstResponseAt).length,
      answered_late: rows.filter(answeredLate).length,
      forwarded: forwarded.size,
      agency_answered: new Set(agency.filter((r) => r.answeredAt).map((r) => r.caseId)).size,
      agency_answered_late: new Set(agency.filter((r) => r.answeredAt && r.dueAt && r.answeredAt > r.dueAt).map((r) => r.caseId)).size,
      agency_overdue: new Set(agency.filter((r) => !r.answeredAt && r.dueAt && r.dueAt < now).map((r) => r.caseId)).size,
    };
    return {
      ...base,
      kind: 'opinions',
      total: single(rows.length),
      breakdowns: [
        breakdown('topic', rows, (r) => r.topic, TOPICS),
        ...this.areaBreakdowns(rows),
        breakdown('age_band', rows, (r) => r.ageBand, AGE_BANDS),
        breakdown('gender', rows, (r) => r.gender, GENDERS),
        breakdown('channel', rows, (r) => r.channel, CHANNELS),
        breakdown('reporter_role', rows, (r) => r.reporterRole, REPORTER_ROLES),
      ],
      followUp: Object.entries(followUp).map(([key, n]) => ({ key, figure: single(n) })),
      quotes: await this.quotes(rows),
    };
  }

  private async incidents(base: Omit<ReportBase, 'kind' | 'total'>, scope: Filter, rules: { calendar: ReportCalendar; ladder: SlaLadder }, now: Date): Promise<IncidentsReport> {
    const rows = await this.rows(scope, base.period, 'report');
    const referrals = await this.referralsOf(rows);
    return {
      ...base,
      kind: 'incidents',
      total: single(rows.length),
      breakdowns: [
        breakdown('harm_type', rows, (r) => r.harmType, HARM_TYPES),
        // Severity from risk detection (none: no risk words or answers seen).
        breakdown('severity', rows, (r) => r.severity ?? 'none', [...RISK_SEVERITIES, 'none']),
        ...this.areaBreakdowns(rows),
        breakdown('age_band', rows, (r) => r.ageBand, AGE_BANDS),
        breakdown('gender', rows, (r) => r.gender, GENDERS),
        breakdown('channel', rows, (r) => r.channel, CHANNELS),
        breakdown('outcome', rows, (r) => outcomeOf(r.status), OUTCOMES),
      ],
      referredTo: referredTo(referrals, REFERRAL_TARGETS),
      responseTimes: responseTimes(rows, rules.calendar),
      breaches: breachesPerRung(rows, rules.ladder, now),
    };
  }

  private async trends(base: Omit<ReportBase, 'kind' | 'total'>, scope: Filter, calendar: ReportCalendar, now: Date): Promise<TrendsReport> {
    const [incidents, opinions] = await Promise.all([this.rows(scope, base.period, 'report'), this.rows(scope, base.period, 'opinion')]);
    const months = monthsOf(base.period.year, calendar);
    const monthKeys = months.map((m) => String(m.month));
    const monthOf = (r: CaseRow) => calendar.localDate(r.createdAt).month - 1;
    const incidentTable = countTable(incidents, monthKeys, monthOf, HARM_TYPES, (r) => r.harmType);
    return {
      ...base,
      kind: 'trends',
      total: single(incidents.length + opinions.length),
      incidents: incidentTable,
      opinions: countTable(opinions, monthKeys, monthOf, TOPICS, (r) => r.topic),
      monthly: months.map((m, i) => {
        const inMonth = incidents.filter((r) => monthOf(r) === i);
        return { month: m.month, responseTimes: responseTimes(inMonth, calendar), late: single(inMonth.filter((r) => answeredLate(r) || (!r.firstResponseAt && !!r.firstResponseDueAt && r.firstResponseDueAt < now)).length) };
      }),
    };
  }

  /** By province (when the report covers more than one) and by commune within its province. */
  private areaBreakdowns(rows: CaseRow[]): Breakdown[] {
    const provinces = new Set(rows.map((r) => r.area?.province ?? UNKNOWN));
    const byCommune = breakdown('commune', rows, (r) => (r.area?.province && r.area.commune ? `${r.area.province} — ${r.area.commune}` : null));
    return provinces.size > 1 ? [breakdown('province', rows, (r) => r.area?.province), byCommune] : [byCommune];
  }


  /** The child's own words of each opinion, scrubbed, grouped by topic. */
  private async quotes(rows: CaseRow[]): Promise<OpinionsReport['quotes']> {
    const quoted = [...rows].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime()).slice(0, MAX_QUOTED_OPINIONS);
    if (quoted.length === 0) return [];
    const messages = await this.store
      .collection(MessageModel)
      .find({ caseId: { $in: quoted.map((r) => r._id) }, author: 'child', erasedAt: null }, { sort: { seq: 1 } });
    const words = new Map<string, string[]>();
    for (const m of messages) if (m.text.trim()) words.set(m.caseId, [...(words.get(m.caseId) ?? []), m.text]);
    const byTopic = new Map<string, string[]>();
    for (const r of quoted) {
      const text = scrubOpinion((words.get(r._id) ?? []).join(' '));
      if (!text) continue;
      const topic = r.topic ?? UNKNOWN;
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), text]);
    }
    return [...TOPICS, UNKNOWN].filter((t) => byTopic.has(t)).map((topic) => ({ topic, texts: byTopic.get(topic)! }));
  }

  private async audit(actor: StaffPrincipal, action: string, report: Report, extra: Record<string, unknown>) {
    const { period, province } = report;
    await this.cases.record('staff', actor.id, action, null, { report: report.kind, from: period.fromDay, to: period.toDay, province, ...extra });
  }
}

/** A zod message that is one of our keys, or the generic one. */
const keyOf = (message: string) => (/^(errors|admin)\.[\w.]+$/.test(message) ? message : 'errors.fields.invalid');
