// How numbers read in the view: iterations with thousands separators, parameters with
// three significant digits and a true minus sign, accuracies as percentages.

export function formatIteration(iteration: number): string {
  return iteration.toLocaleString('en-US');
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const text =
    Math.abs(value) >= 1e4 || (value !== 0 && Math.abs(value) < 1e-3) ? value.toExponential(2) : value.toPrecision(3);
  return text.replace('-', '\u2212');
}

export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)} %`;
}
