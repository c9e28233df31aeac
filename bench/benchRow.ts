// The shape every benchmark reports in, and the statistic it reports.

export interface BenchRow {
  name: string;
  value: string;
}

export const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
