import { RISK_SEVERITIES, type RiskSeverity } from '../../models/domain.js';

/**
 * Harm a message may point to: the harm types of the Law on Children 102/2016 art. 4
 * (violence, sexual abuse, exploitation, trafficking, neglect, harm online, bullying), child
 * marriage (Law on Marriage and Family 52/2014 art. 5 forbids it; the legal age is 18 for women,
 * 20 for men), self-harm, danger happening now, and a lone word of distress.
 */
export type RiskCategory =
  | 'danger_now'
  | 'self_harm'
  | 'sexual_abuse'
  | 'online'
  | 'trafficking'
  | 'child_marriage'
  | 'violence'
  | 'bullying'
  | 'neglect'
  | 'exploitation'
  | 'distress';

/**
 * The rule ids a child's answers raise (not the detector's): "in danger now" answered yes, and a
 * harm type that is serious whatever the words. Staff see them among the detection rules.
 */
export const ANSWER_RULES = { dangerNow: 'answer.danger_now', harmType: 'answer.harm_type' } as const;

/** Every category, in the order results report them. */
export const RISK_CATEGORIES: readonly RiskCategory[] = [
  'danger_now', 'self_harm', 'sexual_abuse', 'online', 'trafficking', 'child_marriage', 'violence',
  'bullying', 'neglect', 'exploitation', 'distress',
];

/**
 * How serious a message is (PRODUCT.md, issue 7):
 * - `danger_now`: happening now, a weapon, self-harm in progress, locked in, about to be taken →
 *   urgent, crisis mode;
 * - `serious`: sexual abuse and grooming, trafficking, suicidal thoughts, violence at home, child
 *   marriage, a child without food or care → urgent, staff alerted, numbers shown;
 * - `concern`: bullying, signs of neglect, harassment online → high priority, 111 shown.
 */
export type Severity = RiskSeverity;

/** Most serious first. */
export const SEVERITIES: readonly Severity[] = RISK_SEVERITIES;

export function severityRank(s: Severity | null | undefined): number {
  return s ? SEVERITIES.length - SEVERITIES.indexOf(s) : 0;
}

/** The more serious of two severities. */
export function maxSeverity(a: Severity | null | undefined, b: Severity | null | undefined): Severity | null {
  return severityRank(a) >= severityRank(b) ? (a ?? null) : (b ?? null);
}

/** One rule that fired: shown to staff as the reason, never with the text. */
export interface RiskHit {
  category: RiskCategory;
  severity: Severity;
  rule: string;
}

/** What the detector found: never the matched text. */
export interface RiskResult {
  /** The most serious severity found, or null for no risk. */
  severity: Severity | null;
  /** True for `danger_now` and `serious`: the case is urgent and staff are alerted. */
  urgent: boolean;
  categories: RiskCategory[];
  hits: RiskHit[];
}
