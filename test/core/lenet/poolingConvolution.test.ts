import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { initBackend, tfjs } from '../../../src/core/util/tfBackend';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import {
  type PoolingConvolutionShape,
  maxPoolRelu,
  poolingConvolution,
  poolingConvolutionGradients,
  pooledSize,
} from '../../../src/core/lenet/poolingConvolution';
import { seededRandom } from '../../../src/core/util/random';
import { relativeError } from '../../support/numbers';

const WASM = join(__dirname, '..', '..', '..', 'src', 'core', 'lenet', 'wasm');

/** LeNet's two blocks, and odd ones: 3 × 3 filters, pools of 2 and a column left over. */
const SHAPES: PoolingConvolutionShape[] = [
  { images: 3, height: 28, width: 28, inChannels: 1, k: 5, pool: 3, channels: 32 },
  { images: 3, height: 8, width: 8, inChannels: 32, k: 5, pool: 2, channels: 64 },
  { images: 2, height: 12, width: 15, inChannels: 1, k: 3, pool: 2, channels: 16 },
  { images: 2, height: 12, width: 15, inChannels: 4, k: 3, pool: 2, channels: 8 },
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
  const { images, height, width, inChannels, k, pool, channels } = shape;
  const gradient = tf.tensor4d(dy, [images, ...pooledSize(shape), channels]);
  const [input, filter, bias] = [
    tf.tensor4d(x, [images, height, width, inChannels]),
    tf.tensor4d(w, [k, k, inChannels, channels]),
    tf.tensor1d(b),
  ];
  const conv = (input: Tensor, filter: Tensor) => tf.conv2d(input as Tensor4D, filter as Tensor4D, 1, 'valid');
  const block = (input: Tensor, filter: Tensor, bias: Tensor) =>
    tf.relu(tf.add(tf.maxPool(conv(input, filter), pool, pool, 'valid'), bias));
  const [dx, dw, db] = tf.grads((...args: Tensor[]) => tf.sum(tf.mul(block(args[0], args[1], args[2]), gradient)))([
    input,
    filter,
    bias,
  ]);
  return {
    conv: conv(input, filter).dataSync() as Float32Array,
    out: block(input, filter, bias).dataSync(),
    input: dx.dataSync(),
    filter: dw.dataSync(),
    bias: db.dataSync(),
  };
}

