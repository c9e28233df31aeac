import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LECTURE_GRID_ITERATIONS, LECTURE_ITERATIONS, snapshotSchedule } from '../../../src/core/mlp/schedule';

describe('snapshotSchedule', () => {
  const schedule = snapshotSchedule(10_000);

  it("contains every iteration of the lecture's snapshot grids", () => {
    for (const it of [...LECTURE_ITERATIONS, ...LECTURE_GRID_ITERATIONS])
      assert.ok(schedule.includes(it), `missing ${it}`);
  });

  it('is sorted, distinct, from 1 to the last iteration', () => {
    assert.equal(schedule[0], 1);
    assert.equal(schedule.at(-1), 10_000);
    for (let i = 1; i < schedule.length; i++) assert.ok(schedule[i] > schedule[i - 1]);
  });

  it('is log-spaced: every early iteration, about as many points in each later decade', () => {
    for (let i = 1; i <= 20; i++) assert.ok(schedule.includes(i));
    const inDecade = (lo: number, hi: number) => schedule.filter((i) => i >= lo && i < hi).length;
    const [d2, d3] = [inDecade(100, 1000), inDecade(1000, 10_000)];
    assert.ok(d2 >= 55 && d2 <= 70 && d3 >= 55 && d3 <= 70, `${d2} ${d3}`);
  });

  it('fits short runs', () => {
    assert.deepEqual(snapshotSchedule(1), [1]);
    assert.deepEqual(snapshotSchedule(5), [1, 2, 3, 4, 5]);
    assert.ok(snapshotSchedule(50).every((i) => i <= 50));
  });
});
