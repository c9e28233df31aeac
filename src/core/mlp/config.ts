// The settings of one 2-D MLP training run, their defaults and their validation.
// Validation messages name the setting and the value so the user can fix it.

export const ACTIVATIONS = ['relu', 'tanh', 'sigmoid'] as const;
export type Activation = (typeof ACTIVATIONS)[number];
export const OPTIMIZERS = ['sgd', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];
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

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
}

export function checkOneOf<T extends string>(name: string, value: string, allowed: readonly T[]): asserts value is T {
  if (!allowed.includes(value as T)) {
    throw new ConfigError(`unknown ${name} "${value}" (expected one of: ${allowed.join(', ')})`);
  }
}

/** Fills in defaults and checks every field; throws ConfigError naming the bad value. */
export function resolveTrainConfig(partial: Partial<TrainConfig>): TrainConfig {
  const config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, ...stripUndefined(partial) };
  checkOneOf('dataset', config.dataset, DATASET_NAMES);
  checkOneOf('activation', config.activation, ACTIVATIONS);
  checkOneOf('optimizer', config.optimizer, OPTIMIZERS);
  checkInteger('hidden width', config.hidden, LIMITS.hidden.min, LIMITS.hidden.max);
  checkInteger('batch size', config.batchSize, LIMITS.batchSize.min, LIMITS.batchSize.max);
  checkInteger('iterations', config.iterations, LIMITS.iterations.min, LIMITS.iterations.max);
  checkInteger('points', config.points, LIMITS.points.min, LIMITS.points.max);
  checkInteger('seed', config.seed, 0, 2 ** 32 - 1);
  const lr = config.learningRate;
  if (!Number.isFinite(lr) || lr <= LIMITS.learningRate.min || lr > LIMITS.learningRate.max) {
    throw new ConfigError(`learning rate must be a number in (0, ${LIMITS.learningRate.max}], got ${lr}`);
  }
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

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
