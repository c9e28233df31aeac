// Convolution kernels as O filters × I input channels of H×W tiles, whatever order the
// file stores them in: which tiles show, and the value range each shown filter's colours
// span. Where the tiles go is render/tileGrid.ts; how a value becomes a colour, render/color.ts.
import type { KernelLayout } from '../formats/weightFile';
import { finiteRange, symmetricRange, unionRange, type ValueRange } from './range';

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

// ---- the colour scale ----

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
  const perFilter = Array.from({ length: shown.filters }, (_, o) =>
    finiteRange(filterValues(kernel, o, shown.channels)),
  );
  if (normalization === 'filter') return perFilter;
  const shared = fixed ?? unionRange(perFilter);
  const range =
    normalization === 'symmetric' ? symmetricRange(Math.max(Math.abs(shared.low), Math.abs(shared.high))) : shared;
  return perFilter.map(() => range);
}

/** One filter's values over its first `channels` channels. */
function* filterValues(kernel: KernelView, o: number, channels: number): Generator<number> {
  for (let i = 0; i < channels; i++) {
    for (let y = 0; y < kernel.height; y++) {
      for (let x = 0; x < kernel.width; x++) yield kernel.at(o, i, y, x);
    }
  }
}
