// A training run's checkpoints as one series: which files of a folder they are, in what
// order (the iteration, step or epoch in each name), and which tensors they share.
import type { TensorInfo } from '../formats/weightFile';
import { hasWeightFileExtension } from '../formats/weightFileNames';

export interface CheckpointName {
  /** The file name: unique in the series, and its key everywhere. */
  name: string;
  /** The iteration, step or epoch the name gives, if it gives one. */
  number?: number;
}

/** Labels of the counters runs put in names, finest first: `epoch=3-step=1200` is step 1200. */
const COUNTER_LABELS = [/(?:global_?)?steps?|iters?|iterations?|it|batch(?:es)?/, /epochs?|ep/];
const NUMBER = /\d+/g;

/**
 * The number a checkpoint's name gives: the one after a counter's label (`iter_000100`,
 * `epoch=3`, `step-20`), the finest such counter when there are several, else the last
 * number in the name (`model_5`). The extension does not count (`.h5`).
 */
export function checkpointNumber(fileName: string): number | undefined {
  const stem = fileName.replace(/\.[^.]*$/, '');
  for (const label of COUNTER_LABELS) {
    const labelled = new RegExp(`(?:^|[^a-z])(?:${label.source})[\\s_=:-]*(\\d+)`, 'gi');
    const found = [...stem.matchAll(labelled)];
    if (found.length) return Number(found[found.length - 1][1]);
  }
  const numbers = stem.match(NUMBER);
  return numbers ? Number(numbers[numbers.length - 1]) : undefined;
}

/** By number; names without one after those with one; ties by name, digits compared as numbers. */
export function compareCheckpoints(a: CheckpointName, b: CheckpointName): number {
  if (a.number !== b.number) {
    if (a.number === undefined) return 1;
    if (b.number === undefined) return -1;
    return a.number - b.number;
  }
  return a.name.localeCompare(b.name, 'en', { numeric: true });
}

/** The files of a folder that may be checkpoints (opening them decides), in series order. */
export function checkpointCandidates(
  fileNames: readonly string[],
  accepts: (name: string) => boolean = hasWeightFileExtension,
): CheckpointName[] {
  return fileNames
    .filter(accepts)
    .map((name) => ({ name, number: checkpointNumber(name) }))
    .sort(compareCheckpoints);
}

/** Where a new checkpoint goes in a series kept in order. */
export function insertionIndex(series: readonly CheckpointName[], checkpoint: CheckpointName): number {
  let [low, high] = [0, series.length];
  while (low < high) {
    const middle = (low + high) >> 1;
    if (compareCheckpoints(series[middle], checkpoint) <= 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** A tensor of the series: matched across checkpoints by name, with the shape it first had. */
export interface SeriesTensor {
  name: string;
  shape: number[];
  layout?: TensorInfo['layout'];
  /** In how many checkpoints it is, with that shape. */
  count: number;
}

/** The union of the checkpoints' tensors, in the order they first appear. */
export function seriesTensors(checkpoints: readonly (readonly TensorInfo[])[]): SeriesTensor[] {
  const byName = new Map<string, SeriesTensor>();
  for (const tensors of checkpoints) {
    for (const { name, shape, layout } of tensors) {
      const known = byName.get(name);
      if (!known) byName.set(name, { name, shape, ...(layout ? { layout } : {}), count: 1 });
      else if (sameShape(known.shape, shape)) known.count++;
    }
  }
  return [...byName.values()];
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * The layer a tensor belongs to: its name without the last part (`features.0.weight` →
 * `features.0`), so a layer's weight and bias move together; a one-part name is its own layer.
 */
export function layerOf(tensorName: string): string {
  const dot = tensorName.lastIndexOf('.');
  return dot > 0 ? tensorName.slice(0, dot) : tensorName;
}

/** Names of the CSV of points a run may leave beside its checkpoints, in order of preference. */
const POINTS_FILES = ['points.csv', 'data.csv', 'dataset.csv'];

/** The CSV of points among a folder's files: a usual name, else the only CSV there is. */
export function pointsFileOf(fileNames: readonly string[]): string | undefined {
  const lower = new Map(fileNames.map((n) => [n.toLowerCase(), n]));
  const usual = POINTS_FILES.find((n) => lower.has(n));
  if (usual) return lower.get(usual);
  const csvs = fileNames.filter((n) => /\.csv$/i.test(n));
  return csvs.length === 1 ? csvs[0] : undefined;
}
