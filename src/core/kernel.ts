// Convolution kernels as O filters × I input channels of H×W tiles, whatever order the
// file stores them in, and the maths every picture of them shares: which tiles show,
// where each tile goes (the renderer draws there, hit-testing reads it back), and how a
// value becomes a colour.
import type { KernelLayout } from './formats/weightFile';

/**
 * `global`: min-max over every value shown; `filter`: min-max per filter (torchvision's
 * make_grid with normalize and scale_each); `symmetric`: ±max|v| over every value shown,
 * zero in the middle of a diverging colour map.
 */
export type Normalization = 'global' | 'filter' | 'symmetric';

export interface KernelShape {
  filters: number;
  channels: number;
  height: number;
  width: number;
}

export interface KernelView extends KernelShape {
  /** The value of filter o, input channel i, row y, column x. */
  at(o: number, i: number, y: number, x: number): number;
}

/** Reads OIHW (PyTorch, ONNX, NumPy) or HWIO (Keras, TF.js) values in place, through strides. */
export function kernelView(values: Float32Array, shape: readonly number[], layout: KernelLayout): KernelView {
  if (shape.length !== 4) throw new RangeError(`a convolution kernel has 4 dimensions, got [${shape.join(', ')}]`);
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== values.length) {
    throw new RangeError(`shape [${shape.join(', ')}] holds ${size} values, got ${values.length}`);
  }
  const [filters, channels, height, width] = layout === 'OIHW' ? shape : [shape[3], shape[2], shape[0], shape[1]];
  const [so, si, sy, sx] =
    layout === 'OIHW'
      ? [channels * height * width, height * width, width, 1]
      : [1, filters, width * channels * filters, channels * filters];
  return { filters, channels, height, width, at: (o, i, y, x) => values[o * so + i * si + y * sy + x * sx] };
}

// ---- what is shown ----

export interface TileSelection {
  /** The first N filters and first C channels (more than the kernel has means all). */
  filters: number;
  channels: number;
  /** One colour image per filter, channels 0, 1, 2 as R, G, B: only when the kernel has 3 channels. */
  rgb: boolean;
}

/** The selection the kernel allows: counts clamped to 1..O and 1..I, RGB only when I = 3. */
export function shownTiles(kernel: KernelShape, selection: TileSelection): TileSelection {
  const clamp = (n: number, most: number): number => Math.min(most, Math.max(1, Math.floor(n) || 1));
  const rgb = selection.rgb && kernel.channels === 3;
  return {
    filters: clamp(selection.filters, kernel.filters),
    channels: rgb ? 3 : clamp(selection.channels, kernel.channels),
    rgb,
  };
}

// ---- where the tiles go ----

export interface TileGridOptions {
  /** CSS pixels per kernel pixel (the zoom). */
  scale: number;
  /** Pixels between neighbouring tiles in a row. */
  gap: number;
  /** Pixels between rows of tiles: the gap, plus a band for labels under wrapped images. */
  rowGap: number;
  /** Images per row when each filter is one image. */
  columns: number;
}

export interface TileGrid extends TileSelection {
  /**
   * `rows`: a row per filter, its channels left to right (LeNet's second layer);
   * `wrapped`: one image per filter (a single channel, or RGB) wrapped into rows (LeNet's first).
   */
  arrangement: 'rows' | 'wrapped';
  columns: number;
  rows: number;
  scale: number;
  tileWidth: number;
  tileHeight: number;
  /** Between neighbouring tiles in a row. */
  gap: number;
  /** Distance from one tile's left (top) edge to the next one's. */
  pitchX: number;
  pitchY: number;
  /** The tiles' extent, from the first tile's corner to the last one's (and its label band). */
  width: number;
  height: number;
}

/** One image per filter (a single channel, or RGB) wraps; several channels make a row per filter. */
export function arrangementOf(shown: TileSelection): TileGrid['arrangement'] {
  return shown.rgb || shown.channels === 1 ? 'wrapped' : 'rows';
}

export function tileGrid(kernel: KernelShape, selection: TileSelection, options: TileGridOptions): TileGrid {
  const shown = shownTiles(kernel, selection);
  const wrapped = arrangementOf(shown) === 'wrapped';
  const columns = wrapped ? Math.max(1, Math.min(Math.floor(options.columns), shown.filters)) : shown.channels;
  const rows = wrapped ? Math.ceil(shown.filters / columns) : shown.filters;
  const tileWidth = kernel.width * options.scale;
  const tileHeight = kernel.height * options.scale;
  const pitchX = tileWidth + options.gap;
  const pitchY = tileHeight + options.rowGap;
  return {
    ...shown,
    arrangement: wrapped ? 'wrapped' : 'rows',
    columns,
    rows,
    scale: options.scale,
    tileWidth,
    tileHeight,
    gap: options.gap,
    pitchX,
    pitchY,
    width: columns * pitchX - options.gap,
    // The last row keeps its label band (rowGap − gap), not the gap after it.
    height: rows * pitchY - options.gap,
  };
}

/** Column and row of a filter's tile (of its channel, in the `rows` arrangement). */
export function tileCell(grid: TileGrid, filter: number, channel: number): { column: number; row: number } {
  return grid.arrangement === 'rows'
    ? { column: channel, row: filter }
    : { column: filter % grid.columns, row: Math.floor(filter / grid.columns) };
}

/**
 * The tile at a column and row: its filter, and its channel (undefined for an RGB image);
 * undefined past the last filter of a wrapped grid.
 */
