// The shape every benchmark reports in, and the statistics it reports.

export interface BenchRow {
  name: string;
  value: string;
}

export const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The smallest value with at least a fraction `p` of them at or below it (nearest rank: 99 % of 100 is the 99th). */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}
