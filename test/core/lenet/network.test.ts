import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { tfjs } from '../../../src/core/util/tfBackend';
import { startTestBackend } from '../../support/backend';
// After the backend: the gradients of tfjs's own ops, for the reference below.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import type { Tensor1D, Tensor2D, Tensor4D } from '@tensorflow/tfjs-core';
import { encodeSafetensors } from '../../../src/core/formats/safetensorsWriter';
import {
  LENET_PARAMETER_NAMES,
  LENET_SHAPES,
  type LenetStateDict,
  type LenetTensors,
  fromTfjs,
  lenetInit,
  lenetLogits,
  toTfjs,
} from '../../../src/core/lenet/network';
import { resolveLenetConfig } from '../../../src/core/lenet/config';
import { crossEntropy } from '../../../src/core/lenet/layers';
import { lenetPredict, trainLenet } from '../../../src/core/lenet/trainer';
import { type Digits, IMAGE_PIXELS, splitMnist } from '../../../src/core/lenet/mnist';
import { seededRandom } from '../../../src/core/util/random';
import { LENET_WORKER, mnistDigits } from '../../support/mnist';
import { NO_TORCH, torchLenet, torchPython } from '../../support/torch';
import { tempFolder, writeFile } from '../../support/weightFiles';
import { relativeError } from '../../support/numbers';

const first = (digits: Digits, count: number): Digits => ({
  count,
  images: digits.images.subarray(0, count * IMAGE_PIXELS),
  labels: digits.labels.subarray(0, count),
});

/** PyTorch's LeNet written out in plain loops over NCHW arrays, from the state dict. */
function referenceLogits(state: LenetStateDict, image: Float32Array): number[] {
  const conv = (x: number[][][], name: 'conv1' | 'conv2') => {
    const w = state[`${name}.weight`];
    const [outC, inC, k] = w.shape;
    const size = x[0].length - k + 1;
    return Array.from({ length: outC }, (_, o) =>
      Array.from({ length: size }, (_, y) =>
        Array.from({ length: size }, (_, xx) => {
          let sum = state[`${name}.bias`].values[o];
          for (let i = 0; i < inC; i++)
            for (let kh = 0; kh < k; kh++)
              for (let kw = 0; kw < k; kw++) sum += w.values[((o * inC + i) * k + kh) * k + kw] * x[i][y + kh][xx + kw];
          return sum;
        }),
      ),
    );
  };
  const poolRelu = (x: number[][][], p: number) =>
    x.map((plane) =>
      Array.from({ length: Math.floor(plane.length / p) }, (_, y) =>
        Array.from({ length: Math.floor(plane.length / p) }, (_, xx) => {
          const window = plane.slice(y * p, y * p + p).flatMap((row) => row.slice(xx * p, xx * p + p));
          return Math.max(0, ...window);
        }),
      ),
    );
  const linear = (x: number[], name: 'fc1' | 'fc2') => {
    const [outN, inN] = state[`${name}.weight`].shape;
    return Array.from({ length: outN }, (_, o) =>
      x.reduce((sum, v, i) => sum + state[`${name}.weight`].values[o * inN + i] * v, state[`${name}.bias`].values[o]),
    );
  };
  const input = [Array.from({ length: 28 }, (_, y) => Array.from(image.subarray(y * 28, y * 28 + 28)))];
  const features = poolRelu(conv(poolRelu(conv(input, 'conv1'), 3), 'conv2'), 2).flat(2); // C×H×W
  return linear(
    linear(features, 'fc1').map((v) => Math.max(0, v)),
    'fc2',
  );
}

/** Our gradients and tfjs autograd's over its plain ops, on the current backend. */
function lenetGradients(state: LenetStateDict, digits: Digits, reference: boolean): LenetStateDict {
  const tf = tfjs();
  const initial = toTfjs(tf, state);
  const params = Object.fromEntries(
    LENET_PARAMETER_NAMES.map((name) => [name, tf.variable(initial[name])]),
  ) as unknown as LenetTensors;
  const x = tf.tensor4d(digits.images, [digits.count, 28, 28, 1]);
  const y = tf.tensor1d(Int32Array.from(digits.labels), 'int32');
  const logits = () => (reference ? plainLogits(params, x) : lenetLogits(tf, params, digits.images));
  const { grads } = tf.variableGrads(() => crossEntropy(tf, logits(), y));
  const byName = Object.fromEntries(
    LENET_PARAMETER_NAMES.map((name) => [name, grads[(params[name] as unknown as { name: string }).name]]),
  ) as LenetTensors;
  const result = fromTfjs(tf, byName);
  tf.dispose([...Object.values(initial), ...Object.values(params), ...Object.values(grads), x, y]);
  return result;
}

