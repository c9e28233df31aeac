// LeNet's layers and loss, each with its gradient written out (tf.customGrad), for the
// fastest tfjs backend here, WASM: there tfjs's own gradients are missing
// (Conv2DBackpropFilter) or naive loops (Conv2DBackpropInput, MaxPoolGrad, transposed
// matrix products) several times slower than XNNPACK's convolution and plain matrix
// product, and they dominated a step. The convolution blocks are our WebAssembly
// (poolingConvolution.ts) but for conv2's convolution itself, XNNPACK's; the dense layers and
// the loss are tfjs ops. Nothing here needs tfjs's registered gradients, which tfjs-core
// alone does not load.
// The same code runs on every backend, so tests on the CPU backend check the WASM path.
import type { GradSaveFunc, Scalar, Tensor, Tensor1D, Tensor2D, Tensor4D } from '@tensorflow/tfjs-core';
import {
  type PoolingConvolutionShape,
  maxPoolRelu,
  poolingConvolution,
  poolingConvolutionGradients,
  pooledSize,
} from './poolingConvolution';
import type { Tf } from '../util/tfBackend';

/**
 * relu(maxPool(conv2d(x, filter) + bias, pool, stride pool)) of images of one channel, all
 * in our WebAssembly: the images are data (no input gradient), given as their pixels
 * [images][height][width] rather than a tensor, which the computation would only read back.
 */
export function imageConvMaxPoolRelu(
  tf: Tf,
  images: Float32Array,
  [count, height, width]: [number, number, number],
  filter: Tensor4D,
  bias: Tensor1D,
  pool: number,
): Tensor4D {
  const [k, , , channels] = filter.shape;
  const shape = { images: count, height, width, inChannels: 1, k, pool, channels };
  const weights = filter.dataSync() as Float32Array;
  return withGradient(tf, [filter, bias], () => {
    const activation = poolingConvolution(shape, images, weights, bias.dataSync() as Float32Array);
    return {
      value: pooledTensor(tf, shape, activation.out),
      gradFunc: (dy) => {
        const gradients = poolingConvolutionGradients(
          shape,
          images,
          weights,
          activation,
          dy.dataSync() as Float32Array,
        );
        return [tf.tensor4d(gradients.filter, filter.shape), tf.tensor1d(gradients.bias)];
      },
    };
  });
}

/**
 * relu(maxPool(conv2d(x, filter) + bias, pool, stride pool)) with the gradients of x, filter
 * and bias: a stride-1 convolution without padding (XNNPACK's), x NHWC, filter HWIO; the
 * pool and the gradients are our WebAssembly.
 */
export function convMaxPoolRelu(tf: Tf, x: Tensor4D, filter: Tensor4D, bias: Tensor1D, pool: number): Tensor4D {
  const shape = blockShape(x, filter, pool);
  return withGradient(tf, [x, filter, bias], (save) => {
    const conv = tf.conv2d(x, filter, 1, 'valid');
    const activation = maxPoolRelu(shape, conv.dataSync() as Float32Array, bias.dataSync() as Float32Array);
    conv.dispose();
    save([x, filter]);
    return {
      value: pooledTensor(tf, shape, activation.out),
      gradFunc: (dy, [input, weights]) => {
        const gradients = poolingConvolutionGradients(
          shape,
          input.dataSync() as Float32Array,
          weights.dataSync() as Float32Array,
          activation,
          dy.dataSync() as Float32Array,
        );
        return [
          tf.tensor4d(gradients.input!, x.shape),
          tf.tensor4d(gradients.filter, filter.shape),
          tf.tensor1d(gradients.bias),
        ];
      },
    };
  });
}

function blockShape(x: Tensor4D, filter: Tensor4D, pool: number): PoolingConvolutionShape {
  const [images, height, width, inChannels] = x.shape;
  const [k, , , channels] = filter.shape;
  return { images, height, width, inChannels, k, pool, channels };
}

function pooledTensor(tf: Tf, shape: PoolingConvolutionShape, out: Float32Array): Tensor4D {
  return tf.tensor4d(out, [shape.images, ...pooledSize(shape), shape.channels]);
}

/** x·w + b, then ReLU if asked; x [N, ...] flattened to [N, in], w [in, out]. */
export function dense(tf: Tf, x: Tensor, w: Tensor2D, b: Tensor1D, relu: boolean): Tensor2D {
  return withGradient(tf, [x, w, b], (save) => {
    const rows = tf.reshape(x, [x.shape[0], w.shape[0]]) as Tensor2D;
    const out = tf.fused.matMul({ a: rows, b: w, bias: b, activation: relu ? 'relu' : 'linear' }) as Tensor2D;
    save([rows, w, out]);
    return {
      value: out,
      gradFunc: (dy, [rows, weight, out]) => {
        const dz = relu ? (tf.mul(dy, tf.step(out)) as Tensor2D) : dy;
        // Transposing first keeps both products on XNNPACK's path.
        const dx = tf.reshape(tf.matMul(dz, tf.transpose(weight as Tensor2D)), x.shape);
        return [dx, tf.matMul(tf.transpose(rows as Tensor2D), dz), tf.sum(dz, 0)];
      },
    };
  });
}

/**
 * Cross-entropy of softmax(logits) against `labels` (class indices, int32), summed and
 * divided by `total`: the mean by default, a share of a larger batch's mean when the batch
 * is split between threads.
 */
export function crossEntropy(tf: Tf, logits: Tensor2D, labels: Tensor1D, total = logits.shape[0]): Scalar {
  const classes = logits.shape[1];
  return withGradient(tf, [logits], (save) => {
    const oneHot = tf.oneHot(labels, classes);
    const logProbabilities = tf.logSoftmax(logits);
    save([logProbabilities, oneHot]);
    return {
      value: tf.div(tf.neg(tf.sum(tf.mul(oneHot, logProbabilities))), total) as Scalar,
      // d/dlogits = (softmax − one-hot) / total
      gradFunc: (dy, [logProbabilities, oneHot]) => [
        tf.mul(tf.sub(tf.exp(logProbabilities), oneHot), tf.div(dy, total)),
      ],
    };
  });
}

/**
 * tf.customGrad for a fixed list of inputs, with types: `gradFunc` returns one gradient per
 * input. The forward pass may use the inputs from its closure (they are the same tensors),
 * but the gradient only what it saved: the rest of the forward pass is disposed by then.
 */
function withGradient<T extends Tensor>(
  tf: Tf,
  inputs: Tensor[],
  f: (save: GradSaveFunc) => { value: T; gradFunc: (dy: T, saved: Tensor[]) => Tensor[] },
): T {
  const custom = tf.customGrad((...args: (Tensor | GradSaveFunc)[]) => f(args[args.length - 1] as GradSaveFunc));
  return custom(...inputs) as T;
}
