import { AppError } from '../app/errors.js';
import type { Case, CaseKind, Priority } from '../models/index.js';
import type { TriageFields } from './case-work.schemas.js';
import { OPEN_STATUSES } from './case-workflow.js';
import { firstResponseDue } from './sla-policy.js';
import { isKnownArea, type WorkSettings } from './work-settings.js';

type Change = { from: unknown; to: unknown };
const PLAIN_FIELDS = ['kind', 'priority', 'topic', 'harmType', 'adviceArea', 'ageBand', 'gender'] as const;

/**
 * What a triage form changes on a case: the `$set` to apply and, for the audit log, each
 * changed field with its old and new value. The area must be on the area list; a new kind or
 * priority moves the first-response deadline while the case is still unanswered.
 */
export function triageChanges(c: Case, fields: TriageFields, settings: WorkSettings): { set: Record<string, unknown>; changes: Record<string, Change> } {
  const set: Record<string, unknown> = {};
  const changes: Record<string, Change> = {};
  const change = (path: string, from: unknown, to: unknown) => {
    if ((from ?? null) === to) return;
    set[path] = to;
    // Stored as an audit document: its keys may not contain dots ('area.province' → 'province').
    changes[path.replace(/^area\./, '')] = { from: from ?? null, to };
  };
  for (const field of PLAIN_FIELDS) {
    const to = fields[field];
    if (to !== undefined) change(field, c[field], to);
  }
  const province = fields.province !== undefined ? fields.province : (c.area?.province ?? null);
  // A commune belongs to its province: moving the province without naming a commune clears it.
  const commune = fields.commune !== undefined ? fields.commune : province === (c.area?.province ?? null) ? (c.area?.commune ?? null) : null;
  assertKnownArea(settings, province, commune);
  change('area.province', c.area?.province, province);
  change('area.commune', c.area?.commune, commune);

  const kind = (set.kind ?? c.kind) as CaseKind;
  const priority = (set.priority ?? c.priority) as Priority;
  if (('kind' in set || 'priority' in set) && !c.firstResponseAt) {
    set.firstResponseDueAt = firstResponseDue(c.createdAt, kind, priority, settings.sla);
    // A resolved or closed case waits for no answer (case-workflow.ts `waitingOnMove`).
    set.answerDueAt = OPEN_STATUSES.includes(c.status) ? set.firstResponseDueAt : null;
    // A new deadline: the escalation ladder plans again at its next sweep.
    set.nextReminderAt = new Date();
  }
  return { set, changes };
}

function assertKnownArea(settings: WorkSettings, province: string | null, commune: string | null) {
  if (commune && !province) throw fieldError('commune', 'errors.fields.commune_without_province');
  if (!province) return;
  if (!isKnownArea(settings, province)) throw fieldError('province', 'errors.fields.unknown_area');
  if (!isKnownArea(settings, province, commune)) throw fieldError('commune', 'errors.fields.unknown_area');
}

const fieldError = (field: string, key: string) => new AppError('validation_failed', 400, { details: { [field]: key } });
