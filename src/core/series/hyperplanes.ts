// The hyperplane view of a checkpoint series: a network whose first Linear layer takes
// 2 inputs (a weight [H, 2] and a bias [H], as `0.weight`/`0.bias` of the lecture's
// nn.Sequential) gives, at every checkpoint, the lines {x : w_k·x + b_k = 0} the existing
// hyperplane renderer draws; the Linear layer after it gives the decision regions.
import { layerOf, sameShape } from './checkpointSeries';
import type { TensorInfo } from '../formats/weightFile';
import { predictClass1Probability } from '../mlp/hyperplane';
import type { Box, Point, Snapshot } from '../mlp/run';
import type { Activation } from '../mlp/config';

/** A snapshot as a checkpoint gives it: the network only (how well it does depends on the data). */
export type SeriesSnapshot = Omit<Snapshot, 'loss' | 'trainAccuracy' | 'testAccuracy'>;

interface LinearTensors {
  weight: string;
  /** Absent for Linear(bias=False): the bias is zero. */
  bias?: string;
}

/** Which tensors hold the two layers; `output` is the Linear(H, C) after the hidden layer, if any. */
export interface HyperplaneLayers {
  hidden: LinearTensors & { units: number };
  output?: LinearTensors & { classes: 1 | 2 };
}

/**
 * The first matrix (2-D tensor, in the file's order) must be [H, 2] for the network to
 * have hyperplanes in the plane; the next matrix [C, H] with C = 2 (two logits) or 1 (one
 * logit, as with BCEWithLogits) gives the regions. PyTorch's [out, in] layout.
 */
export function findHyperplaneLayers(tensors: readonly TensorInfo[]): HyperplaneLayers | undefined {
  const matrices = tensors.filter((t) => t.shape.length === 2);
  const [first, next] = matrices;
  if (!first || first.shape[1] !== 2 || first.shape[0] < 1) return undefined;
  const units = first.shape[0];
  const hidden = { ...linear(tensors, first, units), units };
  const classes = next?.shape[1] === units ? next.shape[0] : undefined;
  if (!next || (classes !== 1 && classes !== 2)) return { hidden };
  return { hidden, output: { ...linear(tensors, next, classes), classes } };
}

function linear(tensors: readonly TensorInfo[], weight: TensorInfo, outputs: number): LinearTensors {
  const biasName = `${layerOf(weight.name)}.bias`;
  const bias = tensors.find((t) => t.name === biasName && sameShape(t.shape, [outputs]));
  return bias ? { weight: weight.name, bias: bias.name } : { weight: weight.name };
}

/** The names of the tensors a snapshot needs. */
export function hyperplaneTensorNames({ hidden, output }: HyperplaneLayers): string[] {
  return [hidden.weight, hidden.bias, output?.weight, output?.bias].filter((n): n is string => n !== undefined);
}

/**
 * The snapshot of one checkpoint, from its tensors' values (by name). Without an output
 * layer the output weights are zero: the regions view is then off.
 */
export function seriesSnapshot(
  layers: HyperplaneLayers,
  values: ReadonlyMap<string, Float32Array>,
  iteration: number,
): SeriesSnapshot {
  const get = (name: string | undefined): Float32Array | undefined => (name ? values.get(name) : undefined);
  const { units } = layers.hidden;
  const weight = get(layers.hidden.weight);
  if (!weight) throw new Error(`no values for ${layers.hidden.weight}`);
  const bias = get(layers.hidden.bias);
  const w = Array.from({ length: units }, (_, k): [number, number] => [weight[2 * k], weight[2 * k + 1]]);
  const b = Array.from({ length: units }, (_, k) => bias?.[k] ?? 0);
  const outWeight = get(layers.output?.weight);
  const outBias = get(layers.output?.bias);
  // One logit z is the pair (0, z): softmax of that pair is sigmoid(z).
  const two = layers.output?.classes === 2;
  const outW = Array.from({ length: units }, (_, k): [number, number] =>
    !outWeight ? [0, 0] : two ? [outWeight[k], outWeight[units + k]] : [0, outWeight[k]],
  );
  const outB: [number, number] = !outBias ? [0, 0] : two ? [outBias[0], outBias[1]] : [0, outBias[0]];
  return { iteration, w, b, outW, outB };
}

/** Mean cross-entropy and accuracy on the points (NaN without points or without an output layer). */
export function scoreSnapshot(
  snapshot: SeriesSnapshot,
  activation: Activation,
  points: readonly Point[],
  hasOutput: boolean,
): Snapshot {
  let [loss, correct] = [0, 0];
  for (const [x, y, label] of points) {
    const p = predictClass1Probability(snapshot, activation, x, y);
    const pLabel = label === 1 ? p : 1 - p;
    loss -= Math.log(Math.max(pLabel, 1e-12));
    if (pLabel > 0.5) correct++;
  }
  const scored = hasOutput && points.length > 0;
  return {
    ...snapshot,
    loss: scored ? loss / points.length : NaN,
    trainAccuracy: scored ? correct / points.length : NaN,
    testAccuracy: NaN,
  };
}

/**
 * Without data, the square about the origin where the lines cross: 1.5 times the median
 * distance from the origin to a unit's line, at least the unit square about 0.
 */
export function boxAroundLines(snapshot: SeriesSnapshot): Box {
  const distances = snapshot.w
    .map(([w1, w2], k) => Math.abs(snapshot.b[k]) / Math.hypot(w1, w2))
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const median = distances.length ? distances[Math.floor(distances.length / 2)] : 0;
  const r = Math.min(1e6, Math.max(1, 1.5 * median));
  return { xMin: -r, xMax: r, yMin: -r, yMax: r };
}
