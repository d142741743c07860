/**
 * `npm run risk:eval [-- dev|heldout] [-- --quiet]`: prints recall and false alarms per
 * category for both parts of the evaluation set, then the misses and false alarms.
 */
import { evaluate, rate, TARGETS, type Part, type PartReport } from './risk-eval.js';

const args = process.argv.slice(2);
const parts: Part[] = args.includes('dev') ? ['dev'] : args.includes('heldout') ? ['heldout'] : ['dev', 'heldout'];
const quiet = args.includes('--quiet');
const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(6);

function print(part: Part, r: PartReport) {
  console.log(`\n== ${part === 'dev' ? 'Development part (rules tuned on it)' : 'Held-out part (not read while tuning)'} ==`);
  console.log('risky messages        n  recall  right category  severity ≥ label');
  for (const [k, t] of Object.entries(r.risky).sort(([a], [b]) => (a === 'overall' ? 1 : b === 'overall' ? -1 : a.localeCompare(b)))) {
    console.log(`  ${k.padEnd(16)} ${String(t.n).padStart(4)}  ${pct(rate(t.flagged, t.n))}  ${pct(rate(t.rightCategory, t.n))}          ${pct(rate(t.severityAtLeast, t.n))}`);
  }
  console.log('harmless look-alikes  n  false alarms');
  for (const [k, t] of Object.entries(r.harmless).sort(([a], [b]) => (a === 'overall' ? 1 : b === 'overall' ? -1 : a.localeCompare(b)))) {
    console.log(`  ${k.padEnd(16)} ${String(t.n).padStart(4)}  ${pct(rate(t.flagged, t.n))}`);
  }
  if (quiet) return;
  console.log(`misses (${r.misses.length}):`);
  for (const m of r.misses) console.log(`  [${m.label}] ${m.text}`);
  console.log(`false alarms (${r.falseAlarms.length}):`);
  for (const f of r.falseAlarms) console.log(`  [${f.resembles}] ${f.text}  ← ${f.rules.join(', ')}`);
}

const reports = parts.map((part) => {
  const r = evaluate(part);
  print(part, r);
  return r;
});
const total = (side: 'risky' | 'harmless', key: 'n' | 'flagged') => reports.reduce((a, r) => a + r[side].overall![key], 0);
const recall = rate(total('risky', 'flagged'), total('risky', 'n'));
const falseAlarms = rate(total('harmless', 'flagged'), total('harmless', 'n'));
const ok = recall >= TARGETS.recall && falseAlarms <= TARGETS.falseAlarms;
console.log(`\n== ${parts.length > 1 ? 'Whole set' : parts[0]} == recall ${pct(recall).trim()} on ${total('risky', 'n')} risky messages, false alarms ${pct(falseAlarms).trim()} on ${total('harmless', 'n')} look-alikes`);
console.log(`targets: recall ≥ ${pct(TARGETS.recall).trim()}, false alarms ≤ ${pct(TARGETS.falseAlarms).trim()} — ${ok ? 'met' : 'NOT met'}`);
process.exitCode = ok ? 0 : 1;