export function cellTile(
  grid: TileGrid,
  column: number,
  row: number,
): { filter: number; channel: number | undefined } | undefined {
  if (grid.arrangement === 'rows') return { filter: row, channel: column };
  const filter = row * grid.columns + column;
  return filter < grid.filters ? { filter, channel: grid.rgb ? undefined : 0 } : undefined;
}

/** A kernel pixel under a point; `channel` is undefined on an RGB image (all three channels). */
export interface TileHit {
  filter: number;
  channel: number | undefined;
  y: number;
  x: number;
}

/** The kernel pixel at (x, y) from the first tile's corner; undefined in gaps and past the end. */
export function tileAtPoint(grid: TileGrid, x: number, y: number): TileHit | undefined {
  const [column, row] = [Math.floor(x / grid.pitchX), Math.floor(y / grid.pitchY)];
  const [inX, inY] = [x - column * grid.pitchX, y - row * grid.pitchY];
  if (x < 0 || y < 0 || column >= grid.columns || row >= grid.rows) return undefined;
  if (inX >= grid.tileWidth || inY >= grid.tileHeight) return undefined;
  const tile = cellTile(grid, column, row);
  return tile && { ...tile, y: Math.floor(inY / grid.scale), x: Math.floor(inX / grid.scale) };
}

// ---- values to colours ----

export interface ValueRange {
  low: number;
  high: number;
}

/** The range of no value (nothing finite shown): the identity of min-max, and colorLevel's middle. */
const EMPTY_RANGE: ValueRange = { low: Infinity, high: -Infinity };

/**
 * The range each shown filter's colours span, over its finite values only (NaN and ±Inf
 * never stretch the scale). One shared range unless normalized per filter: the shown
 * values', or `fixed` (a range several kernels share, as the checkpoints of a series).
 */
export function filterRanges(
  kernel: KernelView,
  selection: TileSelection,
  normalization: Normalization,
  fixed?: ValueRange,
): ValueRange[] {
  const shown = shownTiles(kernel, selection);
  const perFilter = Array.from({ length: shown.filters }, (_, o) => finiteRange(kernel, o, shown.channels));
  if (normalization === 'filter') return perFilter;
  const shared =
    fixed ??
    perFilter.reduce((all, r) => ({ low: Math.min(all.low, r.low), high: Math.max(all.high, r.high) }), EMPTY_RANGE);
  const range =
    normalization === 'symmetric' ? symmetricRange(Math.max(Math.abs(shared.low), Math.abs(shared.high))) : shared;
  return perFilter.map(() => range);
}

/** [−m, m] about zero; the empty range when nothing finite is shown. */
export function symmetricRange(maxAbs: number): ValueRange {
  return Number.isFinite(maxAbs) ? { low: -maxAbs, high: maxAbs } : EMPTY_RANGE;
}

/** Min-max of one filter's finite values over its first `channels` channels; empty if none. */
function finiteRange(kernel: KernelView, o: number, channels: number): ValueRange {
  let [low, high] = [Infinity, -Infinity];
  for (let i = 0; i < channels; i++) {
    for (let y = 0; y < kernel.height; y++) {
      for (let x = 0; x < kernel.width; x++) {
        const v = kernel.at(o, i, y, x);
        if (!Number.isFinite(v)) continue;
        if (v < low) low = v;
        if (v > high) high = v;
      }
    }
  }
  return { low, high };
}

/** Colour-map index 0..255 of a value in its range (128 when the range is one value or empty); −1 for NaN and ±Inf. */
export function colorLevel(value: number, { low, high }: ValueRange): number {
  if (!Number.isFinite(value)) return -1;
  if (!(high > low)) return 128;
  return Math.round((255 * Math.min(Math.max(value - low, 0), high - low)) / (high - low));
}

export type Rgb = readonly [r: number, g: number, b: number];

/** NaN and ±Inf: a saturated green, apart from the grey ramp and from both ends of the diverging map. */
export const NON_FINITE_RGB: Rgb = [0, 220, 90];

/** ColorBrewer RdBu (reversed): dark blue, through near-white at zero, to dark red; readable by most colour-blind viewers. */
const DIVERGING_STOPS: Rgb[] = [
  [5, 48, 97],
  [33, 102, 172],
  [67, 147, 195],
  [146, 197, 222],
  [209, 229, 240],
  [247, 247, 247],
  [253, 219, 199],
  [244, 165, 130],
  [214, 96, 77],
  [178, 24, 43],
  [103, 0, 31],
];

function buildMap(color: (t: number) => Rgb): Uint8ClampedArray {
  const map = new Uint8ClampedArray(256 * 3);
  for (let level = 0; level < 256; level++) map.set(color(level / 255), level * 3);
  return map;
}

const GREY_MAP = buildMap((t) => [255 * t, 255 * t, 255 * t]);
const DIVERGING_MAP = buildMap((t) => {
  const position = t * (DIVERGING_STOPS.length - 1);
  const i = Math.min(DIVERGING_STOPS.length - 2, Math.floor(position));
  const f = position - i;
  const [a, b] = [DIVERGING_STOPS[i], DIVERGING_STOPS[i + 1]];
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
});

/** 256 RGB triples indexed by colorLevel: the grey ramp, or blue–white–red when symmetric. */
export function colorMap(normalization: Normalization): Uint8ClampedArray {
  return normalization === 'symmetric' ? DIVERGING_MAP : GREY_MAP;
}
