import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  activate,
  activeSidePoint,
  clipLineToBox,
  deadUnits,
  distanceToSegment,
  predictClass1Probability,
  type Segment,
  type Vec2,
} from '../../../src/core/mlp/hyperplane';
import type { Box, Point, Snapshot } from '../../../src/core/mlp/run';

const UNIT: Box = { xMin: 0, xMax: 1, yMin: 0, yMax: 1 };

/** Compares segments regardless of their direction, to 1e-9. */
function assertSegment(actual: Segment | null, expected: Segment): void {
  assert.ok(actual, 'expected a segment, got null');
  const close = (p: Vec2, q: Vec2) => Math.abs(p[0] - q[0]) < 1e-9 && Math.abs(p[1] - q[1]) < 1e-9;
  const [a, b] = actual;
  const [c, d] = expected;
  assert.ok(
    (close(a, c) && close(b, d)) || (close(a, d) && close(b, c)),
    `got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`,
  );
}

function snapshot(w: Vec2[], b: number[], outW: Vec2[], outB: Vec2 = [0, 0]): Snapshot {
  return { iteration: 1, w, b, outW, outB, loss: 0, trainAccuracy: 0, testAccuracy: 0 };
}

describe('clipLineToBox', () => {
  it('clips a vertical line (w2 = 0)', () => {
    // 2x - 1 = 0 → x = 0.5
    assertSegment(clipLineToBox([2, 0], -1, UNIT), [
      [0.5, 0],
      [0.5, 1],
    ]);
  });

  it('clips a horizontal line (w1 = 0)', () => {
    assertSegment(clipLineToBox([0, -4], 1, UNIT), [
      [0, 0.25],
      [1, 0.25],
    ]);
  });

  it('clips a diagonal line to two edges', () => {
    // x + y = 0.5
    assertSegment(clipLineToBox([1, 1], -0.5, UNIT), [
      [0.5, 0],
      [0, 0.5],
    ]);
  });

  it('clips a line through two opposite corners', () => {
    assertSegment(clipLineToBox([1, -1], 0, UNIT), [
      [0, 0],
      [1, 1],
    ]);
  });

  it('keeps a line lying on an edge of the box', () => {
    assertSegment(clipLineToBox([0, 1], -1, UNIT), [
      [0, 1],
      [1, 1],
    ]);
  });

  it('works in a box away from the origin', () => {
    const box: Box = { xMin: -6, xMax: -2, yMin: 10, yMax: 12 };
    assertSegment(clipLineToBox([1, 0], 3, box), [
      [-3, 10],
      [-3, 12],
    ]);
  });

  it('returns null for lines that miss the box', () => {
    assert.equal(clipLineToBox([1, 0], -2, UNIT), null, 'vertical x = 2');
    assert.equal(clipLineToBox([0, 1], 0.5, UNIT), null, 'horizontal y = -0.5');
    assert.equal(clipLineToBox([1, 1], -3, UNIT), null, 'diagonal x + y = 3');
  });

  it('returns null for a line that only touches a corner', () => {
    assert.equal(clipLineToBox([1, 1], 0, UNIT), null);
    assert.equal(clipLineToBox([1, 1], -2, UNIT), null);
  });

  it('returns null when w = 0, whatever b', () => {
    assert.equal(clipLineToBox([0, 0], 0, UNIT), null);
    assert.equal(clipLineToBox([0, 0], 1, UNIT), null);
  });

  it('returns null for non-finite parameters', () => {
    assert.equal(clipLineToBox([NaN, 1], 0, UNIT), null);
    assert.equal(clipLineToBox([1, Infinity], 0, UNIT), null);
    assert.equal(clipLineToBox([1, 1], -Infinity, UNIT), null);
  });

  it('handles very large and very small weights', () => {
    assertSegment(clipLineToBox([1e300, 0], -0.5e300, UNIT), [
      [0.5, 0],
      [0.5, 1],
    ]);
    assertSegment(clipLineToBox([0, 1e-300], -0.5e-300, UNIT), [
      [0, 0.5],
      [1, 0.5],
    ]);
  });

  it('returns endpoints that lie on the line', () => {
    const w: Vec2 = [0.3, -1.7];
    const b = 0.4;
    const segment = clipLineToBox(w, b, UNIT);
    assert.ok(segment);
    for (const [x, y] of segment) assert.ok(Math.abs(w[0] * x + w[1] * y + b) < 1e-12);
  });
});

