import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { histogram, tensorStats } from '../../../src/core/tensor/statistics';

const f32 = (values: number[]): Float32Array => Float32Array.from(values);

describe('tensorStats', () => {
  it('gives min, max, mean and the population standard deviation', () => {
    const stats = tensorStats(f32([2, 4, 4, 4, 5, 5, 7, 9]));
    assert.deepEqual(stats, { min: 2, max: 9, mean: 5, std: 2, nan: 0, inf: 0 });
  });

  it('counts NaN and ±Inf apart and leaves them out of the figures', () => {
    const stats = tensorStats(f32([1, NaN, 3, Infinity, -Infinity, NaN]));
    assert.deepEqual(stats, { min: 1, max: 3, mean: 2, std: 1, nan: 2, inf: 2 });
  });

  it('gives NaN figures when no value is finite, or there is none', () => {
    assert.deepEqual(tensorStats(f32([NaN, Infinity])), { min: NaN, max: NaN, mean: NaN, std: NaN, nan: 1, inf: 1 });
    assert.deepEqual(tensorStats(f32([])), { min: NaN, max: NaN, mean: NaN, std: NaN, nan: 0, inf: 0 });
  });

  it('stays accurate with a large mean and a small spread (float64, two passes)', () => {
    // float32 values 1e4 ± 0.5: a float32 or single-pass sum of squares would lose the spread.
    const values = new Float32Array(1_000_001).map((_, i) => 10_000 + (i % 2 ? 0.5 : -0.5));
    const stats = tensorStats(values);
    const mean = 10_000 - 0.5 / values.length;
    assert.ok(Math.abs(stats.mean - mean) < 1e-9, `mean ${stats.mean}`);
    assert.ok(Math.abs(stats.std - 0.5) < 1e-6, `std ${stats.std}`);
  });

  it('matches a float64 reference on random values', () => {
    const values = new Float32Array(10_000).map((_, i) => Math.sin(i * 12.9898) * 3 - 1);
    const list = Array.from(values);
    const mean = list.reduce((a, b) => a + b, 0) / list.length;
    const std = Math.sqrt(list.reduce((a, b) => a + (b - mean) ** 2, 0) / list.length);
    const stats = tensorStats(values);
    assert.equal(stats.min, Math.min(...list));
    assert.equal(stats.max, Math.max(...list));
    assert.ok(Math.abs(stats.mean - mean) < 1e-12 && Math.abs(stats.std - std) < 1e-12);
  });
});

describe('histogram', () => {
  it('splits [min, max] of the finite values into equal bins, the last one closed', () => {
    const { edges, counts } = histogram(f32([0, 1, 2, 3, 4, NaN, Infinity]), 4);
    assert.deepEqual(edges, [0, 1, 2, 3, 4]);
    assert.deepEqual(counts, [1, 1, 1, 2]);
  });

  it('counts every finite value once', () => {
    const values = new Float32Array(5_000).map((_, i) => Math.cos(i) * 0.1);
    const { edges, counts } = histogram(values, 64);
    assert.equal(edges.length, 65);
    assert.equal(
      counts.reduce((a, b) => a + b, 0),
      5_000,
    );
    assert.ok(edges.every((e, i) => i === 0 || e > edges[i - 1]));
  });

  it('puts a constant tensor in a unit-wide range about it', () => {
    const { edges, counts } = histogram(f32([2, 2, 2]), 2);
    assert.deepEqual(edges, [1.5, 2, 2.5]);
    assert.deepEqual(counts, [0, 3]);
  });

  it('is empty without finite values, and refuses a bad bin count', () => {
    assert.deepEqual(histogram(f32([NaN]), 8), { edges: [], counts: [] });
    assert.throws(() => histogram(f32([1]), 0), RangeError);
  });
});
