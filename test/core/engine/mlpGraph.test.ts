// The 2-D MLP as a model graph: the engine computes what the hyperplane view's own forward
// pass does, and its input gradient is that of the closed form.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Model } from '../../../src/core/engine/model';
import { mlpGraph } from '../../../src/core/engine/mlpGraph';
import { predictClass1Probability } from '../../../src/core/mlp/hyperplane';
import type { Snapshot } from '../../../src/core/mlp/run';
import { startTestBackend } from '../../support/backend';

const snapshot: Snapshot = {
  iteration: 7,
  w: [
    [1.5, -2],
    [0.25, 0.75],
    [-1, -0.5],
  ],
  b: [0.1, -0.3, 0.6],
  outW: [
    [0.4, -0.7],
    [-1.1, 0.9],
    [0.3, 0.2],
  ],
  outB: [0.05, -0.02],
  loss: 0,
  trainAccuracy: 0,
  testAccuracy: 0,
};
const points = [0.2, 0.9, -0.4, 0.3, 1.1, -0.8];

describe('mlpGraph', () => {
  before(startTestBackend);

  for (const activation of ['relu', 'tanh', 'sigmoid'] as const) {
    it(`runs the ${activation} MLP as the hyperplane view computes it`, async () => {
      const model = await Model.load(mlpGraph(snapshot, activation));
      const { output } = model.run({ shape: [3, 2], values: Float32Array.from(points) });
      for (let i = 0; i < 3; i++) {
        const [l0, l1] = [output.values[2 * i], output.values[2 * i + 1]];
        const engine = 1 / (1 + Math.exp(l0 - l1));
        const closedForm = predictClass1Probability(snapshot, activation, points[2 * i], points[2 * i + 1]);
        assert.ok(Math.abs(engine - closedForm) < 1e-6, `${engine} vs ${closedForm}`);
      }
      model.dispose();
    });
  }

  it('differentiates the class-1 logit with respect to the point', async () => {
    const model = await Model.load(mlpGraph(snapshot, 'relu'));
    const [x, y] = [0.2, 0.9];
    const { gradient } = await model.inputGradient({ shape: [1, 2], values: Float32Array.of(x, y) }, [], (taps, tf) =>
      tf.sum(tf.slice(taps.get('2')!, [0, 1], [1, 1])),
    );
    // d logit1 / dx = Σ_k outW[k][1] · relu'(w_k·x + b_k) · w_k
    const expected = [0, 1].map((d) =>
      snapshot.w.reduce((sum, w, k) => {
        const active = w[0] * x + w[1] * y + snapshot.b[k] > 0 ? 1 : 0;
        return sum + snapshot.outW[k][1] * active * w[d];
      }, 0),
    );
    assert.deepEqual(gradient.shape, [1, 2]);
    expected.forEach((e, d) => assert.ok(Math.abs(gradient.values[d] - e) < 1e-6, `${gradient.values[d]} vs ${e}`));
    model.dispose();
  });
});
