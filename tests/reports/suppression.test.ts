import { describe, expect, it } from 'vitest';
import { shown, suppressBreakdown, suppressTable } from '../../reports/suppression.js';

const print = (figures: { count: number; hidden: unknown }[]) => figures.map((f) => shown(f as never));

describe('small-count suppression', () => {
  it('shows every count under 5 as "<5", zero included, and the others as they are', () => {
    const { cells, total } = suppressBreakdown([12, 0, 3, 7]);
    expect(print(cells)).toEqual(['12', '<5', '<5', '7']);
    expect(shown(total)).toBe('22');
  });

  it('hides the smallest other cell when one hidden cell could be computed from the total', () => {
    expect(print(suppressBreakdown([20, 9, 2, 14]).cells)).toEqual(['20', '*', '<5', '14']);
  });

  it('hides the total of a line whose every cell is hidden but one that is itself small', () => {
    const { cells, total } = suppressBreakdown([3]);
    expect(print(cells)).toEqual(['<5']);
    expect(shown(total)).toBe('<5');
  });

  it('protects a table along its rows and its columns until no hidden cell can be worked out', () => {
    // rows: months; columns: harm types. The 2 in the middle must not be recoverable from either total.
    const t = suppressTable([
      [10, 8, 12],
      [9, 2, 11],
      [7, 6, 20],
    ]);
    const grid = t.cells.map(print);
    expect(grid[1]![1]).toBe('<5');
    for (const line of [grid[1]!, grid.map((row) => row[1]!)]) expect(line.filter((s) => s === '<5' || s === '*').length).toBeGreaterThanOrEqual(2);
    // Each row and column that holds a hidden cell holds at least two, so no total gives one away.
    for (let i = 0; i < 3; i++) {
      const row = grid[i]!.filter((s) => s === '<5' || s === '*').length;
      const col = grid.map((r) => r[i]!).filter((s) => s === '<5' || s === '*').length;
      expect([0, 2, 3]).toContain(row);
      expect([0, 2, 3]).toContain(col);
    }
    expect(print(t.rowTotals)).toEqual(['30', '22', '33']);
    expect(shown(t.total)).toBe('85');
  });
});
