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
  BreachTally,
  KeyCounts,
  ReferredTally,
  ResponseTimesTally,
  TableCounts,
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

/** By province (when the report covers more than one) and by commune within its province. */
class AreaCounts {
  private readonly province = new KeyCounts<CaseRow>('province', (r) => r.area?.province);
  private readonly commune = new KeyCounts<CaseRow>('commune', (r) => (r.area?.province && r.area.commune ? `${r.area.province} — ${r.area.commune}` : null));

  add(r: CaseRow): void {
    this.province.add(r);
    this.commune.add(r);
  }

  breakdowns(): Breakdown[] {
    return this.province.distinct() > 1 ? [this.province.breakdown(), this.commune.breakdown()] : [this.commune.breakdown()];
  }
}
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

  /** The period's cases of a kind, one at a time, only the fields the figures read (a quarter may hold 100k cases). */
  private rows(scope: Filter, period: ReportPeriod, kind: CaseKind): AsyncIterable<CaseRow> {
    return this.store.collection(CaseModel).stream(this.ofKind(scope, period, kind), { fields: CASE_ROW_FIELDS });
  }

  private ofKind(scope: Filter, period: ReportPeriod, kind: CaseKind): Filter {
    return { $and: [scope, { kind, createdAt: { $gte: period.from, $lt: period.to } }] };
  }

  /**
   * Reads the cases of a kind once, giving each to `add`, and the referrals of every
   * {@link IDS_PER_QUERY} cases to `addReferrals` (a query takes so many ids at most). Returns
   * how many cases there were.
   */
  private async eachCase(rows: AsyncIterable<CaseRow>, add: (r: CaseRow) => void, addReferrals?: (referrals: ReferralRow[]) => void): Promise<number> {
    let total = 0;
    let ids: string[] = [];
    const flush = async () => {
      if (addReferrals && ids.length > 0) addReferrals(await this.store.collection(ReferralModel).find({ caseId: { $in: ids } }, { fields: REFERRAL_ROW_FIELDS }));
      ids = [];
    };
    for await (const r of rows) {
      total++;
      add(r);
      ids.push(r._id);
      if (ids.length === IDS_PER_QUERY) await flush();
    }
    await flush();
    return total;
  }

  private async opinions(base: Omit<ReportBase, 'kind' | 'total'>, scope: Filter, now: Date): Promise<OpinionsReport> {
    const area = new AreaCounts();
    const counts = [
      new KeyCounts<CaseRow>('topic', (r) => r.topic, TOPICS),
      new KeyCounts<CaseRow>('age_band', (r) => r.ageBand, AGE_BANDS),
      new KeyCounts<CaseRow>('gender', (r) => r.gender, GENDERS),
      new KeyCounts<CaseRow>('channel', (r) => r.channel, CHANNELS),
      new KeyCounts<CaseRow>('reporter_role', (r) => r.reporterRole, REPORTER_ROLES),
    ];
    const followUp = { answered: 0, answered_late: 0, forwarded: 0, agency_answered: 0, agency_answered_late: 0, agency_overdue: 0 };
    // Every referral of a case comes with its case's slice: each slice's distinct cases add up.
    const casesWith = (referrals: ReferralRow[], test: (r: ReferralRow) => boolean) => new Set(referrals.filter(test).map((r) => r.caseId)).size;
    const total = await this.eachCase(
      this.rows(scope, base.period, 'opinion'),
      (r) => {
        area.add(r);
        for (const c of counts) c.add(r);
        if (r.firstResponseAt) followUp.answered++;
        if (answeredLate(r)) followUp.answered_late++;
      },
      (referrals) => {
        const agency = referrals.filter((r) => r.to === 'agency');
        followUp.forwarded += casesWith(agency, () => true);
        followUp.agency_answered += casesWith(agency, (r) => !!r.answeredAt);
        followUp.agency_answered_late += casesWith(agency, (r) => !!r.answeredAt && !!r.dueAt && r.answeredAt > r.dueAt);
        followUp.agency_overdue += casesWith(agency, (r) => !r.answeredAt && !!r.dueAt && r.dueAt < now);
      },
    );
    const [topic, ...others] = counts.map((c) => c.breakdown());
    return {
      ...base,
      kind: 'opinions',
      total: single(total),
      breakdowns: [topic!, ...area.breakdowns(), ...others],
      followUp: Object.entries(followUp).map(([key, n]) => ({ key, figure: single(n) })),
      quotes: await this.quotes(this.ofKind(scope, base.period, 'opinion')),
    };
  }

  private async incidents(base: Omit<ReportBase, 'kind' | 'total'>, scope: Filter, rules: { calendar: ReportCalendar; ladder: SlaLadder }, now: Date): Promise<IncidentsReport> {
    const area = new AreaCounts();
    const before = [
      new KeyCounts<CaseRow>('harm_type', (r) => r.harmType, HARM_TYPES),
      // Severity from risk detection (none: no risk words or answers seen).
      new KeyCounts<CaseRow>('severity', (r) => r.severity ?? 'none', [...RISK_SEVERITIES, 'none']),
    ];
    const after = [
      new KeyCounts<CaseRow>('age_band', (r) => r.ageBand, AGE_BANDS),
      new KeyCounts<CaseRow>('gender', (r) => r.gender, GENDERS),
      new KeyCounts<CaseRow>('channel', (r) => r.channel, CHANNELS),
      new KeyCounts<CaseRow>('outcome', (r) => outcomeOf(r.status), OUTCOMES),
    ];
    const times = new ResponseTimesTally(rules.calendar);
    const breaches = new BreachTally(rules.ladder, now);
    const referred = new ReferredTally(REFERRAL_TARGETS);
    const total = await this.eachCase(
      this.rows(scope, base.period, 'report'),
      (r) => {
        for (const tally of [...before, area, ...after, times, breaches]) tally.add(r);
      },
      (referrals) => referred.add(referrals),
    );
    return {
      ...base,
      kind: 'incidents',
      total: single(total),
      breakdowns: [...before.map((c) => c.breakdown()), ...area.breakdowns(), ...after.map((c) => c.breakdown())],
      referredTo: referred.figures(),
      responseTimes: times.times(),
      breaches: breaches.figures(),
    };
  }

  private async trends(base: Omit<ReportBase, 'kind' | 'total'>, scope: Filter, calendar: ReportCalendar, now: Date): Promise<TrendsReport> {
    const months = monthsOf(base.period.year, calendar);
    const monthKeys = months.map((m) => String(m.month));
    const monthOf = (r: CaseRow) => calendar.localDate(r.createdAt).month - 1;
    const incidentTable = new TableCounts<CaseRow>(monthKeys, monthOf, HARM_TYPES, (r) => r.harmType);
    const opinionTable = new TableCounts<CaseRow>(monthKeys, monthOf, TOPICS, (r) => r.topic);
    const monthly = months.map((m) => ({ month: m.month, times: new ResponseTimesTally(calendar), late: 0 }));
    const incidents = await this.eachCase(this.rows(scope, base.period, 'report'), (r) => {
      incidentTable.add(r);
      const month = monthly[monthOf(r)];
      if (!month) return;
      month.times.add(r);
      if (answeredLate(r) || (!r.firstResponseAt && !!r.firstResponseDueAt && r.firstResponseDueAt < now)) month.late++;
    });
    const opinions = await this.eachCase(this.rows(scope, base.period, 'opinion'), (r) => opinionTable.add(r));
    return {
      ...base,
      kind: 'trends',
      total: single(incidents + opinions),
      incidents: incidentTable.table(),
      opinions: opinionTable.table(),
      monthly: monthly.map((m) => ({ month: m.month, responseTimes: m.times.times(), late: single(m.late) })),
    };
  }

  /** The child's own words of the period's first opinions, scrubbed, grouped by topic. */
  private async quotes(opinions: Filter): Promise<OpinionsReport['quotes']> {
    const quoted = await this.store.collection(CaseModel).find(opinions, { sort: { createdAt: 1 }, limit: MAX_QUOTED_OPINIONS, fields: ['topic', 'createdAt'] });
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
