import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DISC_RADIUS, boundingBox, makeDataset, parseCsvPoints } from '../../../src/core/mlp/dataset';
import type { Point } from '../../../src/core/mlp/run';
import { resolveTrainConfig, type TrainConfig } from '../../../src/core/mlp/config';

const dataset = (partial: Partial<TrainConfig>) => makeDataset(resolveTrainConfig(partial));
const all = (d: ReturnType<typeof dataset>): Point[] => [...d.train, ...d.test];
const share = (points: Point[], label: 0 | 1) => points.filter((p) => p[2] === label).length / points.length;

describe('datasets', () => {
  it("disc: the lecture's 1,000 uniform points in the unit square, class 1 inside the disc", () => {
    const d = dataset({});
    assert.equal(d.train.length, 1000);
    assert.equal(d.test.length, 250);
    assert.deepEqual(d.box, { xMin: 0, xMax: 1, yMin: 0, yMax: 1 });
    for (const [x, y, label] of all(d)) {
      assert.ok(x >= 0 && x < 1 && y >= 0 && y < 1);
      assert.equal(label, (x - 0.5) ** 2 + (y - 0.5) ** 2 < DISC_RADIUS ** 2 ? 1 : 0);
    }
    // The disc covers half the square: the classes are balanced.
    assert.ok(Math.abs(share(d.train, 1) - 0.5) < 0.05);
  });

  it('circle: class 1 within radius 2.5, class 0 in the ring 3.5 to 5 (no noise)', () => {
    for (const [x, y, label] of all(dataset({ dataset: 'circle' }))) {
      const r = Math.hypot(x, y);
      if (label === 1) assert.ok(r <= 2.5);
      else assert.ok(r >= 3.5 && r <= 5);
    }
  });

  it('xor: class 1 where x·y ≥ 0, points kept 0.3 from the axes (no noise)', () => {
    for (const [x, y, label] of all(dataset({ dataset: 'xor' }))) {
      assert.ok(Math.abs(x) >= 0.3 && Math.abs(y) >= 0.3);
      assert.equal(label, x * y >= 0 ? 1 : 0);
    }
  });

  it('gauss: two blobs around (2, 2) and (-2, -2), wider with noise', () => {
    const spread = (noise: number) => {
      const points = all(dataset({ dataset: 'gauss', noise }));
      const ones = points.filter((p) => p[2] === 1);
      const mean = ones.reduce((m, p) => m + p[0], 0) / ones.length;
      const variance = ones.reduce((v, p) => v + (p[0] - mean) ** 2, 0) / ones.length;
      return { mean, variance };
    };
    const quiet = spread(0);
    assert.ok(Math.abs(quiet.mean - 2) < 0.15 && Math.abs(quiet.variance - 0.5) < 0.1, JSON.stringify(quiet));
    const noisy = spread(0.5);
    assert.ok(Math.abs(noisy.variance - 4) < 0.6, JSON.stringify(noisy));
  });

  it('spiral: two arms of radius up to 5, balanced', () => {
    const points = all(dataset({ dataset: 'spiral' }));
    assert.ok(points.every(([x, y]) => Math.hypot(x, y) <= 5));
    assert.ok(Math.abs(share(points, 1) - 0.5) < 0.01);
  });

  it('noise flips labels near the boundary of circle and xor', () => {
    const wrong = (points: Point[], truth: (x: number, y: number) => boolean) =>
      points.filter(([x, y, l]) => (truth(x, y) ? 1 : 0) !== l).length;
    assert.ok(wrong(all(dataset({ dataset: 'xor', noise: 0.3 })), (x, y) => x * y >= 0) > 50);
    assert.ok(wrong(all(dataset({ dataset: 'circle', noise: 0.3 })), (x, y) => Math.hypot(x, y) < 2.5) > 20);
  });

  it('is deterministic for a seed, and mixes both classes in train and test', () => {
    for (const name of ['disc', 'circle', 'xor', 'gauss', 'spiral'] as const) {
      assert.deepEqual(dataset({ dataset: name, seed: 5 }), dataset({ dataset: name, seed: 5 }));
      assert.notDeepEqual(dataset({ dataset: name, seed: 5 }).train, dataset({ dataset: name, seed: 6 }).train);
      const d = dataset({ dataset: name });
      assert.ok(share(d.train, 1) > 0.3 && share(d.test, 1) > 0.3, name);
    }
  });

  it('splits a CSV by the train fraction', () => {
    const rows = Array.from({ length: 10 }, (_, i) => `${i},${-i},${i % 2}`).join('\n');
    const config = resolveTrainConfig({ dataset: 'csv', csvPath: 'p.csv', trainFraction: 0.7 });
    const d = makeDataset(config, `x,y,label\n${rows}\n`);
    assert.equal(d.train.length, 7);
    assert.equal(d.test.length, 3);
    assert.equal(d.name, 'p.csv');
    assert.ok(d.box.xMin < 0 && d.box.xMax > 9);
  });
});

describe('parseCsvPoints', () => {
  it('reads a header, comments, blank lines, -1/1 labels and other separators', () => {
    const points = parseCsvPoints('x,y,label\n# a comment\n\n0.5, 1.5, 1\n2;3;-1\n4\t5\t0\r\n', 'a.csv');
    assert.deepEqual(points, [
      [0.5, 1.5, 1],
      [2, 3, 0],
      [4, 5, 0],
    ]);
  });

  const bad: [string, string, RegExp][] = [
    ['a malformed line', '0,0,1\n1,2\n', /^m\.csv:2: expected "x,y,label"/],
    ['a word in the data', '0,0,1\n1,abc,0\n', /^m\.csv:2: .*"1,abc,0"/],
    ['an empty field', '0,0,1\n1,,0\n', /^m\.csv:2:/],
    ['an unknown label', '0,0,1\n1,1,2\n', /^m\.csv:2: label must be 0 or 1.*"2"/],
    ['one class only', '0,0,1\n1,1,1\n2,2,1\n', /^m\.csv: all 3 points have label 1; two classes are needed/],
    ['an empty file', '', /^m\.csv: needs at least 2 points, found 0/],
    ['infinite coordinates', '0,0,1\n1e999,0,0\n', /^m\.csv:2:/],
  ];
  for (const [what, text, message] of bad) {
    it(`rejects ${what} with a message naming the file`, () => {
      assert.throws(() => parseCsvPoints(text, 'm.csv'), { message });
    });
  }

  it('gives a square box with a margin around the points', () => {
    const box = boundingBox([
      [0, 0, 0],
      [4, 2, 1],
    ]);
    assert.ok(Math.abs(box.xMax - box.xMin - (box.yMax - box.yMin)) < 1e-12);
    assert.ok(box.xMin < 0 && box.xMax > 4 && box.yMin < 0 && box.yMax > 2);
  });
});