/** LeNet from tfjs's own ops, differentiated by tfjs's registered gradients. */
function plainLogits(p: LenetTensors, x: Tensor4D): Tensor2D {
  const tf = tfjs();
  const block = (input: Tensor4D, name: 'conv1' | 'conv2', pool: number) =>
    tf.relu(
      tf.maxPool(
        tf.add(tf.conv2d(input, p[`${name}.weight`] as Tensor4D, 1, 'valid'), p[`${name}.bias`]) as Tensor4D,
        pool,
        pool,
        'valid',
      ),
    );
  const h2 = block(block(x, 'conv1', 3), 'conv2', 2);
  const h3 = tf.relu(tf.add(tf.matMul(tf.reshape(h2, [x.shape[0], 256]), p['fc1.weight'] as Tensor2D), p['fc1.bias']));
  return tf.add(tf.matMul(h3 as Tensor2D, p['fc2.weight'] as Tensor2D), p['fc2.bias'] as Tensor1D) as Tensor2D;
}

describe('LeNet', () => {
  before(async () => {
    assert.equal(await startTestBackend(), 'wasm');
  });

  it('starts from PyTorch’s default initialisation, the same for the same seed', () => {
    const state = lenetInit(seededRandom(7));
    assert.deepEqual(Object.keys(state), Object.keys(LENET_SHAPES));
    const fanIns = { conv1: 25, conv2: 800, fc1: 256, fc2: 200 };
    for (const name of LENET_PARAMETER_NAMES) {
      const { shape, values } = state[name];
      assert.deepEqual(shape, LENET_SHAPES[name]);
      const bound = 1 / Math.sqrt(fanIns[name.split('.')[0] as keyof typeof fanIns]);
      const largest = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      assert.ok(largest <= bound && largest > bound * 0.8, `${name}: largest ${largest}, bound ${bound}`);
    }
    assert.deepEqual(lenetInit(seededRandom(7)), state);
    assert.notDeepEqual(lenetInit(seededRandom(8))['conv1.weight'], state['conv1.weight']);
  });

  it('converts between PyTorch’s layouts and tfjs’s without loss', () => {
    const tf = tfjs();
    const state = lenetInit(seededRandom(1));
    const tensors = toTfjs(tf, state);
    assert.deepEqual(tensors['conv2.weight'].shape, [5, 5, 32, 64]);
    assert.deepEqual(tensors['fc1.weight'].shape, [256, 200]);
    assert.deepEqual(fromTfjs(tf, tensors), state);
    tf.dispose(Object.values(tensors));
  });

  it('computes PyTorch’s LeNet: NCHW, flattened channel by channel before fc1', async () => {
    const state = lenetInit(seededRandom(2));
    const digits = first(splitMnist(mnistDigits()).test, 3);
    const logits = lenetPredict(state, digits);
    for (let i = 0; i < digits.count; i++) {
      const expected = referenceLogits(state, digits.images.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS));
      assert.ok(relativeError(logits.subarray(i * 10, i * 10 + 10), expected) < 1e-5, `digit ${i}`);
    }
  });

  it('has the gradients of tfjs’s autograd over its plain ops, on WASM and on the CPU backend', async () => {
    const tf = tfjs();
    const state = lenetInit(seededRandom(3));
    const digits = first(splitMnist(mnistDigits()).train, 8);
    const wasm = lenetGradients(state, digits, false);
    try {
      await tf.setBackend('cpu');
      const cpu = lenetGradients(state, digits, false);
      const reference = lenetGradients(state, digits, true);
      for (const name of LENET_PARAMETER_NAMES) {
        assert.ok(relativeError(wasm[name].values, reference[name].values) < 1e-5, `wasm ${name}`);
        assert.ok(relativeError(cpu[name].values, reference[name].values) < 1e-5, `cpu ${name}`);
      }
    } finally {
      await tf.setBackend('wasm');
    }
  });

  it('writes weights that PyTorch loads and computes the same logits and gradients with', async (t) => {
    const python = torchPython();
    if (!python) return t.skip(NO_TORCH);
    const data = splitMnist(mnistDigits(), 256);
    const run = await trainLenet(data, resolveLenetConfig({ epochs: 1 }), { workerScript: LENET_WORKER });
    const file = writeFile(tempFolder(t), 'lenet.safetensors', encodeSafetensors(Object.entries(run.state)));
    const digits = first(data.test, 100);
    const torch = torchLenet(python, file, digits);
    const logits = lenetPredict(run.state, digits);
    assert.ok(relativeError(logits, torch.logits.flat()) < 1e-5, 'logits');
    const argmax = (row: ArrayLike<number>) => Array.prototype.indexOf.call(row, Math.max(...Array.from(row)));
    for (let i = 0; i < digits.count; i++) {
      assert.equal(argmax(logits.subarray(i * 10, i * 10 + 10)), argmax(torch.logits[i]), `digit ${i}`);
    }
    const ours = lenetGradients(run.state, digits, false);
    for (const name of LENET_PARAMETER_NAMES) {
      assert.ok(relativeError(ours[name].values, torch.grads[name]) < 1e-4, `gradient of ${name}`);
    }
  });
});
