import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_TRAIN_CONFIG, resolveTrainConfig } from '../../../src/core/mlp/config';
import { ConfigError } from '../../../src/core/util/configChecks';

describe('resolveTrainConfig', () => {
  it('fills in the lecture defaults', () => {
    assert.deepEqual(resolveTrainConfig({}), DEFAULT_TRAIN_CONFIG);
    assert.equal(DEFAULT_TRAIN_CONFIG.hidden, 20);
    assert.equal(DEFAULT_TRAIN_CONFIG.learningRate, 0.1);
    assert.equal(DEFAULT_TRAIN_CONFIG.iterations, 10_000);
    assert.equal(resolveTrainConfig({ hidden: undefined }).hidden, 20);
  });

  const bad: [string, object, RegExp][] = [
    ['hidden width 0', { hidden: 0 }, /hidden width must be an integer from 1 to 512, got 0/],
    ['hidden width 10,000,000', { hidden: 10_000_000 }, /hidden width .* got 10000000/],
    ['a fractional width', { hidden: 2.5 }, /hidden width .* got 2.5/],
    ['a negative learning rate', { learningRate: -0.1 }, /learning rate .* got -0.1/],
    ['a NaN learning rate', { learningRate: NaN }, /learning rate .* got NaN/],
    [
      'an unknown dataset',
      { dataset: 'moons' },
      /unknown dataset "moons" \(expected one of: disc, circle, xor, gauss, spiral, csv\)/,
    ],
    ['an unknown activation', { activation: 'gelu' }, /unknown activation "gelu"/],
    ['a zero batch', { batchSize: 0 }, /batch size .* got 0/],
    ['too much noise', { noise: 2 }, /noise must be in \[0, 0.5\], got 2/],
    ['a csv without a path', { dataset: 'csv' }, /needs the path of a CSV/],
  ];
  for (const [what, partial, message] of bad) {
    it(`rejects ${what}, naming the value`, () => {
      assert.throws(
        () => resolveTrainConfig(partial as never),
        (e: unknown) => e instanceof ConfigError && message.test(e.message),
      );
    });
  }
});
