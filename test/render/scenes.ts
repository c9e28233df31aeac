// Hand-made snapshots and runs of known geometry (no training) over the real disc dataset.
import type { Vec2 } from '../../src/core/mlp/hyperplane';
import { DISC_RADIUS, makeDataset } from '../../src/core/mlp/dataset';
import { seededRandom } from '../../src/core/util/random';
import type { Box, Dataset, Snapshot, TrainRun } from '../../src/core/mlp/run';
import { LECTURE_GRID_ITERATIONS } from '../../src/core/mlp/schedule';
import { DEFAULT_TRAIN_CONFIG, resolveTrainConfig } from '../../src/core/mlp/config';

export const UNIT_BOX: Box = { xMin: 0, xMax: 1, yMin: 0, yMax: 1 };

/** The lecture's problem as the trainer sees it: uniform points in [0,1]², class 1 inside the disc. */
export function discDataset(points = 1000): Dataset {
  return makeDataset(resolveTrainConfig({ dataset: 'disc', points }));
}

export function snapshot(iteration: number, w: Vec2[], b: number[], outW: Vec2[], outB: Vec2): Snapshot {
  return { iteration, w, b, outW, outB, loss: 0.5, trainAccuracy: 0.5, testAccuracy: 0.5 };
}

/** A network that has solved the disc: tangent lines active outside it, voting class 0. */
export function solvedDiscSnapshot(units = 20, iteration = 9999): Snapshot {
  const { next } = seededRandom(7);
  const w: Vec2[] = [];
  const b: number[] = [];
  for (let k = 0; k < units; k++) {
    const angle = (2 * Math.PI * (k + 0.4 * next())) / units;
    const [ux, uy] = [Math.cos(angle), Math.sin(angle)];
    const gain = 6 + 4 * next();
    const reach = DISC_RADIUS * (0.9 + 0.2 * next());
    w.push([gain * ux, gain * uy]);
    b.push(-gain * (0.5 * ux + 0.5 * uy + reach));
  }
  return snapshot(
    iteration,
    w,
    b,
    w.map(() => [3, -3] as Vec2),
    [-1.5, 1.5],
  );
}

/** A run drifting from random lines to the solved disc, kept at the lecture's iterations. */
export function lectureRun(units = 20): TrainRun {
  const { next } = seededRandom(3);
  const start = Array.from({ length: units }, () => ({ w: [2 * next() - 1, 2 * next() - 1] as Vec2, b: next() - 0.6 }));
  const end = solvedDiscSnapshot(units);
  const last = LECTURE_GRID_ITERATIONS.at(-1) ?? 1;
  const snapshots = LECTURE_GRID_ITERATIONS.map((iteration) => {
    const t = Math.log(iteration) / Math.log(last);
    const mix = (a: number, z: number) => a + t * (z - a);
    return snapshot(
      iteration,
      start.map((s, k) => [mix(s.w[0], end.w[k][0]), mix(s.w[1], end.w[k][1])] as Vec2),
      start.map((s, k) => mix(s.b, end.b[k])),
      end.outW.map(([a, z]) => [t * a, t * z] as Vec2),
      [t * end.outB[0], t * end.outB[1]],
    );
  });
  return { backend: 'cpu', config: DEFAULT_TRAIN_CONFIG, iterations: [...LECTURE_GRID_ITERATIONS], snapshots };
}
