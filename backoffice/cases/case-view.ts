import type { TFunction } from 'i18next';
import { AppError } from '../../app/errors.js';
import type { CaseDetail } from '../../cases/case-work.service.js';
import type { EvidenceInfo } from '../../cases/evidence.service.js';
import { askedQuestion, type AskedContext } from './asked-question.js';
import {
  ABOUT,
  ADVICE_AREAS,
  AGE_BANDS,
  CASE_KINDS,
  CASE_STATUSES,
  GENDERS,
  HARM_TYPES,
  PRIORITIES,
  REFERRAL_TARGETS,
  REPORTER_ROLES,
  TOPICS,
  type AuditEvent,
  type Message,
  type Referral,
} from '../../models/index.js';

export interface Option {
  value: string;
  label: string;
}

/** Every closed vocabulary the case pages show, as select options with their labels. */
export function vocabularies(t: TFunction) {
  const of = (values: readonly string[], group: string): Option[] => values.map((value) => ({ value, label: t(`admin.cases.${group}.${value}`) }));
  return {
    statuses: of(CASE_STATUSES, 'statuses'),
    kinds: of(CASE_KINDS, 'kinds'),
    priorities: of(PRIORITIES, 'priorities'),
    topics: of(TOPICS, 'topics'),
    harmTypes: of(HARM_TYPES, 'harm_types'),
    adviceAreas: of(ADVICE_AREAS, 'advice_areas'),
    ageBands: of(AGE_BANDS, 'age_bands'),
    genders: of(GENDERS, 'genders'),
    about: of(ABOUT, 'about'),
    reporterRoles: of(REPORTER_ROLES, 'reporter_roles'),
    referralTargets: of(REFERRAL_TARGETS, 'referral_targets'),
  };
}

/** A form's field errors, translated: field → message. */
export type FieldErrors = Record<string, string>;

/** The form that was sent back: which one, its errors, and what was typed (shown again). */
export interface FailedForm {
  form: string;
  errors: FieldErrors;
  values: Record<string, unknown>;
}

/** The field messages of a `validation_failed` error (`{ field: 'errors.fields.required' }`), translated. */
export function fieldErrorsOf(err: unknown, t: TFunction): FieldErrors | null {
  if (!(err instanceof AppError) || err.code !== 'validation_failed') return null;
  const out: FieldErrors = {};
  for (const [field, key] of Object.entries(err.details ?? {})) out[field] = t(typeof key === 'string' ? key : 'errors.fields.invalid');
  return out;
}

/** Only the string values of a query or form (repeated names keep the first). */
export function stringsOf(input: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!input || typeof input !== 'object') return out;
  for (const [k, v] of Object.entries(input)) {
    const value = Array.isArray(v) ? v[0] : v;
    if (typeof value === 'string' && k !== '_csrf') out[k] = value;
  }
  return out;
}

/** `/admin/cases?…` with the given filters, blanks left out. */
export function inboxHref(filters: Record<string, string | number | undefined>): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v !== undefined && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return s ? `/admin/cases?${s}` : '/admin/cases';
}

const KNOWN_DELIVERY_ERRORS = ['contact_forgotten', 'contact_blocked', 'channel_not_connected'];

/** What the conversation needs to show a message's files. */
export interface AttachmentContext {
  caseId: string;
  /** What the bot's questions depend on: who the case is about and its kind. */
  case?: AskedContext;
  /** From CaseDetail: where each attachment's file stands, by `<messageId>:<index>`. */
  evidence: Record<string, EvidenceInfo>;
  lang: string;
}

