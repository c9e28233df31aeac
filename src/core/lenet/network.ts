// The course's LeNet (EE-559 8.1) for 28×28 MNIST digits:
//   Conv2d(1, 32, 5) → max-pool 3 → ReLU → Conv2d(32, 64, 5) → max-pool 2 → ReLU
//   → Linear(256, 200) → ReLU → Linear(200, 10)
// shapes 28 → 24 → 8 → 4 → 2, and 64 × 2 × 2 = 256 features.
//
// Weights are exchanged in PyTorch's layouts and state_dict names (conv OIHW, Linear
// [out, in], fc1's inputs in C×H×W order), so a file written here loads into PyTorch.
// tfjs computes in NHWC with HWIO filters and [in, out] matrices, and flattens H×W×C:
// toTfjs/fromTfjs convert at the boundary, fc1's rows included, so no transpose runs
// per batch.
import type { Tensor, Tensor1D, Tensor2D, Tensor4D } from '@tensorflow/tfjs-core';
import { convMaxPoolRelu, dense, imageConvMaxPoolRelu } from './layers';
import type { TensorValues } from '../formats/weightFile';
import { IMAGE_PIXELS, IMAGE_SIDE } from './mnist';
import { type Random, pytorchDefaultInit } from '../util/random';
import type { Tf } from '../util/tfBackend';

/** PyTorch's state_dict names and shapes, in its order. */
export const LENET_SHAPES = {
  'conv1.weight': [32, 1, 5, 5],
  'conv1.bias': [32],
  'conv2.weight': [64, 32, 5, 5],
  'conv2.bias': [64],
  'fc1.weight': [200, 256],
  'fc1.bias': [200],
  'fc2.weight': [10, 200],
  'fc2.bias': [10],
} as const satisfies Record<string, readonly number[]>;

export type LenetParameterName = keyof typeof LENET_SHAPES;
export const LENET_PARAMETER_NAMES = Object.keys(LENET_SHAPES) as LenetParameterName[];

/** The same parameters in tfjs's layouts (HWIO filters, [in, out] matrices; see toTfjs). */
export const LENET_TFJS_SHAPES: Record<LenetParameterName, number[]> = {
  'conv1.weight': [5, 5, 1, 32],
  'conv1.bias': [32],
  'conv2.weight': [5, 5, 32, 64],
  'conv2.bias': [64],
  'fc1.weight': [256, 200],
  'fc1.bias': [200],
  'fc2.weight': [200, 10],
  'fc2.bias': [10],
};

/** Weights in PyTorch's layouts, by state_dict name. */
export type LenetStateDict = Record<LenetParameterName, TensorValues>;

/** The same weights as tfjs tensors in its layouts (HWIO filters, [in, out] matrices). */
export type LenetTensors = Record<LenetParameterName, Tensor>;

/** fc1's input is conv2's 64 channels of 2 × 2: its weight seen as a 64 → 200 kernel of 2 × 2. */
const FC1_AS_KERNEL = [200, 64, 2, 2];
const OIHW_TO_HWIO = [2, 3, 1, 0];
const HWIO_TO_OIHW = [3, 2, 0, 1];

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Values in all the parameters: the length of a flat array holding them (see lenetViews). */
export const LENET_SIZE = LENET_PARAMETER_NAMES.reduce((total, name) => total + size(LENET_SHAPES[name]), 0);

/**
 * Each parameter's values, in tfjs's layout, as a view into one flat array of LENET_SIZE
 * values in state_dict order: weights and gradients travel between threads that way.
 */
export function lenetViews(flat: Float32Array): Record<LenetParameterName, Float32Array> {
  let offset = 0;
  const entries = LENET_PARAMETER_NAMES.map((name) => {
    const length = size(LENET_SHAPES[name]);
    offset += length;
    return [name, flat.subarray(offset - length, offset)];
  });
  return Object.fromEntries(entries) as Record<LenetParameterName, Float32Array>;
}

/** f applied to tensors (copies) of the parameters in a flat array; they are disposed after. */
export function withLenetTensors<T>(tf: Tf, flat: Float32Array, f: (params: LenetTensors) => T): T {
  const views = lenetViews(flat);
  const entries = LENET_PARAMETER_NAMES.map((name) => [name, tf.tensor(views[name], LENET_TFJS_SHAPES[name])]);
  const params = Object.fromEntries(entries) as LenetTensors;
  try {
    return f(params);
  } finally {
    tf.dispose(Object.values(params));
  }
}

