// Summary statistics and histograms of a tensor's values. NaN and ±Infinity are counted
// apart and left out of every figure, so one bad value does not hide the distribution.

/** Statistics over a tensor's finite values; `std` is the population standard deviation. */
export interface TensorStats {
  min: number;
  max: number;
  mean: number;
  std: number;
  /** Counts of NaN and ±Infinity values, left out of the figures above. */
  nan: number;
  inf: number;
}

export interface Histogram {
  /** bins + 1 increasing bin edges; empty when there is no finite value. */
  edges: number[];
  /** Values per bin; the last bin includes its upper edge. */
  counts: number[];
}

/**
 * Two passes with float64 sums: the mean first, then the squared deviations from it,
 * which stays accurate where a single sum of squares would cancel (large mean, small spread).
 */
export function tensorStats(values: Float32Array): TensorStats {
  let [min, max, sum, finite, nan, inf] = [Infinity, -Infinity, 0, 0, 0, 0];
  for (const v of values) {
    if (Number.isFinite(v)) {
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
      finite++;
    } else if (Number.isNaN(v)) nan++;
    else inf++;
  }
  if (finite === 0) return { min: NaN, max: NaN, mean: NaN, std: NaN, nan, inf };
  const mean = sum / finite;
  let squares = 0;
  for (const v of values) {
    if (Number.isFinite(v)) squares += (v - mean) * (v - mean);
  }
  return { min, max, mean, std: Math.sqrt(squares / finite), nan, inf };
}

/** `bins` equal bins over [min, max] of the finite values (a unit-wide range around a constant). */
export function histogram(values: Float32Array, bins: number): Histogram {
  checkBins(bins);
  let [min, max] = [Infinity, -Infinity];
  for (const v of values) {
    if (Number.isFinite(v)) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (min > max) return { edges: [], counts: [] };
  const edges = binEdges(min, max, bins);
  return { edges, counts: binCounts(values, edges).counts };
}

/** `bins` + 1 equally spaced edges from `low` to `high` (a unit-wide range around low = high). */
export function binEdges(low: number, high: number, bins: number): number[] {
  checkBins(bins);
  const [from, to] = low === high ? [low - 0.5, high + 0.5] : [low, high];
  const width = (to - from) / bins;
  return Array.from({ length: bins + 1 }, (_, i) => (i === bins ? to : from + i * width));
}

/**
 * The finite values counted in equally spaced bins (the last includes its upper edge), and
 * how many fell outside the edges: another tensor of a series may spread wider.
 */
export function binCounts(values: Float32Array, edges: readonly number[]): { counts: number[]; outside: number } {
  const bins = edges.length - 1;
  const [low, high] = [edges[0], edges[bins]];
  const width = (high - low) / bins;
  const counts = new Array<number>(bins).fill(0);
  let outside = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < low || v > high) outside++;
    else counts[Math.min(bins - 1, Math.floor((v - low) / width))]++;
  }
  return { counts, outside };
}

function checkBins(bins: number): void {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`bins must be a positive integer, got ${bins}`);
}
