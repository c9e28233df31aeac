import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { LENET_SHAPES } from '../../../src/core/lenet/network';
import { DEFAULT_LENET_CONFIG, resolveLenetConfig, type LenetConfig } from '../../../src/core/lenet/config';
import {
  type LenetProgress,
  type LenetSnapshot,
  type LenetTrainOptions,
  trainLenet,
} from '../../../src/core/lenet/trainer';
import { IMAGE_PIXELS, type MnistSplit, splitMnist } from '../../../src/core/lenet/mnist';
import { tfjs } from '../../../src/core/util/tfBackend';
import { ConfigError } from '../../../src/core/util/configChecks';
import { startTestBackend } from '../../support/backend';
import { LENET_WORKER, mnistDigits } from '../../support/mnist';

let data: MnistSplit;
const config = (partial: Partial<LenetConfig>) => resolveLenetConfig({ epochs: 1, ...partial });
const train = (partial: Partial<LenetConfig>, options: LenetTrainOptions = {}) =>
  trainLenet(data, config(partial), { workerScript: LENET_WORKER, ...options });

describe('trainLenet', () => {
  before(async () => {
    assert.equal(await startTestBackend(), 'wasm');
    const { train, test } = splitMnist(mnistDigits(), 320);
    // A smaller test set: evaluating it is most of a short run.
    const size = 400;
    data = {
      train,
      test: {
        count: size,
        images: test.images.subarray(0, size * IMAGE_PIXELS),
        labels: test.labels.subarray(0, size),
      },
    };
  });

  it('streams the filters at step 0, every N steps and at each epoch’s end, with the metrics so far', async () => {
    const snapshots: LenetSnapshot[] = [];
    const progress: LenetProgress[] = [];
    const run = await train(
      { epochs: 2 },
      {
        snapshotEverySteps: 2,
        onSnapshot: (s) => snapshots.push(s),
        onProgress: (p) => progress.push(p),
      },
    );
    // 320 digits in batches of 64: 5 steps an epoch.
    assert.deepEqual(
      snapshots.map((s) => [s.epoch, s.step]),
      [
        [0, 0],
        [1, 2],
        [1, 4],
        [1, 5],
        [2, 6],
        [2, 8],
        [2, 10],
      ],
    );
    const [initial, ...trained] = snapshots;
    assert.equal(initial.loss, undefined);
    assert.equal(initial.trainAccuracy, undefined);
    for (const s of snapshots) {
      assert.equal(s.conv1.length, 32 * 1 * 5 * 5);
      assert.equal(s.conv2.length, 64 * 32 * 5 * 5);
    }
    for (const s of trained) {
      assert.ok(s.loss! > 0 && s.trainAccuracy! >= 0 && s.trainAccuracy! <= 1);
      assert.equal(
        s.testAccuracy !== undefined,
        s.step % 5 === 0,
        `test accuracy at step ${s.step} only at epoch ends`,
      );
    }
    assert.notDeepEqual(snapshots[1].conv1, initial.conv1, 'the filters move');
    assert.notEqual(snapshots[1].conv1.buffer, snapshots[2].conv1.buffer, 'each snapshot has its own copy');
    assert.equal(snapshots.at(-1)!.testAccuracy, run.testAccuracy);
    assert.deepEqual(snapshots.at(-1)!.conv1, run.state['conv1.weight'].values, 'OIHW, as the state dict');

    assert.equal(progress.length, 10);
    assert.deepEqual(progress[6], { ...progress[6], epoch: 2, epochs: 2, batch: 2, batches: 5, step: 7, steps: 10 });
    assert.ok(progress.every((p) => Number.isFinite(p.loss)));

    assert.equal(run.steps, 10);
    assert.equal(run.aborted, false);
    assert.equal(run.trainSize, 320);
    assert.equal(run.testSize, 400);
    assert.deepEqual(
      run.epochs.map((e) => e.epoch),
      [1, 2],
    );
    assert.ok(run.epochs[1].loss < run.epochs[0].loss, 'the loss goes down');
    assert.ok(run.testAccuracy > 0.2, `test accuracy ${run.testAccuracy} after 640 digits`);
    for (const [name, shape] of Object.entries(LENET_SHAPES)) {
      assert.deepEqual(run.state[name as keyof typeof LENET_SHAPES].shape, shape);
    }
  });

  it('gives the same weights for the same seed, and others for another', async () => {
    const a = await train({ seed: 5, batchSize: 160 });
    const b = await train({ seed: 5, batchSize: 160 });
    const c = await train({ seed: 6, batchSize: 160 });
    assert.deepEqual(a.state, b.state);
    assert.notDeepEqual(a.state['fc2.bias'], c.state['fc2.bias']);
  });

  it('stops at the next step when aborted, returning the weights so far and leaking no tensors', async () => {
    const tf = tfjs();
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const run = await train(
      { epochs: 3, batchSize: 32 },
      {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.step === 3) controller.abort();
        },
      },
    );
    clearInterval(timer);
    assert.equal(run.aborted, true);
    assert.equal(run.steps, 3);
    assert.deepEqual(run.epochs, []);
    assert.ok(run.testAccuracy >= 0 && run.testAccuracy <= 1, 'measured on the weights returned');
    assert.ok(ticks > 0, 'timers ran during training');
    assert.equal(tf.memory().numTensors, before);
  });

  it('splits each batch between worker threads: 1, 2 or 3 give the same weights, up to rounding', async () => {
    // SGD: its step is linear in the gradient, so the shares' rounding stays rounding-sized
    // (Adam's first steps, g / √g², blow it up where a gradient is near 0).
    const config = { optimizer: 'sgd', batchSize: 160 } as const;
    const runs = await Promise.all([1, 2, 3].map((threads) => train(config, { threads })));
    assert.deepEqual(
      runs.map((run) => run.threads),
      [1, 2, 3],
    );
    const [one, ...more] = runs;
    for (const run of more) {
      for (const [name, { values }] of Object.entries(one.state)) {
        const other = run.state[name as keyof typeof LENET_SHAPES].values;
        const worst = values.reduce((m, v, i) => Math.max(m, Math.abs(v - other[i])), 0);
        assert.ok(worst < 1e-5, `${name} with ${run.threads} threads differs by ${worst}`);
      }
      assert.equal(run.testAccuracy, one.testAccuracy);
    }
  });

  it('fails with the reason when its worker cannot start', async () => {
    await assert.rejects(train({}, { workerScript: '/nonexistent/lenetWorker.js' }), /Cannot find module/);
  });

  it('takes SGD too', async () => {
    const run = await train({ optimizer: 'sgd', batchSize: 160 });
    assert.equal(run.config.learningRate, 0.1);
    assert.equal(run.steps, 2);
  });
});

describe('resolveLenetConfig', () => {
  it('fills in the defaults, with the optimizer’s learning rate', () => {
    assert.deepEqual(resolveLenetConfig({}), DEFAULT_LENET_CONFIG);
    assert.equal(resolveLenetConfig({ optimizer: 'sgd' }).learningRate, 0.1);
    assert.equal(resolveLenetConfig({ optimizer: 'sgd', learningRate: 0.05 }).learningRate, 0.05);
  });

  it('names the bad value', () => {
    const cases: [Partial<LenetConfig>, RegExp][] = [
      [{ epochs: 0 }, /epochs must be an integer from 1 to 1000, got 0/],
      [{ batchSize: 2.5 }, /batch size/],
      [{ learningRate: -1 }, /learning rate must be a number in \(0, 10\], got -1/],
      [{ optimizer: 'rmsprop' as 'adam' }, /unknown optimizer "rmsprop"/],
      [{ seed: -1 }, /seed/],
    ];
    for (const [partial, message] of cases) {
      assert.throws(
        () => resolveLenetConfig(partial),
        (e: unknown) => e instanceof ConfigError && message.test(String(e)),
      );
    }
  });
});
