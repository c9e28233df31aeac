// The 2-D classification problems: the lecture's disc, TensorFlow Playground's four
// (same generators and noise parameter as playground's dataset.ts), and CSV files.
import type { Box, Dataset, Point } from './run';
import type { TrainConfig } from './config';
import { type Random, seededRandom } from '../util/random';

type Generator = (count: number, noise: number, rng: Random) => Point[];

/** Radius of the lecture's disc: it covers half of the unit square. */
export const DISC_RADIUS = 1 / Math.sqrt(2 * Math.PI);

const PLAYGROUND_BOX: Box = { xMin: -6, xMax: 6, yMin: -6, yMax: 6 };
const UNIT_BOX: Box = { xMin: 0, xMax: 1, yMin: 0, yMax: 1 };

const label = (positive: boolean): 0 | 1 => (positive ? 1 : 0);

/** Uniform in [0,1]², class 1 inside the disc of centre (0.5, 0.5) (the lecture's problem). */
const disc: Generator = (count, _noise, rng) =>
  Array.from({ length: count }, () => {
    const x = rng.next();
    const y = rng.next();
    return [x, y, label((x - 0.5) ** 2 + (y - 0.5) ** 2 < DISC_RADIUS ** 2)];
  });

/** Playground's circle: class 1 within radius 2.5, class 0 in the ring 3.5–5; noise moves the labelling point. */
const circle: Generator = (count, noise, rng) => {
  const radius = 5;
  const ring = (rMin: number, rMax: number): Point => {
    const r = rng.uniform(rMin, rMax);
    const angle = rng.uniform(0, 2 * Math.PI);
    const x = r * Math.sin(angle);
    const y = r * Math.cos(angle);
    const nx = x + rng.uniform(-radius, radius) * noise;
    const ny = y + rng.uniform(-radius, radius) * noise;
    return [x, y, label(Math.hypot(nx, ny) < radius * 0.5)];
  };
  const half = Math.floor(count / 2);
  return [
    ...Array.from({ length: half }, () => ring(0, radius * 0.5)),
    ...Array.from({ length: count - half }, () => ring(radius * 0.7, radius)),
  ];
};

/** Playground's xor: class 1 where x·y ≥ 0, points kept 0.3 away from the axes. */
const xor: Generator = (count, noise, rng) => {
  const coordinate = (): number => {
    const v = rng.uniform(-5, 5);
    return v + (v > 0 ? 0.3 : -0.3);
  };
  return Array.from({ length: count }, () => {
    const x = coordinate();
    const y = coordinate();
    const nx = x + rng.uniform(-5, 5) * noise;
    const ny = y + rng.uniform(-5, 5) * noise;
    return [x, y, label(nx * ny >= 0)];
  });
};

/** Playground's two Gaussians at (2, 2) and (-2, -2); noise widens them (variance 0.5 → 4). */
const gauss: Generator = (count, noise, rng) => {
  const std = Math.sqrt(0.5 + (noise / 0.5) * 3.5);
  const half = Math.floor(count / 2);
  const blob = (n: number, c: number, cls: 0 | 1): Point[] =>
    Array.from({ length: n }, () => [rng.normal(c, std), rng.normal(c, std), cls]);
  return [...blob(half, 2, 1), ...blob(count - half, -2, 0)];
};

/** Playground's two interleaved spirals of 1.75 turns, jittered by noise. */
const spiral: Generator = (count, noise, rng) => {
  const arm = (n: number, deltaT: number, cls: 0 | 1): Point[] =>
    Array.from({ length: n }, (_, i) => {
      const r = (i / n) * 5;
      const t = ((1.75 * i) / n) * 2 * Math.PI + deltaT;
      return [r * Math.sin(t) + rng.uniform(-1, 1) * noise, r * Math.cos(t) + rng.uniform(-1, 1) * noise, cls];
    });
  const half = Math.floor(count / 2);
  return [...arm(half, 0, 1), ...arm(count - half, Math.PI, 0)];
};

