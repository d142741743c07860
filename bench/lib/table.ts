import { fmt, repeated, type Repeated } from './stats.js';

/** One line of the bench's table: a measured figure, its baseline in the same run, its target. */
export interface Row {
  scenario: string;
  metric: string;
  unit: string;
  /** One value per repetition. */
  ours: number[];
  /** The same figure for the baseline, one value per repetition, when there is one. */
  baseline?: number[] | undefined;
  /** What the baseline is, e.g. "bare telegraf echo bot". */
  baselineName?: string | undefined;
  /** e.g. "≥ 0.25× baseline" or "< 50 ms"; `met` says whether the median meets it. */
  target?: { text: string; met: (ours: number, baseline: number) => boolean } | undefined;
  /** Show ours ÷ baseline (for throughputs). */
  ratio?: boolean | undefined;
}

const cell = (r: Repeated | null) => (r ? `${fmt(r.median)}${r.runs.length > 1 ? ` ±${fmt(r.spread / 2)}` : ''}` : '');

/** The one table, as Markdown (readable in a terminal, pasteable into RESULTS.md). */
export function renderTable(rows: readonly Row[]): string {
  const header = ['scenario', 'figure', 'ours (median ±half-spread)', 'baseline', 'ours ÷ baseline', 'target', 'met'];
  const lines = rows.map((row) => {
    const ours = repeated(row.ours);
    const base = row.baseline ? repeated(row.baseline) : null;
    const ratio = row.ratio && base ? ours.median / base.median : Number.NaN;
    const met = row.target ? (row.target.met(ours.median, base?.median ?? Number.NaN) ? 'yes' : '**no**') : '';
    return [
      row.scenario,
      `${row.metric} (${row.unit})`,
      cell(ours),
      base ? `${cell(base)}${row.baselineName ? ` (${row.baselineName})` : ''}` : '',
      Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : '',
      row.target?.text ?? '',
      met,
    ];
  });
  const all = [header, ...lines];
  const widths = header.map((_, i) => Math.max(...all.map((l) => l[i]!.length)));
  const line = (l: string[]) => `| ${l.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...lines.map(line)].join('\n');
}
