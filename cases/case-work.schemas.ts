import { z } from 'zod';
import { AppError } from '../app/errors.js';
import { parseDateInput } from '../app/time.js';
import {
  ADVICE_AREAS,
  AGE_BANDS,
  CASE_KINDS,
  CASE_STATUSES,
  GENDERS,
  HARM_TYPES,
  PRIORITIES,
  REFERRAL_TARGETS,
  TOPICS,
} from '../models/index.js';

/**
 * The back office's inputs, parsed at the case service's edge. They come from HTML forms and
 * query strings: an empty field means "no filter" in a query and "clear the value" in triage;
 * numbers, booleans and dates arrive as text. Messages that start with `errors.` are the i18n
 * keys the form shows next to the field.
 */
const blankToUndefined = (v: unknown) => (v === '' ? undefined : v);
const blankToNull = (v: unknown) => (v === '' ? null : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());
const clearable = <T extends z.ZodType>(schema: T) => z.preprocess(blankToNull, schema.nullable().optional());
const flag = z.preprocess((v) => {
  if (v === undefined || v === '') return undefined;
  if (typeof v === 'string') return ['true', '1', 'on', 'yes'].includes(v.toLowerCase());
  return v;
}, z.boolean().optional());

/** Document ids as the store makes them; anything else simply is not found. */
export const IdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

/** An attachment's place in its message, as a URL gives it (`0`, `1`…). */
export const AttachmentIndexSchema = z.union([z.string().regex(/^\d{1,2}$/), z.number().int().min(0).max(99)]).transform(Number);

const areaName = z.string().trim().min(1).max(80);

export const CASE_SORTS = ['newest', 'oldest', 'due', 'priority'] as const;
export type CaseSort = (typeof CASE_SORTS)[number];

/** The inbox filters. `assignee` is a staff id, `me` or `unassigned`; `q` searches codes and the child's words. */
export const CaseListQuerySchema = z.object({
  status: optional(z.enum(CASE_STATUSES)),
  kind: optional(z.enum(CASE_KINDS)),
  priority: optional(z.enum(PRIORITIES)),
  topic: optional(z.enum(TOPICS)),
  area: optional(areaName),
  assignee: optional(z.union([z.literal('me'), z.literal('unassigned'), IdSchema])),
  overdue: flag,
  q: optional(z.string().trim().max(200)),
  // Most urgent first, then the least time left to answer (what a counsellor should do next).
  sort: z.preprocess(blankToUndefined, z.enum(CASE_SORTS).default('priority')),
  page: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(10_000).default(1)),
  pageSize: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(100).default(20)),
});
export type CaseListQuery = z.infer<typeof CaseListQuerySchema>;
export type CaseListQueryInput = z.input<typeof CaseListQuerySchema>;

/** Triage fields; an empty value clears the field, a missing one leaves it as it is. */
export const TriageSchema = z
  .object({
    kind: optional(z.enum(CASE_KINDS)),
    priority: optional(z.enum(PRIORITIES)),
    topic: clearable(z.enum(TOPICS)),
    harmType: clearable(z.enum(HARM_TYPES)),
    adviceArea: clearable(z.enum(ADVICE_AREAS)),
    province: clearable(areaName),
    commune: clearable(areaName),
    ageBand: clearable(z.enum(AGE_BANDS)),
    gender: clearable(z.enum(GENDERS)),
  })
  .refine((f) => !(f.commune && f.province === null), { path: ['commune'], message: 'errors.fields.commune_without_province' });
export type TriageFields = z.infer<typeof TriageSchema>;
export type TriageInput = z.input<typeof TriageSchema>;

export const StatusSchema = z.object({ status: z.enum(CASE_STATUSES) });
export const AssignSchema = z.object({ staffId: z.preprocess(blankToNull, IdSchema.nullable()) });

/** A counsellor's answer must fit one Telegram message (4096 characters) with the bot's heading. */
export const REPLY_MAX = 3_500;
export const ReplySchema = z.object({ text: z.string().trim().min(1, 'errors.fields.required').max(REPLY_MAX) });
export const NoteSchema = z.object({ text: z.string().trim().min(1, 'errors.fields.required').max(10_000) });

/** Clocks of the browser and the server may differ a little. */
const CLOCK_SLACK_MS = 5 * 60_000;
/** A typed date in Vietnam's time: a day alone is its start (`sentAt`) or its end (`dueAt`). */
const typedDate = (dayMeans: 'start' | 'end') =>
  optional(z.preprocess((v) => parseDateInput(v, dayMeans) ?? v, z.date({ error: 'errors.fields.invalid_format' })));

export const ReferralSchema = z
  .object({
    to: z.enum(REFERRAL_TARGETS),
    agencyName: optional(z.string().trim().min(1).max(200)),
    sentAt: typedDate('start'),
    dueAt: typedDate('end'),
    note: optional(z.string().trim().max(2_000)),
  })
  .superRefine((r, ctx) => {
    if (r.to === 'agency' && !r.agencyName) ctx.addIssue({ code: 'custom', path: ['agencyName'], message: 'errors.fields.required' });
    if (r.sentAt && r.sentAt.getTime() > Date.now() + CLOCK_SLACK_MS) {
      ctx.addIssue({ code: 'custom', path: ['sentAt'], message: 'errors.fields.in_future' });
    }
    if (r.dueAt && r.dueAt.getTime() < (r.sentAt ?? new Date()).getTime() - CLOCK_SLACK_MS) {
      ctx.addIssue({ code: 'custom', path: ['dueAt'], message: 'errors.fields.due_before_sent' });
    }
  });
export type ReferralInput = z.input<typeof ReferralSchema>;

export const ReferralAnswerSchema = z
  .object({ answer: z.string().trim().min(1, 'errors.fields.required').max(10_000), sendToChild: flag })
  .refine((a) => !a.sendToChild || a.answer.length <= REPLY_MAX, { path: ['answer'], message: 'errors.fields.too_long_to_send' });

export const AuditQuerySchema = z.object({
  caseId: optional(IdSchema),
  page: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(10_000).default(1)),
});
export type AuditQueryInput = z.input<typeof AuditQuerySchema>;

/**
 * Parses a form's input or throws `validation_failed` (400) whose details map each field to
 * the i18n key of what is wrong with it, e.g. `{ text: 'errors.fields.required' }`.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const field = issue.path.map(String).join('.') || '_form';
    fields[field] ??= messageKey(issue, valueAt(input, issue.path));
  }
  throw new AppError('validation_failed', 400, { details: fields });
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), input);
}

function messageKey(issue: z.core.$ZodIssue, value: unknown): string {
  if (issue.message.startsWith('errors.')) return issue.message;
  const missing = value === undefined || value === null || value === '';
  switch (issue.code) {
    case 'invalid_type':
      return missing ? 'errors.fields.required' : 'errors.fields.invalid';
    case 'too_small':
      if (issue.origin === 'string') return missing ? 'errors.fields.required' : 'errors.fields.too_short';
      return issue.origin === 'date' ? 'errors.fields.too_early' : 'errors.fields.too_small';
    case 'too_big':
      if (issue.origin === 'string') return 'errors.fields.too_long';
      return issue.origin === 'date' ? 'errors.fields.too_late' : 'errors.fields.too_large';
    case 'invalid_value':
      return missing ? 'errors.fields.required' : 'errors.fields.invalid_option';
    case 'invalid_format':
      return 'errors.fields.invalid_format';
    default:
      return 'errors.fields.invalid';
  }
}