const GENERATORS: Record<Exclude<TrainConfig['dataset'], 'csv'>, { generate: Generator; box: Box }> = {
  disc: { generate: disc, box: UNIT_BOX },
  circle: { generate: circle, box: PLAYGROUND_BOX },
  xor: { generate: xor, box: PLAYGROUND_BOX },
  gauss: { generate: gauss, box: PLAYGROUND_BOX },
  spiral: { generate: spiral, box: PLAYGROUND_BOX },
};

/**
 * The dataset a config asks for. Synthetic sets draw `points` training points and, from
 * the same distribution, as many test points as `trainFraction` implies; a CSV (its text
 * passed in, since core reads no files) is shuffled and split by `trainFraction`.
 */
export function makeDataset(config: TrainConfig, csvText?: string): Dataset {
  const rng = seededRandom(config.seed ^ 0x5eed);
  if (config.dataset === 'csv') {
    const fileName = config.csvPath ?? 'CSV';
    if (csvText === undefined) throw new Error(`${fileName}: no CSV text was read`);
    const points = parseCsvPoints(csvText, fileName);
    const order = rng.permutation(points.length);
    const shuffled = Array.from(order, (i) => points[i]);
    const trainCount = Math.max(1, Math.round(points.length * config.trainFraction));
    return {
      name: fileName,
      train: shuffled.slice(0, trainCount),
      test: shuffled.slice(trainCount),
      box: boundingBox(points),
    };
  }
  const { generate, box } = GENERATORS[config.dataset];
  const testCount = Math.round((config.points * (1 - config.trainFraction)) / config.trainFraction);
  const all = generate(config.points + testCount, config.noise, rng);
  // Generators emit points grouped by class; shuffle before splitting so both sets hold both.
  const order = rng.permutation(all.length);
  const shuffled = Array.from(order, (i) => all[i]);
  return { name: config.dataset, train: shuffled.slice(0, config.points), test: shuffled.slice(config.points), box };
}

const MAX_CSV_POINTS = 1_000_000;

/**
 * Rows of `x,y,label` (an optional header line; blank lines and `#` comments skipped).
 * Labels are 0/1, or -1/1 as in Playground's exports. Throws naming the file and line.
 */
export function parseCsvPoints(text: string, fileName: string): Point[] {
  const points: Point[] = [];
  const lines = text.split(/\r?\n/);
  let seenContent = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/\s*[,;\t]\s*/);
    const numbers = fields.map((f) => (f === '' ? NaN : Number(f)));
    const isFirst = !seenContent;
    seenContent = true;
    if (isFirst && numbers.some(Number.isNaN)) continue; // a header such as "x,y,label"
    const [x, y, l] = numbers;
    if (fields.length !== 3 || !Number.isFinite(x) || !Number.isFinite(y)) {
      throw new Error(`${fileName}:${i + 1}: expected "x,y,label" with finite numbers, got "${clip(line)}"`);
    }
    if (l !== 0 && l !== 1 && l !== -1) {
      throw new Error(`${fileName}:${i + 1}: label must be 0 or 1 (or -1/1), got "${clip(fields[2])}"`);
    }
    if (points.length >= MAX_CSV_POINTS) throw new Error(`${fileName}: more than ${MAX_CSV_POINTS} points`);
    points.push([x, y, l === 1 ? 1 : 0]);
  }
  if (points.length < 2) throw new Error(`${fileName}: needs at least 2 points, found ${points.length}`);
  const ones = points.filter((p) => p[2] === 1).length;
  if (ones === 0 || ones === points.length) {
    throw new Error(`${fileName}: all ${points.length} points have label ${points[0][2]}; two classes are needed`);
  }
  return points;
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** The points' extent with a 10 % margin, made square so distances look right. */
export function boundingBox(points: Point[]): Box {
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const [x, y] of points) {
    xMin = Math.min(xMin, x);
    xMax = Math.max(xMax, x);
    yMin = Math.min(yMin, y);
    yMax = Math.max(yMax, y);
  }
  const half = (Math.max(xMax - xMin, yMax - yMin, 1e-9) * 1.1) / 2;
  const cx = (xMin + xMax) / 2;
  const cy = (yMin + yMax) / 2;
  return { xMin: cx - half, xMax: cx + half, yMin: cy - half, yMax: cy + half };
}
