import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { filterRanges, kernelView, shownTiles, type KernelView } from '../../../src/core/tensor/kernel';
import { colorLevel, colorMap } from '../../../src/render/color';
import { tileAtPoint, tileCell, tileGrid } from '../../../src/render/tileGrid';

/** An OIHW kernel whose value tells its position: o·1000 + i·100 + y·10 + x. */
function positional(o: number, i: number, h: number, w: number): Float32Array {
  const values = new Float32Array(o * i * h * w);
  let k = 0;
  for (let a = 0; a < o; a++)
    for (let b = 0; b < i; b++)
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) values[k++] = a * 1000 + b * 100 + y * 10 + x;
  return values;
}

/** The same values stored [h, w, i, o] (Keras / TF.js). */
function toHwio(oihw: Float32Array, [o, i, h, w]: number[]): Float32Array {
  const out = new Float32Array(oihw.length);
  for (let a = 0; a < o; a++)
    for (let b = 0; b < i; b++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) out[((y * w + x) * i + b) * o + a] = oihw[((a * i + b) * h + y) * w + x];
  return out;
}

function allValues(k: KernelView): number[] {
  const out: number[] = [];
  for (let o = 0; o < k.filters; o++)
    for (let i = 0; i < k.channels; i++)
      for (let y = 0; y < k.height; y++) for (let x = 0; x < k.width; x++) out.push(k.at(o, i, y, x));
  return out;
}

/** A kernel from per-filter lists of values (one channel, 1 × n tiles). */
function filtersOf(...filters: number[][]): KernelView {
  const n = filters[0].length;
  return kernelView(Float32Array.from(filters.flat()), [filters.length, 1, 1, n], 'OIHW');
}

describe('kernelView', () => {
  it('reads OIHW in place, filter by filter', () => {
    const k = kernelView(positional(4, 3, 2, 5), [4, 3, 2, 5], 'OIHW');
    assert.deepEqual([k.filters, k.channels, k.height, k.width], [4, 3, 2, 5]);
    assert.equal(k.at(3, 2, 1, 4), 3214);
    assert.equal(k.at(0, 1, 0, 2), 102);
  });

  it('gives the same tiles from HWIO data as from the OIHW data it transposes', () => {
    const shape = [6, 3, 5, 4];
    const oihw = positional(6, 3, 5, 4);
    const hwio = toHwio(oihw, shape);
    const a = kernelView(oihw, shape, 'OIHW');
    const b = kernelView(hwio, [5, 4, 3, 6], 'HWIO');
    assert.deepEqual([b.filters, b.channels, b.height, b.width], shape);
    assert.deepEqual(allValues(b), allValues(a));
    assert.deepEqual(
      filterRanges(b, { filters: 6, channels: 3, rgb: false }, 'filter'),
      filterRanges(a, { ...a, rgb: false }, 'filter'),
    );
  });

  it('refuses shapes that are not 4-D or do not match the values', () => {
    assert.throws(() => kernelView(new Float32Array(6), [2, 3], 'OIHW'), /4 dimensions, got \[2, 3\]/);
    assert.throws(() => kernelView(new Float32Array(5), [1, 1, 2, 3], 'OIHW'), /holds 6 values, got 5/);
  });
});

describe('shownTiles', () => {
  const conv = { filters: 64, channels: 3, height: 11, width: 11 };
  it('clamps "first N filters × first C channels" to the kernel', () => {
    assert.deepEqual(shownTiles(conv, { filters: 20, channels: 2, rgb: false }), {
      filters: 20,
      channels: 2,
      rgb: false,
    });
    assert.deepEqual(shownTiles(conv, { filters: 500, channels: 0, rgb: false }), {
      filters: 64,
      channels: 1,
      rgb: false,
    });
  });

  it('shows RGB (all three channels) only when the kernel has exactly 3 channels', () => {
    assert.deepEqual(shownTiles(conv, { filters: 20, channels: 1, rgb: true }), {
      filters: 20,
      channels: 3,
      rgb: true,
    });
    const four = { ...conv, channels: 4 };
    assert.deepEqual(shownTiles(four, { filters: 20, channels: 4, rgb: true }), {
      filters: 20,
      channels: 4,
      rgb: false,
    });
  });
});