describe('poolingConvolution (our WebAssembly)', () => {
  before(async () => {
    assert.equal(await initBackend({ exclude: ['tensorflow', 'wasm'] }), 'cpu');
  });

  it('is assembled from its committed source', async () => {
    const { assembleWat } = await import('../../../scripts/wasm.mjs');
    const source = readFileSync(join(WASM, 'poolingConvolution.wat'), 'utf8');
    const module = readFileSync(join(WASM, 'poolingConvolution.wasm.ts'), 'utf8');
    assert.equal(await assembleWat('poolingConvolution.wat', source), module, 'run npm run build');
  });

  for (const shape of SHAPES) {
    it(`computes tfjs's block and its gradients for ${JSON.stringify(shape)}`, () => {
      const { images, height, width, inChannels, k, channels } = shape;
      const outputs = images * pooledSize(shape).reduce((a, b) => a * b) * channels;
      const x = uniform(images * height * width * inChannels, 1);
      const w = uniform(k * k * inChannels * channels, 2, 0.3);
      const b = uniform(channels, 3, 0.1);
      // Zeros too: where dy is 0 no gradient flows, as where ReLU cut the value.
      const dy = uniform(outputs, 4).map((v) => (Math.abs(v) < 0.3 ? 0 : v));
      const expected = reference(shape, x, w, b, dy);
      // One-channel images: the convolution is ours too; else it is given.
      const activation = inChannels === 1 ? poolingConvolution(shape, x, w, b) : maxPoolRelu(shape, expected.conv, b);
      assert.equal(activation.out.length, outputs);
      assert.ok(relativeError(activation.out, expected.out) < 1e-6, 'out');
      assert.ok(expected.out.some((v) => v === 0) && expected.out.some((v) => v > 0), 'ReLU cuts some values');
      const gradients = poolingConvolutionGradients(shape, x, w, activation, dy);
      assert.ok(relativeError(gradients.filter, expected.filter) < 1e-5, 'filter gradient');
      assert.ok(relativeError(gradients.bias, expected.bias) < 1e-5, 'bias gradient');
      if (inChannels === 1) assert.equal(gradients.input, undefined);
      else assert.ok(relativeError(gradients.input!, expected.input) < 1e-5, 'input gradient');
    });
  }

  it('sends the gradient to the first of equal maxima, as PyTorch does', () => {
    // A 1 × 1 filter of 1: the pooled window [0 0 0 / 0 5 0 / 0 0 5] has its maximum twice.
    const shape = { images: 1, height: 3, width: 3, inChannels: 1, k: 1, pool: 3, channels: 16 };
    const x = Float32Array.from([0, 0, 0, 0, 5, 0, 0, 0, 5]);
    const activation = poolingConvolution(shape, x, new Float32Array(16).fill(1), new Float32Array(16));
    assert.deepEqual([...activation.cells], new Array(16).fill(4));
    const dy = Float32Array.from({ length: 16 }, (_, o) => o + 1);
    const gradients = poolingConvolutionGradients(shape, x, new Float32Array(16).fill(1), activation, dy);
    assert.deepEqual(
      [...gradients.filter],
      [...dy].map((g) => 5 * g),
    );
    assert.deepEqual([...gradients.bias], [...dy]);
    // Several channels: a 2 × 2 window [0 5 / 5 0] of a given convolution (1 × 1, of 1).
    const pooled = { images: 1, height: 2, width: 2, inChannels: 4, k: 1, pool: 2, channels: 4 };
    const input = Float32Array.from([0, 5, 5, 0].flatMap((v) => [v, v, v, v]));
    const identity = Float32Array.from({ length: 16 }, (_, i) => (i % 5 === 0 ? 1 : 0));
    const routed = maxPoolRelu(pooled, input, new Float32Array(4));
    assert.deepEqual([...routed.cells], [1, 1, 1, 1]);
    const back = poolingConvolutionGradients(pooled, input, identity, routed, Float32Array.from([1, 2, 3, 4]));
    assert.deepEqual([...back.input!], [0, 0, 0, 0, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('gives NaN for a window holding NaN, as PyTorch’s max-pool, and no gradient through it', () => {
    // Windows of 2 × 2 of a given convolution (4 channels alike): [1 NaN / 3 2] and [1 2 / 3 0].
    const shape = { images: 1, height: 2, width: 4, inChannels: 4, k: 1, pool: 2, channels: 4 };
    const conv = Float32Array.from([1, NaN, 1, 2, 3, 2, 3, 0].flatMap((v) => [v, v, v, v]));
    const activation = maxPoolRelu(shape, conv, new Float32Array(4));
    assert.deepEqual([...activation.out], [NaN, NaN, NaN, NaN, 3, 3, 3, 3]);
    assert.deepEqual([...activation.cells], [1, 1, 1, 1, 2, 2, 2, 2]);
    const identity = Float32Array.from({ length: 16 }, (_, i) => (i % 5 === 0 ? 1 : 0));
    const gradients = poolingConvolutionGradients(shape, conv, identity, activation, new Float32Array(8).fill(1));
    assert.deepEqual([...gradients.bias], [1, 1, 1, 1], 'only the second window passes a gradient');
    // One-channel images: the convolution is ours, and NaN goes through it too.
    const image = { images: 1, height: 3, width: 3, inChannels: 1, k: 1, pool: 3, channels: 16 };
    const pixels = Float32Array.from([0, 0, 0, 0, NaN, 0, 0, 0, 5]);
    const ours = poolingConvolution(image, pixels, new Float32Array(16).fill(1), new Float32Array(16));
    assert.ok(ours.out.every(Number.isNaN));
    assert.deepEqual([...ours.cells], new Array(16).fill(4));
  });

  it('refuses shapes it cannot compute, saying why', () => {
    const shape = { images: 1, height: 8, width: 8, inChannels: 1, k: 5, pool: 2, channels: 8 };
    const x = new Float32Array(64);
    const [w, b] = [new Float32Array(200), new Float32Array(8)];
    assert.throws(() => poolingConvolution(shape, x, w, b), /one input channel to 16·n/);
    assert.throws(() => poolingConvolution({ ...shape, k: 9 }, x, w, b), /no output/);
    assert.throws(() => poolingConvolution(shape, new Float32Array(10), w, b), /10 input values/);
    assert.throws(() => poolingConvolution(shape, x, new Float32Array(199), b), /199 filter values/);
    const odd = { ...shape, inChannels: 6, channels: 6 };
    assert.throws(() => maxPoolRelu(odd, new Float32Array(16 * 6), new Float32Array(6)), /not multiples of 4/);
    assert.throws(() => maxPoolRelu(shape, new Float32Array(10), b), /10 convolution values/);
    assert.throws(() => maxPoolRelu(shape, new Float32Array(16 * 8), new Float32Array(4)), /4 bias values/);
  });
});
