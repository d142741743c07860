/**
 * The risk detector's evaluation: recall on labelled risky messages and the false-alarm rate on
 * harmless look-alikes, per category and overall, for the development part (rules were tuned
 * on it) and the held-out part (written before tuning, not read while tuning).
 * `npm run risk:eval` prints it; tests/bot/risk/risk-eval.test.ts keeps it above the targets.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { detectRisk, severityRank, type RiskCategory, type Severity } from '../../../bot/risk/risk-detector.js';

export const TARGETS = { recall: 0.97, falseAlarms: 0.05 };

const EvalFile = z.object({
  risky: z.array(z.object({ label: z.string(), severity: z.enum(['danger_now', 'serious', 'concern']), messages: z.array(z.string()) })),
  harmless: z.array(z.object({ resembles: z.string(), messages: z.array(z.string()) })),
});

export type Part = 'dev' | 'heldout';

export interface Tally {
  n: number;
  flagged: number;
  /** Risky only: the labelled category among the hits. */
  rightCategory: number;
  /** Risky only: severity at least the labelled one. */
  severityAtLeast: number;
}

export interface PartReport {
  risky: Record<string, Tally>;
  harmless: Record<string, Tally>;
  misses: { text: string; label: string }[];
  falseAlarms: { text: string; resembles: string; rules: string[] }[];
}

const empty = (): Tally => ({ n: 0, flagged: 0, rightCategory: 0, severityAtLeast: 0 });

function add(map: Record<string, Tally>, key: string, t: Partial<Tally>) {
  const cur = (map[key] ??= empty());
  for (const k of ['n', 'flagged', 'rightCategory', 'severityAtLeast'] as const) cur[k] += t[k] ?? 0;
}

export function loadPart(part: Part) {
  const url = new URL(`./eval-set.${part}.json`, import.meta.url);
  return EvalFile.parse(JSON.parse(readFileSync(url, 'utf8')));
}

export function evaluate(part: Part): PartReport {
  const data = loadPart(part);
  const report: PartReport = { risky: {}, harmless: {}, misses: [], falseAlarms: [] };
  for (const section of data.risky) {
    for (const text of section.messages) {
      const r = detectRisk(text);
      const flagged = r.severity !== null;
      const right = r.categories.includes(section.label as RiskCategory) || (section.label === 'danger_now' && r.severity === 'danger_now');
      const sev = severityRank(r.severity) >= severityRank(section.severity as Severity);
      const t = { n: 1, flagged: +flagged, rightCategory: +right, severityAtLeast: +sev };
      add(report.risky, section.label, t);
      add(report.risky, 'overall', t);
      if (!flagged) report.misses.push({ text, label: section.label });
    }
  }
  for (const section of data.harmless) {
    for (const text of section.messages) {
      const r = detectRisk(text);
      const t = { n: 1, flagged: +(r.severity !== null) };
      add(report.harmless, section.resembles, t);
      add(report.harmless, 'overall', t);
      if (r.severity) report.falseAlarms.push({ text, resembles: section.resembles, rules: r.hits.map((h) => h.rule) });
    }
  }
  return report;
}

export const rate = (num: number, den: number) => (den ? num / den : 0);
