// The range of a tensor's finite values, as colour scales and shared histogram bins use it:
// NaN and ±Inf never stretch a scale, so one bad value does not wash out the picture.

export interface ValueRange {
  low: number;
  high: number;
}

/** The range of no value (nothing finite): the identity of min-max; low > high. */
export const EMPTY_RANGE: ValueRange = { low: Infinity, high: -Infinity };

/** Min-max of the finite values; EMPTY_RANGE when there is none. */
export function finiteRange(values: Iterable<number>): ValueRange {
  let [low, high] = [Infinity, -Infinity];
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < low) low = v;
    if (v > high) high = v;
  }
  return { low, high };
}

/** The smallest range holding all of these (EMPTY_RANGE for none). */
export function unionRange(ranges: Iterable<ValueRange>): ValueRange {
  let [low, high] = [Infinity, -Infinity];
  for (const r of ranges) {
    if (r.low < low) low = r.low;
    if (r.high > high) high = r.high;
  }
  return { low, high };
}

/** [−m, m] about zero; the empty range when nothing finite is shown. */
export function symmetricRange(maxAbs: number): ValueRange {
  return Number.isFinite(maxAbs) ? { low: -maxAbs, high: maxAbs } : EMPTY_RANGE;
}
