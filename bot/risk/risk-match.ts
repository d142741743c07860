/**
 * The small language the risk rules are written in. A test reads the canonical, padded text
 * of risk-text.ts (" word word … ") and says whether a pattern is there.
 */

import type { RiskCategory, Severity } from './risk-types.js';

export type Test = (text: string) => boolean;

/** One named rule: what it points to, how serious, and when it fires. */
export interface Rule {
  /** Shown to staff as the reason ("sexual.adult_touch"); never the words that matched. */
  id: string;
  category: RiskCategory;
  severity: Severity;
  test: Test;
}

const words = (src: string) => new RegExp(`(?<= )(?:${src})(?= )`);

/** Any of these phrases (regex alternatives over whole words). */
export function has(...alts: string[]): Test {
  const re = words(alts.join('|'));
  return (s) => re.test(s);
}

/** Each part in order, with at most `gap` words between neighbours. */
export function seq(gap: number, ...parts: string[]): Test {
  const between = `(?: [^ ]+){0,${gap}} `;
  const re = words(parts.map((p) => `(?:${p})`).join(between));
  return (s) => re.test(s);
}

export const all = (...tests: Test[]): Test => (s) => tests.every((t) => t(s));
export const any = (...tests: Test[]): Test => (s) => tests.some((t) => t(s));
export const not = (test: Test): Test => (s) => !test(s);

/** Builds the rules of one category from `[id, severity, test]` rows. */
export function rules(category: RiskCategory, rows: [string, Severity, Test][]): Rule[] {
  return rows.map(([id, severity, test]) => ({ id: `${category}.${id}`, category, severity, test }));
}
