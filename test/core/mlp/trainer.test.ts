import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { makeDataset } from '../../../src/core/mlp/dataset';
import { trainMlp } from '../../../src/core/mlp/trainer';
import { resolveTrainConfig, type TrainConfig } from '../../../src/core/mlp/config';
import { snapshotSchedule } from '../../../src/core/mlp/schedule';
import { startTestBackend } from '../../support/backend';

const train = (partial: Partial<TrainConfig>, options?: Parameters<typeof trainMlp>[2]) => {
  const config = resolveTrainConfig(partial);
  return trainMlp(config, makeDataset(config), options);
};

describe('trainMlp', () => {
  before(async () => {
    assert.equal(await startTestBackend(), 'wasm');
  });

  it('reaches at least 95 % training accuracy on disc with the defaults', async () => {
    const run = await train({});
    const last = run.snapshots.at(-1)!;
    assert.equal(last.iteration, 10_000);
    assert.ok(last.trainAccuracy >= 0.95, `train accuracy ${last.trainAccuracy}`);
    assert.ok(last.testAccuracy >= 0.9, `test accuracy ${last.testAccuracy}`);
    assert.ok(last.loss < run.snapshots[0].loss / 3, `loss ${run.snapshots[0].loss} → ${last.loss}`);
  });

  it('keeps one snapshot per scheduled iteration, with every unit', async () => {
    const run = await train({ iterations: 500, hidden: 7 });
    assert.deepEqual(run.iterations, snapshotSchedule(500));
    assert.deepEqual(
      run.snapshots.map((s) => s.iteration),
      run.iterations,
    );
    for (const s of run.snapshots) {
      assert.equal(s.w.length, 7);
      assert.equal(s.b.length, 7);
      assert.equal(s.outW.length, 7);
      assert.equal(s.outB.length, 2);
      assert.ok([...s.w.flat(), ...s.b, s.loss].every(Number.isFinite));
    }
  });

  it('is deterministic for a seed and differs between seeds', async () => {
    const a = await train({ iterations: 300, seed: 3 });
    const b = await train({ iterations: 300, seed: 3 });
    const c = await train({ iterations: 300, seed: 4 });
    assert.deepEqual(a.snapshots, b.snapshots);
    assert.notDeepEqual(a.snapshots.at(-1)!.w, c.snapshots.at(-1)!.w);
  });

  for (const [activation, optimizer] of [
    ['tanh', 'adam'],
    ['sigmoid', 'sgd'],
    ['relu', 'adam'],
  ] as const) {
    it(`learns with ${activation} and ${optimizer}`, async () => {
      const lr = optimizer === 'adam' ? 0.01 : 1;
      const run = await train({ iterations: 3000, activation, optimizer, learningRate: lr });
      assert.ok(
        run.snapshots.at(-1)!.trainAccuracy >= 0.9,
        `${activation}/${optimizer}: ${run.snapshots.at(-1)!.trainAccuracy}`,
      );
    });
  }

  it('stops when aborted and returns the run so far', async () => {
    const controller = new AbortController();
    const run = await train(
      { iterations: 100_000 },
      {
        signal: controller.signal,
        onSnapshot: (s) => s.iteration >= 200 && controller.abort(),
      },
    );
    assert.equal(run.snapshots.at(-1)!.iteration < 300, true);
  });

  it('keeps a snapshot when one is requested while running', async () => {
    let calls = 0;
    const run = await train({ iterations: 400 }, { snapshotRequested: () => ++calls === 333 });
    assert.ok(run.snapshots.some((s) => s.iteration === 333));
    assert.ok(!run.iterations.includes(333));
  });

  it('reports progress and yields to the event loop while training', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    let progress = 0;
    await train({ iterations: 3000 }, { onProgress: (i) => (progress = i) });
    clearInterval(timer);
    assert.ok(ticks > 5, `event loop ran ${ticks} timers during training`);
    assert.ok(progress > 0);
  });
});
