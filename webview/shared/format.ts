// How numbers read in the views: counts and iterations with thousands separators, parameters with
// three significant digits and a true minus sign (percentages: src/core/util/format.ts).

export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}

export function formatIteration(iteration: number): string {
  return formatCount(iteration);
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const text =
    Math.abs(value) >= 1e4 || (value !== 0 && Math.abs(value) < 1e-3) ? value.toExponential(2) : value.toPrecision(3);
  return text.replace('-', '\u2212');
}

/** Sizes with × between them ("64×32×5×5"), "scalar" for []. */
export function formatShape(shape: readonly number[]): string {
  return shape.length ? shape.join('×') : 'scalar';
}
