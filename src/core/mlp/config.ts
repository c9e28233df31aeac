// The settings of one 2-D MLP training run, their defaults and their validation.
// Validation messages name the setting and the value so the user can fix it.
import {
  checkInteger,
  checkLearningRate,
  checkOneOf,
  ConfigError,
  definedFields,
  OPTIMIZERS,
  type OptimizerName,
} from '../util/configChecks';

export const ACTIVATIONS = ['relu', 'tanh', 'sigmoid'] as const;
export type Activation = (typeof ACTIVATIONS)[number];
export const DATASET_NAMES = ['disc', 'circle', 'xor', 'gauss', 'spiral', 'csv'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

export interface TrainConfig {
  dataset: DatasetName;
  /** Path of the CSV (`x,y,label` rows) when dataset is `csv`. */
  csvPath?: string;
  /** Label noise / spread for the Playground datasets, in [0, 0.5]. */
  noise: number;
  /** Fraction of the points kept for training; the rest is the test set. */
  trainFraction: number;
  /** Number of points generated for the synthetic datasets. */
  points: number;
  hidden: number;
  activation: Activation;
  optimizer: OptimizerName;
  learningRate: number;
  batchSize: number;
  iterations: number;
  seed: number;
}

export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
  dataset: 'disc',
  noise: 0,
  trainFraction: 0.8,
  points: 1000,
  hidden: 20,
  activation: 'relu',
  optimizer: 'sgd',
  learningRate: 0.1,
  batchSize: 100,
  iterations: 10_000,
  seed: 0,
};

export const LIMITS = {
  hidden: { min: 1, max: 512 },
  batchSize: { min: 1, max: 100_000 },
  iterations: { min: 1, max: 1_000_000 },
  points: { min: 4, max: 1_000_000 },
  learningRate: { min: 0, max: 100 },
} as const;

/** Fills in defaults and checks every field; throws ConfigError naming the bad value. */
export function resolveTrainConfig(partial: Partial<TrainConfig>): TrainConfig {
  const config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, ...definedFields(partial) };
  checkOneOf('dataset', config.dataset, DATASET_NAMES);
  checkOneOf('activation', config.activation, ACTIVATIONS);
  checkOneOf('optimizer', config.optimizer, OPTIMIZERS);
  checkInteger('hidden width', config.hidden, LIMITS.hidden.min, LIMITS.hidden.max);
  checkInteger('batch size', config.batchSize, LIMITS.batchSize.min, LIMITS.batchSize.max);
  checkInteger('iterations', config.iterations, LIMITS.iterations.min, LIMITS.iterations.max);
  checkInteger('points', config.points, LIMITS.points.min, LIMITS.points.max);
  checkInteger('seed', config.seed, 0, 2 ** 32 - 1);
  checkLearningRate(config.learningRate, LIMITS.learningRate.max);
  if (!Number.isFinite(config.noise) || config.noise < 0 || config.noise > 0.5) {
    throw new ConfigError(`noise must be in [0, 0.5], got ${config.noise}`);
  }
  if (!Number.isFinite(config.trainFraction) || config.trainFraction <= 0 || config.trainFraction > 1) {
    throw new ConfigError(`train fraction must be in (0, 1], got ${config.trainFraction}`);
  }
  if (config.dataset === 'csv' && !config.csvPath) {
    throw new ConfigError('dataset "csv" needs the path of a CSV file of x,y,label rows');
  }
  return config;
}

/** "disc · 20 hidden relu · SGD lr 0.1 · batch 100 · 10000 iterations · seed 0": the view's line, the log's and the status bar's. */
export function describeConfig(c: TrainConfig): string {
  const optimizer = `${c.optimizer === 'adam' ? 'Adam' : 'SGD'} lr ${c.learningRate}`;
  return [
    datasetLabel(c),
    `${c.hidden} hidden ${c.activation}`,
    optimizer,
    `batch ${c.batchSize}`,
    `${c.iterations} iterations`,
    `seed ${c.seed}`,
  ].join(' · ');
}

/** The dataset's name, or the CSV's path. */
export function datasetLabel(c: TrainConfig): string {
  return c.dataset === 'csv' ? (c.csvPath ?? 'csv') : c.dataset;
}