describe('tileGrid', () => {
  const options = { scale: 4, gap: 2, rowGap: 2, columns: 8 };

  it("lays LeNet's second layer out as a row of 32 channel tiles per filter", () => {
    const grid = tileGrid(
      { filters: 64, channels: 32, height: 5, width: 5 },
      { filters: 32, channels: 32, rgb: false },
      options,
    );
    assert.equal(grid.arrangement, 'rows');
    assert.deepEqual([grid.columns, grid.rows, grid.tileWidth, grid.pitchX], [32, 32, 20, 22]);
    assert.deepEqual([grid.width, grid.height], [32 * 22 - 2, 32 * 22 - 2]);
    assert.deepEqual(tileCell(grid, 3, 7), { column: 7, row: 3 });
  });

  it("wraps LeNet's first layer (one channel) into rows of images", () => {
    const grid = tileGrid(
      { filters: 32, channels: 1, height: 5, width: 5 },
      { filters: 32, channels: 32, rgb: false },
      options,
    );
    assert.equal(grid.arrangement, 'wrapped');
    assert.deepEqual([grid.columns, grid.rows], [8, 4]);
    assert.deepEqual(tileCell(grid, 19, 0), { column: 3, row: 2 });
  });

  it('wraps RGB images too, and keeps a label band under each row of images', () => {
    const grid = tileGrid(
      { filters: 64, channels: 3, height: 11, width: 11 },
      { filters: 20, channels: 3, rgb: true },
      { scale: 2, gap: 1, rowGap: 14, columns: 6 },
    );
    assert.deepEqual([grid.arrangement, grid.columns, grid.rows], ['wrapped', 6, 4]);
    assert.equal(grid.height, 4 * (22 + 14) - 1);
  });

  it('finds the kernel pixel under a point, and nothing in gaps or past the last filter', () => {
    const rows = tileGrid(
      { filters: 4, channels: 3, height: 5, width: 5 },
      { filters: 4, channels: 3, rgb: false },
      options,
    );
    assert.deepEqual(tileAtPoint(rows, 22 + 9, 2 * 22 + 19), { filter: 2, channel: 1, y: 4, x: 2 });
    assert.equal(tileAtPoint(rows, 21, 5), undefined, 'in the gap between tiles');
    assert.equal(tileAtPoint(rows, -1, 5), undefined);
    assert.equal(tileAtPoint(rows, 3 * 22, 5), undefined, 'right of the last column');
    const rgb = tileGrid(
      { filters: 10, channels: 3, height: 5, width: 5 },
      { filters: 10, channels: 3, rgb: true },
      options,
    );
    assert.deepEqual(tileAtPoint(rgb, 1, 22 + 1), { filter: 8, channel: undefined, y: 0, x: 0 });
    assert.equal(tileAtPoint(rgb, 2 * 22 + 1, 22 + 1), undefined, 'the empty cell after the tenth image');
  });
});

describe('filterRanges', () => {
  const kernel = filtersOf([-1, 0, 1], [2, 4, 3], [-8, 0, 0]);
  const all = { filters: 3, channels: 1, rgb: false };

  it('global: one min-max over every value shown', () => {
    assert.deepEqual(filterRanges(kernel, all, 'global'), Array(3).fill({ low: -8, high: 4 }));
    assert.deepEqual(filterRanges(kernel, { ...all, filters: 2 }, 'global'), Array(2).fill({ low: -1, high: 4 }));
  });

  it('filter: min-max of each filter (make_grid scale_each)', () => {
    assert.deepEqual(filterRanges(kernel, all, 'filter'), [
      { low: -1, high: 1 },
      { low: 2, high: 4 },
      { low: -8, high: 0 },
    ]);
  });

  it('symmetric: ±max|v| about zero', () => {
    assert.deepEqual(filterRanges(kernel, all, 'symmetric'), Array(3).fill({ low: -8, high: 8 }));
  });

  it('leaves NaN and ±Inf out of every range', () => {
    const bad = filtersOf([NaN, 1, 2], [Infinity, -3, -Infinity]);
    const shown = { filters: 2, channels: 1, rgb: false };
    assert.deepEqual(filterRanges(bad, shown, 'global'), Array(2).fill({ low: -3, high: 2 }));
    assert.deepEqual(filterRanges(bad, shown, 'filter'), [
      { low: 1, high: 2 },
      { low: -3, high: -3 },
    ]);
    assert.deepEqual(filterRanges(bad, shown, 'symmetric'), Array(2).fill({ low: -3, high: 3 }));
  });

  it('has no finite range when nothing finite is shown, and draws it without failing', () => {
    const none = filtersOf([NaN, Infinity]);
    for (const normalization of ['global', 'filter', 'symmetric'] as const) {
      const [range] = filterRanges(none, { filters: 1, channels: 1, rgb: false }, normalization);
      assert.ok(!(range.high > range.low), normalization);
      assert.equal(colorLevel(NaN, range), -1);
      assert.equal(colorLevel(0, range), 128);
    }
  });
});

describe('colorLevel and colorMap', () => {
  it('maps the range onto 0..255, and NaN/±Inf to the marker (−1)', () => {
    const range = { low: -2, high: 2 };
    assert.deepEqual(
      [-2, -1, 0, 1, 2, 5].map((v) => colorLevel(v, range)),
      [0, 64, 128, 191, 255, 255],
    );
    assert.deepEqual(
      [NaN, Infinity, -Infinity].map((v) => colorLevel(v, range)),
      [-1, -1, -1],
    );
    assert.equal(colorLevel(3, { low: 3, high: 3 }), 128, 'a constant sits in the middle');
  });

  it('is a grey ramp for min-max, and blue–white–red for symmetric', () => {
    const grey = colorMap('global');
    assert.deepEqual([...grey.subarray(0, 3)], [0, 0, 0]);
    assert.deepEqual([...grey.subarray(100 * 3, 101 * 3)], [100, 100, 100]);
    assert.equal(colorMap('filter'), grey);
    const diverging = colorMap('symmetric');
    const [low, middle, high] = [0, 128, 255].map((l) => [...diverging.subarray(l * 3, l * 3 + 3)]);
    assert.ok(low[2] > 90 && low[0] < 10, `negative end is dark blue: ${low}`);
    assert.ok(high[0] > 90 && high[2] < 40, `positive end is dark red: ${high}`);
    assert.ok(Math.min(...middle) > 240, `zero is near white: ${middle}`);
  });
});
