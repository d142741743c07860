import { DEFAULT_SLA_SETTINGS, type CaseKind, type Priority, type SlaSettings } from '../models/index.js';

/**
 * First-response deadlines, in minutes. Defaults from DOMAIN.md, after Decree 56/2017/NĐ-CP:
 * Art. 25-26 require reporting "immediately" and intervention within 12 hours when a child is
 * at serious risk (urgent: answer within 1 hour); abuse reports within 12 hours; advice within
 * a day; Law on Children Art. 34 (children are answered): opinions within 3 days.
 * Admins may change every value (back office settings).
 */
export type SlaPolicy = Pick<SlaSettings, 'urgentMinutes' | 'reportMinutes' | 'adviceMinutes' | 'opinionMinutes'>;

/** The defaults, as the settings model declares them. */
export const DEFAULT_SLA: SlaPolicy = DEFAULT_SLA_SETTINGS;

/**
 * The deadline follows the risk (DOMAIN.md): urgent cases (danger now, serious) use the urgent
 * row; high priority (a concern: bullying, signs of neglect, harassment online) uses the abuse
 * report row, or the case kind's row when that is shorter; other cases use their kind's row.
 */
export function firstResponseDue(from: Date, kind: CaseKind, priority: Priority, policy: SlaPolicy = DEFAULT_SLA): Date {
  const byKind = { report: policy.reportMinutes, advice: policy.adviceMinutes, opinion: policy.opinionMinutes }[kind];
  const minutes = priority === 'urgent' ? policy.urgentMinutes : priority === 'high' ? Math.min(byKind, policy.reportMinutes) : byKind;
  return new Date(from.getTime() + minutes * 60_000);
}
