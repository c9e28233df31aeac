// What a training run produces: the data it saw and the network at the kept iterations.
// This is also the CLI's JSON output format (`train2d --json`).
import type { TrainConfig } from './config';

/** A labelled point of the plane: [x, y, class]. */
export type Point = [x: number, y: number, label: 0 | 1];

/** The rectangle of the plane shown by the views. */
export interface Box {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

export interface Dataset {
  name: string;
  train: Point[];
  test: Point[];
  box: Box;
}

/** The network R² → R^H → R² at one iteration. */
export interface Snapshot {
  iteration: number;
  /** Hidden unit k's weights [w_k1, w_k2]: its line is w_k · x + b_k = 0. */
  w: [number, number][];
  b: number[];
  /** Output layer: outW[k] = weights from hidden unit k to the two classes; outB the two biases. */
  outW: [number, number][];
  outB: [number, number];
  /** Mean cross-entropy over the training set. */
  loss: number;
  trainAccuracy: number;
  testAccuracy: number;
}

export interface TrainRun {
  backend: string;
  config: TrainConfig;
  /** The iterations at which snapshots are kept (the schedule). */
  iterations: number[];
  snapshots: Snapshot[];
}
