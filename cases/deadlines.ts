import { HOUR_MS } from '../app/time.js';
import type { WorkingDays } from '../app/working-days.js';
import type { Case, Referral } from '../models/index.js';

/** Decree 56/2017/NĐ-CP Art. 26 cl. 3: intervention within 12 hours when a child is at serious risk. */
export const INTERVENTION_LIMIT_MS = 12 * HOUR_MS;
/** Decree 56/2017/NĐ-CP Art. 28 cl. 1: a support plan within 5 working days of a report of abuse. */
export const SUPPORT_PLAN_WORKING_DAYS = 5;

/** One of a case's legal time limits beyond the first response, and when it was met. */
export interface CaseDeadline {
  key: 'intervention' | 'support_plan';
  dueAt: Date;
  /** When a referral (the intervention, the plan handed on) or the case's end met it; null while open. */
  metAt: Date | null;
}

/**
 * The time limits a case carries besides its first-response deadline: an urgent case's 12-hour
 * intervention limit, and a report's support plan within 5 working days (weekends and the
 * holiday list skipped). A referral recorded meets both; a resolved or closed case too.
 */
export function caseDeadlines(c: Pick<Case, 'priority' | 'kind' | 'createdAt' | 'closedAt'>, referrals: Pick<Referral, 'sentAt'>[], workingDays: WorkingDays): CaseDeadline[] {
  const firstReferral = referrals.map((r) => r.sentAt).sort((a, b) => a.getTime() - b.getTime())[0] ?? null;
  const metAt = firstReferral ?? c.closedAt ?? null;
  const out: CaseDeadline[] = [];
  if (c.priority === 'urgent') out.push({ key: 'intervention', dueAt: new Date(c.createdAt.getTime() + INTERVENTION_LIMIT_MS), metAt });
  if (c.kind === 'report') out.push({ key: 'support_plan', dueAt: workingDays.addWorkingDays(c.createdAt, SUPPORT_PLAN_WORKING_DAYS), metAt });
  return out;
}
