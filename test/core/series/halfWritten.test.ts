// The decision behind the evolution view's folder watcher: a checkpoint that fails to read
// while its file changes is retried with backoff, and reported only once the file has
// stopped changing (test/core/series/evolutionModel.test.ts runs it against real files).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { afterFailedRead, type RetryPolicy, type WriteWatch } from '../../../src/core/series/halfWritten';

const policy: RetryPolicy = { firstDelayMs: 200, maxDelayMs: 2000, stableMs: 3000 };

describe('half-written checkpoints', () => {
  it('reports at once a file unchanged for long (damaged, not being written)', () => {
    const { decision } = afterFailedRead(undefined, { size: 10, mtimeMs: 0 }, 60_000, policy);
    assert.deepEqual(decision, { action: 'report' });
  });

  it('retries a fresh file with doubling delays, and reports it once unchanged for stableMs', () => {
    let watch: WriteWatch | undefined;
    let now = 10_000;
    const delays: number[] = [];
    for (;;) {
      const result = afterFailedRead(watch, { size: 10, mtimeMs: 10_000 }, now, policy);
      watch = result.watch;
      if (result.decision.action === 'report') break;
      delays.push(result.decision.delayMs);
      now += result.decision.delayMs;
    }
    assert.deepEqual(delays, [200, 400, 800, 1600]);
    assert.equal(now, 13_000, 'reported exactly when the file had been stable for 3 s');
  });

  it('starts the stable time over whenever the size or modification time changes', () => {
    let { watch } = afterFailedRead(undefined, { size: 10, mtimeMs: 1000 }, 1000, policy);
    ({ watch } = afterFailedRead(watch, { size: 10, mtimeMs: 1000 }, 3500, policy));
    const grown = afterFailedRead(watch, { size: 20, mtimeMs: 3900 }, 3900, policy);
    assert.equal(grown.watch.stableSince, 3900);
    assert.equal(grown.decision.action, 'retry');
    const rewritten = afterFailedRead(grown.watch, { size: 20, mtimeMs: 6000 }, 6500, policy);
    assert.equal(rewritten.decision.action, 'retry');
    assert.equal(afterFailedRead(rewritten.watch, { size: 20, mtimeMs: 6000 }, 9500, policy).decision.action, 'report');
  });

  it('never waits past the moment the file counts as stable, nor less than the first delay', () => {
    const watch: WriteWatch = { size: 1, mtimeMs: 0, stableSince: 0, attempts: 6 };
    const late = afterFailedRead(watch, { size: 1, mtimeMs: 0 }, 2900, policy).decision;
    assert.deepEqual(late, { action: 'retry', delayMs: 200 });
    const mid = afterFailedRead(watch, { size: 1, mtimeMs: 0 }, 1500, policy).decision;
    assert.deepEqual(mid, { action: 'retry', delayMs: 1500 });
  });
});
