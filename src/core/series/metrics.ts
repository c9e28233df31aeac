// How far a checkpoint's layers moved from the first checkpoint's: the L2 norm of the
// difference ‖W − W₀‖, and relative to the first checkpoint's norm ‖W₀‖, per layer (its
// tensors' squares summed). NaN and ±Inf values are left out, so one bad value does not
// hide the rest of the picture.
import { layerOf } from './checkpointSeries';
import { binEdges } from '../tensor/statistics';
import { unionRange, type ValueRange } from '../tensor/range';

/** One tensor against the same tensor of the first checkpoint: Σ(w − w₀)² and Σw₀². */
export interface TensorMovement {
  deltaSquares: number;
  baseSquares: number;
}

/** Undefined when the two do not have the same number of values (the tensor changed shape). */
export function tensorMovement(values: Float32Array, first: Float32Array): TensorMovement | undefined {
  if (values.length !== first.length) return undefined;
  let [deltaSquares, baseSquares] = [0, 0];
  for (let i = 0; i < values.length; i++) {
    const [v, v0] = [values[i], first[i]];
    if (!Number.isFinite(v) || !Number.isFinite(v0)) continue;
    deltaSquares += (v - v0) * (v - v0);
    baseSquares += v0 * v0;
  }
  return { deltaSquares, baseSquares };
}

/** The layers of a checkpoint's tensors, in the order their first tensor comes. */
export function layersOf(tensorNames: readonly string[]): string[] {
  return [...new Set(tensorNames.map(layerOf))];
}

export interface LayerDistances {
  /** ‖W − W₀‖ per layer; null where the layer is not in both checkpoints. */
  distance: (number | null)[];
  /** ‖W − W₀‖ / ‖W₀‖; null also where ‖W₀‖ = 0 (a layer that starts at zero, as biases often do). */
  relative: (number | null)[];
}

/** Per layer of `layers`, from the movements of the tensors both checkpoints have. */
export function layerDistances(
  layers: readonly string[],
  movements: ReadonlyMap<string, TensorMovement>,
): LayerDistances {
  const sums = new Map<string, TensorMovement>();
  for (const [name, m] of movements) {
    const layer = layerOf(name);
    const sum = sums.get(layer) ?? { deltaSquares: 0, baseSquares: 0 };
    sums.set(layer, { deltaSquares: sum.deltaSquares + m.deltaSquares, baseSquares: sum.baseSquares + m.baseSquares });
  }
  const distance = layers.map((layer) => {
    const sum = sums.get(layer);
    return sum ? Math.sqrt(sum.deltaSquares) : null;
  });
  const relative = layers.map((layer, i) => {
    const sum = sums.get(layer);
    const d = distance[i];
    return sum && d !== null && sum.baseSquares > 0 ? d / Math.sqrt(sum.baseSquares) : null;
  });
  return { distance, relative };
}

/**
 * Bin edges shared by a tensor's histograms across the series: over the union of its
 * ranges, so every checkpoint's bars stand on the same axis. Empty when nothing is finite.
 */
export function sharedBinEdges(ranges: Iterable<ValueRange>, bins: number): number[] {
  const { low, high } = unionRange(ranges);
  return low <= high ? binEdges(low, high, bins) : [];
}
