import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { layerDistances, sharedBinEdges, tensorMovement } from '../../../src/core/series/metrics';
import { finiteRange } from '../../../src/core/tensor/range';
import { binCounts, histogram } from '../../../src/core/tensor/statistics';

const f32 = (values: number[]): Float32Array => Float32Array.from(values);

describe('distance from the first checkpoint', () => {
  it('sums a layer’s tensors: ‖W − W₀‖ and ‖W − W₀‖ / ‖W₀‖', () => {
    const weight = tensorMovement(f32([1, 2, 3]), f32([1, 0, -1]));
    const bias = tensorMovement(f32([0]), f32([0]));
    const other = tensorMovement(f32([3, 4]), f32([0, 0]));
    assert.deepEqual(weight, { deltaSquares: 0 + 4 + 16, baseSquares: 2 });
    const movements = new Map([
      ['fc.weight', weight!],
      ['fc.bias', bias!],
      ['out.weight', other!],
    ]);
    const { distance, relative } = layerDistances(['fc', 'out', 'missing'], movements);
    assert.deepEqual(distance, [Math.sqrt(20), 5, null]);
    assert.deepEqual(
      relative,
      [Math.sqrt(20) / Math.sqrt(2), null, null],
      'a layer starting at zero has no relative distance',
    );
  });

  it('leaves NaN and ±Inf out, and refuses tensors that changed size', () => {
    assert.deepEqual(tensorMovement(f32([NaN, 2, Infinity]), f32([1, 1, 1])), { deltaSquares: 1, baseSquares: 1 });
    assert.equal(tensorMovement(f32([1, 2]), f32([1])), undefined);
  });
});

describe('histograms across a series', () => {
  it('share edges over every checkpoint’s range; each checkpoint counts all its finite values', () => {
    const series = [f32([0, 0.5, 1]), f32([-2, 1, 3, NaN]), f32([2, 2])];
    const edges = sharedBinEdges(series.map(finiteRange), 5);
    assert.deepEqual(edges, [-2, -1, 0, 1, 2, 3]);
    const rows = series.map((values) => binCounts(values, edges));
    assert.deepEqual(rows[0], { counts: [0, 0, 2, 1, 0], outside: 0 });
    assert.deepEqual(rows[1], { counts: [1, 0, 0, 1, 1], outside: 0 });
    assert.deepEqual(rows[2], { counts: [0, 0, 0, 0, 2], outside: 0 });
    assert.deepEqual(binCounts(f32([5, -7, 0]), edges).outside, 2);
  });

  it('give no edges when nothing is finite, and a histogram of one tensor as before', () => {
    assert.deepEqual(sharedBinEdges([finiteRange(f32([NaN]))], 4), []);
    assert.deepEqual(histogram(f32([1, 1]), 2), { edges: [0.5, 1, 1.5], counts: [0, 2] });
  });
});