describe('activeSidePoint', () => {
  it('lies on the side where w·x + b > 0, at the given distance from the midpoint', () => {
    const w: Vec2 = [-3, 4];
    const b = 0.1;
    const segment = clipLineToBox(w, b, UNIT);
    assert.ok(segment);
    const [x, y] = activeSidePoint(w, segment, 0.05);
    assert.ok(w[0] * x + w[1] * y + b > 0);
    const mid: Vec2 = [(segment[0][0] + segment[1][0]) / 2, (segment[0][1] + segment[1][1]) / 2];
    assert.ok(Math.abs(Math.hypot(x - mid[0], y - mid[1]) - 0.05) < 1e-12);
  });
});

describe('distanceToSegment', () => {
  const segment: Segment = [
    [0, 0],
    [1, 0],
  ];
  it('measures to the nearest interior point', () => assert.equal(distanceToSegment([0.5, 0.3], segment), 0.3));
  it('measures to an endpoint beyond the ends', () => assert.equal(distanceToSegment([2, 0], segment), 1));
  it('handles a zero-length segment', () =>
    assert.equal(
      distanceToSegment(
        [3, 4],
        [
          [0, 0],
          [0, 0],
        ],
      ),
      5,
    ));
});

describe('activate', () => {
  it('computes ReLU, tanh and sigmoid', () => {
    assert.equal(activate('relu', -2), 0);
    assert.equal(activate('relu', 1.5), 1.5);
    assert.equal(activate('tanh', 0), 0);
    assert.ok(Math.abs(activate('tanh', 1) - Math.tanh(1)) < 1e-15);
    assert.equal(activate('sigmoid', 0), 0.5);
    assert.ok(Math.abs(activate('sigmoid', 2) - 1 / (1 + Math.exp(-2))) < 1e-15);
  });
});

describe('predictClass1Probability', () => {
  // One ReLU unit active for x > 0.5, voting for class 1 with weight 10.
  const s = snapshot([[1, 0]], [-0.5], [[0, 10]], [0, 0]);

  it('is the softmax of the output logits', () => {
    // h = relu(0.8 - 0.5) = 0.3 → logits (0, 3)
    const expected = Math.exp(3) / (Math.exp(0) + Math.exp(3));
    assert.ok(Math.abs(predictClass1Probability(s, 'relu', 0.8, 0.2) - expected) < 1e-12);
  });

  it('is 1/2 where every unit is off and the biases are equal', () => {
    assert.equal(predictClass1Probability(s, 'relu', 0.2, 0.9), 0.5);
  });

  it('uses the output biases and the activation', () => {
    const t = snapshot([[1, 0]], [0], [[1, -1]], [0.5, -0.5]);
    // tanh(0.3): logits 0.5 + tanh(0.3), -0.5 - tanh(0.3)
    const h = Math.tanh(0.3);
    const expected = 1 / (1 + Math.exp(0.5 + h - (-0.5 - h)));
    assert.ok(Math.abs(predictClass1Probability(t, 'tanh', 0.3, 0) - expected) < 1e-12);
  });
});

describe('deadUnits', () => {
  const points: Point[] = [
    [0.1, 0.1, 0],
    [0.9, 0.2, 1],
    [0.5, 0.8, 1],
  ];

  it('marks ReLU units inactive on every point', () => {
    const s = snapshot(
      [
        [1, 1],
        [-1, -1],
        [1, 0],
        [0, 0],
      ],
      [-0.1, -0.1, -0.9, 0],
      [
        [0, 0],
        [0, 0],
        [0, 0],
        [0, 0],
      ],
    );
    // unit 0 active somewhere; unit 1 off everywhere; unit 2 exactly 0 at best (x = 0.9); unit 3 always 0.
    assert.deepEqual(deadUnits(s, 'relu', points), [false, true, true, true]);
  });

  it('marks tanh and sigmoid units saturated on the same side on every point', () => {
    const s = snapshot(
      [
        [0, 0],
        [0, 0],
        [10, 0],
        [1, 1],
      ],
      [6, -6, -5, 0],
      [
        [0, 0],
        [0, 0],
        [0, 0],
        [0, 0],
      ],
    );
    // unit 2 goes from -4 to +4: alive; unit 3 in the linear range: alive.
    assert.deepEqual(deadUnits(s, 'tanh', points), [true, true, false, false]);
    assert.deepEqual(deadUnits(s, 'sigmoid', points), [true, true, false, false]);
  });

  it('calls no unit dead without points', () => {
    const s = snapshot([[-1, -1]], [-5], [[0, 0]]);
    assert.deepEqual(deadUnits(s, 'relu', []), [false]);
  });
});
