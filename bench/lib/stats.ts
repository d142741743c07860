/** The value below which `p` % of the samples fall (nearest rank); NaN for no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** The median of repeated measurements and how far they spread (max − min). */
export interface Repeated {
  median: number;
  spread: number;
  runs: number[];
}

export function repeated(runs: readonly number[]): Repeated {
  const finite = runs.filter((r) => Number.isFinite(r));
  return { median: percentile(finite, 50), spread: finite.length ? Math.max(...finite) - Math.min(...finite) : Number.NaN, runs: [...runs] };
}

/** A number for the table: 3 significant figures, thousands grouped. */
export function fmt(value: number): string {
  if (!Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}
