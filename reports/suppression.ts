/**
 * Small-count suppression, so that no child can be recognised in a figure.
 *
 * - Primary: every count under {@link SMALL} (0 included, so an empty cell and a cell of one
 *   child look the same) is shown as "<5".
 * - Complementary: in a line of cells whose total is shown (a breakdown with its total, a row or
 *   a column of a table), a single hidden cell could be computed back as the total minus the
 *   others; so the smallest other cell of that line is hidden too (shown as "*"). This repeats
 *   until no line has exactly one hidden cell beside a shown total.
 */
export const SMALL = 5;

/** Why a figure is hidden: it is small, or it would let a small one be computed back. */
export type Hidden = 'small' | 'complement';

/** One published figure: the true count stays inside the service; `hidden` says how it is shown. */
export interface Figure {
  count: number;
  hidden: Hidden | null;
}

/** How a figure is written in a report, a CSV or an XLSX. */
export function shown(f: Figure): string {
  return f.hidden === 'small' ? '<5' : f.hidden === 'complement' ? '*' : String(f.count);
}

/** The value of a figure that may be drawn or summed: null when hidden. */
export const visible = (f: Figure): number | null => (f.hidden ? null : f.count);

interface Line {
  members: Figure[];
  total: Figure;
}

const mark = (count: number): Figure => ({ count, hidden: count < SMALL ? 'small' : null });

/** Applies complementary suppression over lines until stable. */
function complete(lines: Line[]): void {
  for (let changed = true; changed; ) {
    changed = false;
    for (const line of lines) {
      if (line.total.hidden) continue;
      if (line.members.filter((m) => m.hidden).length !== 1) continue;
      const candidates = line.members.filter((m) => !m.hidden);
      const next = candidates.reduce<Figure | null>((min, m) => (!min || m.count < min.count ? m : min), null);
      (next ?? line.total).hidden = 'complement';
      changed = true;
    }
  }
}

/** A breakdown (counts by one dimension) with its total, suppressed. */
export function suppressBreakdown(counts: number[]): { cells: Figure[]; total: Figure } {
  const cells = counts.map(mark);
  const total = mark(counts.reduce((a, b) => a + b, 0));
  complete([{ members: cells, total }]);
  return { cells, total };
}

/** A table (rows × columns) with row totals, column totals and the grand total, suppressed. */
export function suppressTable(counts: number[][]): { cells: Figure[][]; rowTotals: Figure[]; colTotals: Figure[]; total: Figure } {
  const cells = counts.map((row) => row.map(mark));
  const width = counts[0]?.length ?? 0;
  const rowTotals = counts.map((row) => mark(row.reduce((a, b) => a + b, 0)));
  const colTotals = Array.from({ length: width }, (_, j) => mark(counts.reduce((a, row) => a + (row[j] ?? 0), 0)));
  const total = mark(counts.flat().reduce((a, b) => a + b, 0));
  complete([
    ...cells.map((row, i) => ({ members: row, total: rowTotals[i]! })),
    ...colTotals.map((colTotal, j) => ({ members: cells.map((row) => row[j]!), total: colTotal })),
    { members: rowTotals, total },
    { members: colTotals, total },
  ]);
  return { cells, rowTotals, colTotals, total };
}

/** A single count shown on its own (no line to compute it back from). */
export const single = (count: number): Figure => mark(count);