/** A size for people: `820 B`, `12 KB`, `3,4 MB` (in the page's language). */
export function formatSize(bytes: number, lang: string): string {
  const number = new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 1 });
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${number.format(Math.round(bytes / 1024))} KB`;
  return `${number.format(bytes / 1024 / 1024)} MB`;
}

/**
 * An attachment as the conversation shows it: a stored photo or recording with the URL that
 * serves it (`show`: `image` or `audio`), one still being fetched, or — when no file is kept
 * here — the platform's reference. A file kept on arrival has no reference worth showing.
 */
function attachmentView(m: Message, index: number, t: TFunction, context: AttachmentContext) {
  const a = m.attachments[index]!;
  const info = context.evidence[`${m._id}:${index}`];
  const stored = info?.status === 'stored';
  const mime = (stored ? info.mime : a.mime) ?? null;
  return {
    kind: t(`admin.cases.attachment_kinds.${a.kind}`),
    mime,
    size: stored && info.size !== null ? formatSize(info.size, context.lang) : null,
    status: info?.status ?? null,
    show: stored ? (mime?.startsWith('image/') ? 'image' : 'audio') : null,
    url: stored ? `/admin/cases/${encodeURIComponent(context.caseId)}/evidence/${encodeURIComponent(m._id)}/${index}` : null,
  };
}

const ADULT_SENDERS = ['parent', 'teacher', 'other'];

/** The label of the sender's messages: by the adult role stored on the case, else the child's. */
const senderKey = (role: string | null | undefined) => (role && ADULT_SENDERS.includes(role) ? `admin.cases.senders.${role}` : 'admin.cases.authors.child');

/** A message as the conversation shows it. */
export function messageView(m: Message, names: Record<string, string>, t: TFunction, context: AttachmentContext) {
  const error = m.deliveryError ?? null;
  return {
    id: m._id,
    author: m.author,
    // The sender by the role they gave: a parent's words are not labelled as a child's.
    authorKey: m.author === 'child' ? senderKey(context.case?.reporterRole) : `admin.cases.authors.${m.author}`,
    authorName: m.staffId ? (names[m.staffId] ?? t('admin.audit.someone')) : null,
    // The channel's name only (Telegram, Zalo, the web chat), never an id on it.
    channel: m.channel ? t(`admin.cases.channels.${m.channel}`) : null,
    at: m.createdAt,
    text: m.text,
    // The question the child was answering, folded beside the words (none for older messages).
    asked: m.author === 'child' && context.case ? askedQuestion(m.asked, context.case) : null,
    erased: Boolean(m.erasedAt),
    attachments: m.attachments.map((_, i) => attachmentView(m, i, t, context)),
    delivery: m.author === 'counsellor' ? (m.delivery ?? null) : null,
    deliveryError: error ? (KNOWN_DELIVERY_ERRORS.includes(error) ? t(`admin.cases.delivery_errors.${error}`) : error) : null,
  };
}

/** A referral as the case page shows it; `overdue` when an answer is due and late. */
export function referralView(r: Referral, names: Record<string, string>, t: TFunction, now = new Date()) {
  return {
    id: r._id,
    to: t(`admin.cases.referral_targets.${r.to}`),
    agencyName: r.agencyName ?? null,
    sentAt: r.sentAt,
    dueAt: r.dueAt ?? null,
    overdue: Boolean(r.dueAt && !r.answeredAt && r.dueAt.getTime() < now.getTime()),
    note: r.note ?? null,
    answer: r.answer ?? null,
    answeredAt: r.answeredAt ?? null,
    sentToChildAt: r.answerSentToChildAt ?? null,
    by: names[r.staffId] ?? t('admin.audit.someone'),
  };
}

/** Triage fields as the audit trail names them. */
const FIELD_LABELS: Record<string, string> = {
  kind: 'admin.cases.case.kind',
  priority: 'admin.cases.case.priority',
  topic: 'admin.cases.case.topic',
  harmType: 'admin.cases.case.harm_type',
  adviceArea: 'admin.cases.case.advice_area',
  ageBand: 'admin.cases.case.age_band',
  gender: 'admin.cases.case.gender',
  province: 'admin.cases.triage.province',
  commune: 'admin.cases.triage.commune',
};

/** Staff ids an audit event names besides its actor (an assignment's before and after). */
export const staffIdsIn = (events: AuditEvent[]) =>
  events.flatMap((e) => (e.action === 'case.assigned' ? [e.details.from, e.details.to] : [])).filter((id): id is string => typeof id === 'string');

/**
 * One line of the audit trail: when, who, what, and a short account of the details. The
 * sender's actions are named by the reporter role stored on the case (`senderRoles` by case id):
 * a parent's are "Phụ huynh / người gửi", as their messages are.
 */
export function auditView(e: AuditEvent, names: Record<string, string>, t: TFunction, senderRoles: Record<string, string | null | undefined> = {}) {
  const role = senderRoles[e.caseId ?? ''];
  const sender = () => t(role && ADULT_SENDERS.includes(role) ? senderKey(role) : 'admin.audit.child');
  const who = e.actorType === 'system' ? t('admin.audit.system') : e.actorType === 'child' ? sender() : (names[e.actorId ?? ''] ?? t('admin.audit.someone'));
  return { at: e.createdAt, who, action: t(`admin.audit.actions.${e.action}`, { defaultValue: e.action }), details: describe(e, names, t), caseId: e.caseId ?? null };
}

function describe(e: AuditEvent, names: Record<string, string>, t: TFunction): string {
  const d = e.details;
  const label = (group: string, v: unknown) => (typeof v === 'string' ? t(`admin.cases.${group}.${v}`, { defaultValue: v }) : '—');
  const person = (id: unknown) => (typeof id === 'string' ? (names[id] ?? t('admin.audit.someone')) : t('admin.cases.unassigned'));
  switch (e.action) {
    case 'case.status_changed':
      return t('admin.audit.detail.from_to', { from: label('statuses', d.from), to: label('statuses', d.to) });
    case 'case.assigned':
      return t('admin.audit.detail.from_to', { from: person(d.from), to: person(d.to) });
    case 'case.triaged': {
      const fields = Object.keys((d.changes as Record<string, unknown> | undefined) ?? {});
      return fields.length ? t('admin.audit.detail.fields', { fields: fields.map((f) => t(FIELD_LABELS[f] ?? f, { defaultValue: f })).join(', ') }) : '';
    }
    case 'settings.updated':
      return Array.isArray(d.fields) ? t('admin.audit.detail.fields', { fields: d.fields.join(', ') }) : '';
    case 'case.viewed':
      return d.contactDetailsShown ? t('admin.audit.detail.contact_shown') : '';
    case 'case.replied':
      return label('delivery', d.delivery);
    case 'case.referred':
      return [label('referral_targets', d.to), typeof d.agencyName === 'string' ? d.agencyName : ''].filter(Boolean).join(' — ');
    case 'referral.answered':
      return d.sentToChild ? t('admin.audit.detail.to_child') : '';
    case 'case.marked_urgent':
    case 'case.urgent_alert':
      return Array.isArray(d.reasons) ? t('admin.audit.detail.reasons', { reasons: d.reasons.map((r) => label('urgent_reasons', r)).join(', ') }) : '';
    case 'case.crisis_safe':
      return d.via === 'option' ? t('admin.audit.detail.safe_option') : d.via === 'words' ? t('admin.audit.detail.safe_words') : '';
    case 'cases.listed':
      return typeof d.total === 'number' ? t('admin.audit.detail.total', { total: d.total }) : '';
    default:
      return '';
  }
}

/** The facts shown in the case header, as label/value pairs (only those known). */
export function caseFacts(detail: CaseDetail, t: TFunction) {
  const c = detail.case;
  const label = (group: string, v: string | null | undefined) => (v ? t(`admin.cases.${group}.${v}`, { defaultValue: v }) : null);
  const rows: [string, string | null][] = [
    ['admin.cases.case.about', label('about', c.about)],
    ['admin.cases.case.reporter_role', label('reporter_roles', c.reporterRole)],
    ['admin.cases.case.age_band', label('age_bands', c.ageBand)],
    ['admin.cases.case.gender', label('genders', c.gender)],
    ['admin.cases.case.area', [c.area?.commune, c.area?.province].filter(Boolean).join(', ') || null],
    ['admin.cases.case.topic', label('topics', c.topic)],
    ['admin.cases.case.harm_type', label('harm_types', c.harmType)],
    ['admin.cases.case.advice_area', label('advice_areas', c.adviceArea)],
    ['admin.cases.case.danger_now', c.dangerNow === true ? t('admin.cases.danger_now.yes') : c.dangerNow === false ? t('admin.cases.danger_now.no') : null],
    ['admin.cases.case.contact_wish', label('contact_wishes', c.contactWish)],
    ['admin.cases.case.urgent_reasons', c.urgentReasons.length ? c.urgentReasons.map((r) => label('urgent_reasons', r)).join(', ') : null],
    ['admin.cases.case.severity', label('severities', c.severity)],
    // Why the detector raised it: each rule's category and name, never the child's words.
    ['admin.cases.case.risk_rules', c.riskRules?.length ? c.riskRules.map((r) => ruleLabel(r, t)).join('; ') : null],
  ];
  return rows.filter(([, v]) => v).map(([key, value]) => ({ label: t(key), value }));
}

/**
 * A detection rule (or an answer that raised the risk) as staff read it, in their language:
 * "Người lớn sờ, chạm vào người trẻ" for `sexual_abuse.adult_touch` (locales
 * `admin.cases.rule_labels`; a test fails when a rule has none). An id no longer known (a rule
 * since removed) shows as itself.
 */
export function ruleLabel(rule: string, t: TFunction): string {
  return t(`admin.cases.rule_labels.${rule}`, { defaultValue: rule });
}
