// The settings of one LeNet/MNIST training run, their defaults and their validation
// (ConfigError, as for the 2-D MLP: the CLI reports it as bad input).
import {
  checkInteger,
  checkLearningRate,
  checkOneOf,
  definedFields,
  OPTIMIZERS,
  type OptimizerName,
} from '../util/configChecks';

export interface LenetConfig {
  epochs: number;
  batchSize: number;
  optimizer: OptimizerName;
  learningRate: number;
  /** Seeds the initial weights and the order of the mini-batches. */
  seed: number;
}

/**
 * Adam at 2e-3 reaches 96–97 % test accuracy in 3 epochs of the 8,000 training digits
 * (seeds 0, 1, 2: 96.0, 96.7, 97.0 %; at 1e-3, with tfjs's Adam: 96.2, 95.5, 95.8 %).
 */
export const DEFAULT_LENET_CONFIG: LenetConfig = {
  epochs: 3,
  batchSize: 64,
  optimizer: 'adam',
  learningRate: 2e-3,
  seed: 0,
};

/** Used when a configuration names an optimizer but no learning rate. */
export const DEFAULT_LEARNING_RATES: Record<OptimizerName, number> = { adam: 2e-3, sgd: 0.1 };

export const LENET_LIMITS = {
  epochs: { min: 1, max: 1000 },
  batchSize: { min: 1, max: 8000 },
  learningRate: { min: 0, max: 10 },
} as const;

/** Fills in defaults and checks every field; throws ConfigError naming the bad value. */
export function resolveLenetConfig(partial: Partial<LenetConfig>): LenetConfig {
  const config: LenetConfig = { ...DEFAULT_LENET_CONFIG, ...definedFields(partial) };
  checkOneOf('optimizer', config.optimizer, OPTIMIZERS);
  if (partial.learningRate === undefined) config.learningRate = DEFAULT_LEARNING_RATES[config.optimizer];
  checkInteger('epochs', config.epochs, LENET_LIMITS.epochs.min, LENET_LIMITS.epochs.max);
  checkInteger('batch size', config.batchSize, LENET_LIMITS.batchSize.min, LENET_LIMITS.batchSize.max);
  checkInteger('seed', config.seed, 0, 2 ** 32 - 1);
  checkLearningRate(config.learningRate, LENET_LIMITS.learningRate.max);
  return config;
}
