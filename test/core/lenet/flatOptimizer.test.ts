import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { flatOptimizer } from '../../../src/core/lenet/flatOptimizer';
import { seededRandom } from '../../../src/core/util/random';
import { NO_TORCH, torchOptimize, torchPython } from '../../support/torch';

const random = seededRandom(11);
const values = (count: number, scale: number) => Array.from({ length: count }, () => (random.next() - 0.5) * scale);

describe('flatOptimizer', () => {
  it('takes Adam’s first step of lr · g / (|g| + ε) and SGD’s of lr · g', () => {
    const gradient = Float32Array.from([0.5, -2, 1e-3, 0]);
    const adam = Float32Array.from([1, 1, 1, 1]);
    flatOptimizer('adam', 0.01, 4).step(adam, gradient);
    const expected = Array.from(gradient, (g) => 1 - (0.01 * g) / (Math.abs(g) + 1e-8));
    adam.forEach((w, i) => assert.ok(Math.abs(w - expected[i]) < 1e-7, `adam ${i}: ${w} vs ${expected[i]}`));
    const sgd = Float32Array.from([1, 1, 1, 1]);
    flatOptimizer('sgd', 0.1, 4).step(sgd, gradient);
    assert.deepEqual(
      Array.from(sgd),
      Array.from(gradient, (g) => Math.fround(1 - Math.fround(0.1 * g))),
    );
  });

  for (const optimizer of ['adam', 'sgd'] as const) {
    it(`follows torch.optim's ${optimizer} over 20 steps`, (t) => {
      const python = torchPython();
      if (!python) return t.skip(NO_TORCH);
      const weights = values(50, 2);
      const gradients = Array.from({ length: 20 }, () => values(50, 1));
      const lr = optimizer === 'adam' ? 2e-3 : 0.1;
      const ours = Float32Array.from(weights);
      const step = flatOptimizer(optimizer, lr, ours.length);
      for (const g of gradients) step.step(ours, Float32Array.from(g));
      const torch = torchOptimize(python, { optimizer, lr, weights, gradients });
      ours.forEach((w, i) => assert.ok(Math.abs(w - torch[i]) < 1e-6, `${i}: ${w} vs ${torch[i]}`));
    });
  }
});
