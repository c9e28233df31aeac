// Adam and SGD over one flat Float32Array of parameters, in plain JavaScript: LeNet's
// weights live in memory shared with the worker threads that compute the gradients, so the
// update runs where they are, with no tensor round trip (≈ 0.45 ms for LeNet's 105,506
// values). The formulas are PyTorch's (torch.optim.Adam puts ε after the bias correction
// of √v, tfjs's before), so a run here and one in PyTorch follow the same rule.
import type { OptimizerName } from '../util/configChecks';

export interface FlatOptimizer {
  /** weights −= the update for `gradient`, in place. */
  step(weights: Float32Array, gradient: Float32Array): void;
}

/** PyTorch's defaults. */
const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

export function flatOptimizer(optimizer: OptimizerName, learningRate: number, size: number): FlatOptimizer {
  return optimizer === 'adam' ? adam(learningRate, size) : sgd(learningRate);
}

function sgd(learningRate: number): FlatOptimizer {
  return {
    step(weights, gradient) {
      for (let i = 0; i < weights.length; i++) weights[i] -= learningRate * gradient[i];
    },
  };
}

function adam(learningRate: number, size: number): FlatOptimizer {
  const { beta1, beta2, epsilon } = ADAM;
  const m = new Float32Array(size);
  const v = new Float32Array(size);
  let t = 0;
  return {
    step(weights, gradient) {
      t++;
      const stepSize = learningRate / (1 - beta1 ** t);
      const rootCorrection = Math.sqrt(1 - beta2 ** t);
      const [keep1, take1, keep2, take2] = [beta1, 1 - beta1, beta2, 1 - beta2];
      for (let i = 0; i < weights.length; i++) {
        const g = gradient[i];
        // Rounded as m and v store them, without reading them back (a third faster).
        const mi = Math.fround(keep1 * m[i] + take1 * g);
        const vi = Math.fround(keep2 * v[i] + take2 * g * g);
        m[i] = mi;
        v[i] = vi;
        weights[i] -= (stepSize * mi) / (Math.sqrt(vi) / rootCorrection + epsilon);
      }
    },
  };
}
