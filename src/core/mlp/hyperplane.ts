// The geometry of a hidden unit's hyperplane {x : w·x + b = 0} in the plane, and the
// network's forward pass, for the hyperplane views. Pure: no DOM, no tensors.
import type { Box, Point, Snapshot } from './run';
import type { Activation } from './config';

export type Vec2 = [number, number];
export type Segment = [Vec2, Vec2];

/** Pre-activations beyond this are treated as saturated for tanh and sigmoid. */
const SATURATION = 5;

/**
 * The part of the line {x : w·x + b = 0} inside the box (edges included), or null when
 * the line misses the box, only touches it at a corner, is undefined (w = 0) or has a
 * non-finite parameter.
 */
export function clipLineToBox(w: Vec2, b: number, box: Box): Segment | null {
  if (![w[0], w[1], b].every(Number.isFinite)) return null;
  // Scale so the largest weight is 1: |w|² can neither overflow nor underflow.
  const scale = Math.max(Math.abs(w[0]), Math.abs(w[1]));
  if (scale === 0) return null;
  const [w1, w2, c] = [w[0] / scale, w[1] / scale, b / scale];
  const norm2 = w1 * w1 + w2 * w2;
  // The line as p + t·d: p its point nearest the origin, d along it.
  const p: Vec2 = [(-c * w1) / norm2, (-c * w2) / norm2];
  const d: Vec2 = [-w2, w1];
  const range = clipParameterRange(p, d, box);
  if (!range) return null;
  const [t0, t1] = range;
  const size = Math.hypot(box.xMax - box.xMin, box.yMax - box.yMin);
  // A corner touch gives t0 ≈ t1: no visible segment.
  if ((t1 - t0) * Math.sqrt(norm2) <= 1e-9 * size) return null;
  return [
    [p[0] + t0 * d[0], p[1] + t0 * d[1]],
    [p[0] + t1 * d[0], p[1] + t1 * d[1]],
  ];
}

/** Liang–Barsky: the range of t for which p + t·d lies in the box, or null. */
function clipParameterRange(p: Vec2, d: Vec2, box: Box): [number, number] | null {
  let t0 = -Infinity;
  let t1 = Infinity;
  const bounds: Vec2[] = [
    [box.xMin, box.xMax],
    [box.yMin, box.yMax],
  ];
  for (let axis = 0; axis < 2; axis++) {
    const [low, high] = bounds[axis];
    if (d[axis] === 0) {
      if (p[axis] < low || p[axis] > high) return null;
      continue;
    }
    const a = (low - p[axis]) / d[axis];
    const z = (high - p[axis]) / d[axis];
    t0 = Math.max(t0, Math.min(a, z));
    t1 = Math.min(t1, Math.max(a, z));
  }
  return t0 <= t1 ? [t0, t1] : null;
}

/**
 * A point on the unit's active side (w·x + b > 0), `offset` away from the segment's
 * midpoint along w/|w|: where the views put the unit's side mark.
 */
export function activeSidePoint(w: Vec2, segment: Segment, offset: number): Vec2 {
  const norm = Math.hypot(w[0], w[1]);
  const [[x0, y0], [x1, y1]] = segment;
  return [(x0 + x1) / 2 + (offset * w[0]) / norm, (y0 + y1) / 2 + (offset * w[1]) / norm];
}

/** The Euclidean distance from a point to a segment. */
export function distanceToSegment(point: Vec2, segment: Segment): number {
  const [[x0, y0], [x1, y1]] = segment;
  const [dx, dy] = [x1 - x0, y1 - y0];
  const length2 = dx * dx + dy * dy;
  const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((point[0] - x0) * dx + (point[1] - y0) * dy) / length2));
  return Math.hypot(point[0] - (x0 + t * dx), point[1] - (y0 + t * dy));
}

export function activate(activation: Activation, z: number): number {
  switch (activation) {
    case 'relu':
      return z > 0 ? z : 0;
    case 'tanh':
      return Math.tanh(z);
    case 'sigmoid':
      return 1 / (1 + Math.exp(-z));
  }
}

/** The network's probability of class 1 at (x, y): softmax of the two output logits. */
export function predictClass1Probability(
  s: Pick<Snapshot, 'w' | 'b' | 'outW' | 'outB'>,
  activation: Activation,
  x: number,
  y: number,
): number {
  let logit0 = s.outB[0];
  let logit1 = s.outB[1];
  for (let k = 0; k < s.w.length; k++) {
    const h = activate(activation, s.w[k][0] * x + s.w[k][1] * y + s.b[k]);
    logit0 += h * s.outW[k][0];
    logit1 += h * s.outW[k][1];
  }
  return 1 / (1 + Math.exp(logit0 - logit1));
}

/**
 * For each hidden unit, whether it is dead: inactive on every point (ReLU: pre-activation
 * ≤ 0; tanh and sigmoid: saturated on the same side). No points: no unit is dead.
 */
export function deadUnits(s: Snapshot, activation: Activation, points: Point[]): boolean[] {
  return s.w.map(([w1, w2], k) => {
    if (points.length === 0) return false;
    const zs = points.map(([x, y]) => w1 * x + w2 * y + s.b[k]);
    if (activation === 'relu') return zs.every((z) => z <= 0);
    return zs.every((z) => z > SATURATION) || zs.every((z) => z < -SATURATION);
  });
}
