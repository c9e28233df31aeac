import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { initBackend, tfjs } from '../../src/core/tfBackend';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import {
  type PoolingConvolutionShape,
  poolingConvolution,
  poolingConvolutionGradient,
  pooledSize,
} from '../../src/core/poolingConvolution';
import { seededRandom } from '../../src/core/random';

const WASM = join(__dirname, '..', '..', 'src', 'core', 'wasm');

/** LeNet's first block, and an odd one: a 3 × 3 filter, pools of 2 and rows left over. */
const SHAPES: PoolingConvolutionShape[] = [
  { images: 3, height: 28, width: 28, k: 5, pool: 3, channels: 32 },
  { images: 2, height: 12, width: 15, k: 3, pool: 2, channels: 16 },
];

function uniform(length: number, seed: number, scale = 1): Float32Array {
  const rng = seededRandom(seed);
  return Float32Array.from({ length }, () => (rng.next() * 2 - 1) * scale);
}

/** The block from tfjs's own ops (CPU backend), differentiated by its registered gradients. */
function reference(
  shape: PoolingConvolutionShape,
  x: Float32Array,
  w: Float32Array,
  b: Float32Array,
  dy: Float32Array,
) {
  const tf = tfjs();
  const { images, height, width, k, pool, channels } = shape;
  const input = tf.tensor4d(x, [images, height, width, 1]);
  const gradient = tf.tensor4d(dy, [images, ...pooledSize(shape), channels]);
  const block = (filter: Tensor, bias: Tensor) =>
    tf.relu(tf.add(tf.maxPool(tf.conv2d(input, filter as Tensor4D, 1, 'valid'), pool, pool, 'valid'), bias));
  const filter = tf.tensor4d(w, [k, k, 1, channels]);
  const bias = tf.tensor1d(b);
  const out = block(filter, bias);
  const [dw, db] = tf.grads((...args: Tensor[]) => tf.sum(tf.mul(block(args[0], args[1]), gradient)))([filter, bias]);
  return { out: out.dataSync(), filter: dw.dataSync(), bias: db.dataSync() };
}

/** The largest |a − b| relative to the largest |b|. */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return worst / scale;
}

describe('poolingConvolution (our WebAssembly)', () => {
  before(async () => {
    assert.equal(await initBackend({ exclude: ['tensorflow', 'wasm'] }), 'cpu');
  });

  it('is assembled from its committed source', async () => {
    const { assembleWat } = await import('../../scripts/wasm.mjs');
    const source = readFileSync(join(WASM, 'poolingConvolution.wat'), 'utf8');
    const module = readFileSync(join(WASM, 'poolingConvolution.wasm.ts'), 'utf8');
    assert.equal(await assembleWat('poolingConvolution.wat', source), module, 'run npm run build');
  });

  for (const shape of SHAPES) {
    it(`computes tfjs's block and its gradients for ${JSON.stringify(shape)}`, () => {
      const { images, height, width, k, channels } = shape;
      const outputs = images * pooledSize(shape).reduce((a, b) => a * b) * channels;
      const x = uniform(images * height * width, 1);
      const w = uniform(k * k * channels, 2, 0.3);
      const b = uniform(channels, 3, 0.1);
      // Zeros too: where dy is 0 no gradient flows, as where ReLU cut the value.
      const dy = uniform(outputs, 4).map((v) => (Math.abs(v) < 0.3 ? 0 : v));
      const expected = reference(shape, x, w, b, dy);
      const activation = poolingConvolution(shape, x, w, b);
      assert.equal(activation.out.length, outputs);
      assert.ok(relativeError(activation.out, expected.out) < 1e-6, 'out');
      assert.ok(expected.out.some((v) => v === 0) && expected.out.some((v) => v > 0), 'ReLU cuts some values');
      const gradient = poolingConvolutionGradient(shape, x, activation, dy);
      assert.ok(relativeError(gradient.filter, expected.filter) < 1e-5, 'filter gradient');
      assert.ok(relativeError(gradient.bias, expected.bias) < 1e-5, 'bias gradient');
    });
  }

  it('sends the gradient to the first of equal maxima, as PyTorch does', () => {
    // A 1 × 1 filter of 1: the pooled window [0 0 0 / 0 5 0 / 0 0 5] has its maximum twice.
    const shape = { images: 1, height: 3, width: 3, k: 1, pool: 3, channels: 16 };
    const x = Float32Array.from([0, 0, 0, 0, 5, 0, 0, 0, 5]);
    const activation = poolingConvolution(shape, x, new Float32Array(16).fill(1), new Float32Array(16));
    assert.deepEqual([...activation.cells], new Array(16).fill(4));
    const dy = Float32Array.from({ length: 16 }, (_, o) => o + 1);
    const gradient = poolingConvolutionGradient(shape, x, activation, dy);
    assert.deepEqual(
      [...gradient.filter],
      [...dy].map((g) => 5 * g),
    );
    assert.deepEqual([...gradient.bias], [...dy]);
  });

  it('refuses shapes it cannot compute, saying why', () => {
    const shape = { images: 1, height: 8, width: 8, k: 5, pool: 2, channels: 8 };
    const x = new Float32Array(64);
    assert.throws(
      () => poolingConvolution(shape, x, new Float32Array(200), new Float32Array(8)),
      /not a multiple of 16/,
    );
    const tooSmall = { ...shape, k: 9, channels: 16 };
    assert.throws(() => poolingConvolution(tooSmall, x, new Float32Array(81 * 16), new Float32Array(16)), /no output/);
    const wide = { ...shape, channels: 16 };
    assert.throws(
      () => poolingConvolution(wide, new Float32Array(10), new Float32Array(400), new Float32Array(16)),
      /10 input values/,
    );
  });
});