/** PyTorch's default initialisation (uniform in ±1/√fan_in), drawn in state_dict order. */
export function lenetInit(rng: Random): LenetStateDict {
  const entries = LENET_PARAMETER_NAMES.map((name) => {
    const shape = LENET_SHAPES[name];
    const fanIn = size(LENET_SHAPES[name.replace('bias', 'weight') as LenetParameterName].slice(1));
    return [name, { shape: [...shape], values: pytorchDefaultInit(rng, size(shape), fanIn) }];
  });
  return Object.fromEntries(entries) as LenetStateDict;
}

/** PyTorch layouts → tfjs layouts. */
export function toTfjs(tf: Tf, state: LenetStateDict): LenetTensors {
  return tf.tidy(() => {
    const tensor = (name: LenetParameterName) => tf.tensor(state[name].values, state[name].shape);
    return {
      'conv1.weight': tf.transpose(tensor('conv1.weight'), OIHW_TO_HWIO),
      'conv1.bias': tensor('conv1.bias'),
      'conv2.weight': tf.transpose(tensor('conv2.weight'), OIHW_TO_HWIO),
      'conv2.bias': tensor('conv2.bias'),
      'fc1.weight': tf.reshape(tf.transpose(tf.reshape(tensor('fc1.weight'), FC1_AS_KERNEL), OIHW_TO_HWIO), [256, 200]),
      'fc1.bias': tensor('fc1.bias'),
      'fc2.weight': tf.transpose(tensor('fc2.weight')),
      'fc2.bias': tensor('fc2.bias'),
    };
  });
}

/** tfjs layouts → PyTorch layouts. */
export function fromTfjs(tf: Tf, tensors: LenetTensors): LenetStateDict {
  const torchOrder: Record<LenetParameterName, () => Tensor> = {
    'conv1.weight': () => tf.transpose(tensors['conv1.weight'], HWIO_TO_OIHW),
    'conv1.bias': () => tf.clone(tensors['conv1.bias']),
    'conv2.weight': () => tf.transpose(tensors['conv2.weight'], HWIO_TO_OIHW),
    'conv2.bias': () => tf.clone(tensors['conv2.bias']),
    'fc1.weight': () => tf.transpose(tf.reshape(tensors['fc1.weight'], [2, 2, 64, 200]), HWIO_TO_OIHW),
    'fc1.bias': () => tf.clone(tensors['fc1.bias']),
    'fc2.weight': () => tf.transpose(tensors['fc2.weight']),
    'fc2.bias': () => tf.clone(tensors['fc2.bias']),
  };
  const entries = LENET_PARAMETER_NAMES.map((name) => {
    const tensor = tf.tidy(torchOrder[name]);
    const values = tensor.dataSync() as Float32Array;
    tensor.dispose();
    return [name, { shape: [...LENET_SHAPES[name]], values }];
  });
  return Object.fromEntries(entries) as LenetStateDict;
}

/** A convolution kernel in PyTorch's OIHW order, as snapshots carry it. */
export function kernelOIHW(tf: Tf, hwio: Tensor): Float32Array {
  const oihw = tf.transpose(hwio, HWIO_TO_OIHW);
  const values = oihw.dataSync() as Float32Array;
  oihw.dispose();
  return values;
}

/** Class scores for a batch of digits: their 28 × 28 pixels in [0, 1], one digit after another. */
export function lenetLogits(tf: Tf, p: LenetTensors, images: Float32Array): Tensor2D {
  const shape: [number, number, number] = [images.length / IMAGE_PIXELS, IMAGE_SIDE, IMAGE_SIDE];
  const h1 = imageConvMaxPoolRelu(tf, images, shape, p['conv1.weight'] as Tensor4D, p['conv1.bias'] as Tensor1D, 3);
  const h2 = convMaxPoolRelu(tf, h1, p['conv2.weight'] as Tensor4D, p['conv2.bias'] as Tensor1D, 2);
  const h3 = dense(tf, h2, p['fc1.weight'] as Tensor2D, p['fc1.bias'] as Tensor1D, true);
  return dense(tf, h3, p['fc2.weight'] as Tensor2D, p['fc2.bias'] as Tensor1D, false);
}
