// Comparing computed arrays with a reference, for the numeric tests.
import assert from 'node:assert/strict';

/** The largest |a − b| relative to the largest |b|. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return worst / scale;
}

export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let [dot, aa, bb] = [0, 0, 0];
  for (let i = 0; i < b.length; i++) {
    dot += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return dot / Math.sqrt(aa * bb);
}

/**
 * An input gradient as PyTorch computed it: within `tolerance` relative; or, where a few
 * max-pool windows hold two values within float32 rounding of each other and route their
 * gradient to the other cell (VGG-11 at 224×224: 1.7 % of the input's cells), pointing the
 * same way, at a cosine within 1e-5 of 1.
 */
export function assertSameGradient(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-4): void {
  assert.equal(actual.length, expected.length, 'input gradient size');
  const error = relativeError(actual, expected);
  const cosine = cosineSimilarity(actual, expected);
  const what = `relative error ${error.toExponential(2)}, 1 − cosine ${(1 - cosine).toExponential(2)}`;
  assert.ok(error < tolerance || 1 - cosine < 1e-5, `input gradient: ${what}`);
}
