// LeNet's layers and loss, each with its gradient written out (tf.customGrad), for the
// fastest tfjs backend here, WASM: there tfjs's own gradients are missing
// (Conv2DBackpropFilter) or naive loops (Conv2DBackpropInput, MaxPoolGrad, transposed
// matrix products) several times slower than XNNPACK's convolution and plain matrix
// product, and they dominated a step. The forward passes are tfjs's but the first block's,
// which is ours in WebAssembly like its gradient. Nothing here needs tfjs's registered
// gradients, which tfjs-core alone does not load.
// The same code runs on every backend, so tests on the CPU backend check the WASM path.
import type { GradSaveFunc, Scalar, Tensor, Tensor1D, Tensor2D, Tensor4D } from '@tensorflow/tfjs-core';
import {
  type Shape4,
  convInputGradient,
  denseFilterGradient,
  firstMaxima,
  routeToMaxima,
} from './convolutionGradients';
import { poolingConvolution, poolingConvolutionGradient, pooledSize } from './poolingConvolution';
import type { Tf } from './tfBackend';

/**
 * relu(maxPool(conv2d(x, filter) + bias, pool, stride pool)) of images of one channel (x is
 * data: no input gradient), in our own WebAssembly (poolingConvolution.ts): x NHWC with
 * C = 1, filter HWIO.
 */
export function imageConvMaxPoolRelu(tf: Tf, x: Tensor4D, filter: Tensor4D, bias: Tensor1D, pool: number): Tensor4D {
  const [images, height, width] = x.shape;
  const [k, , , channels] = filter.shape;
  const shape = { images, height, width, k, pool, channels };
  const input = x.dataSync() as Float32Array;
  return withGradient(tf, [filter, bias], () => {
    const activation = poolingConvolution(
      shape,
      input,
      filter.dataSync() as Float32Array,
      bias.dataSync() as Float32Array,
    );
    return {
      value: tf.tensor4d(activation.out, [images, ...pooledSize(shape), channels]),
      gradFunc: (dy) => {
        const gradient = poolingConvolutionGradient(shape, input, activation, dy.dataSync() as Float32Array);
        return [tf.tensor4d(gradient.filter, filter.shape), tf.tensor1d(gradient.bias)];
      },
    };
  });
}

/**
 * relu(maxPool(conv2d(x, filter) + bias, pool, stride pool)): a stride-1 convolution without
 * padding, x NHWC, filter HWIO, with the gradients of x, filter and bias. The bias is added
 * after the pool, which is the same and pool² times cheaper.
 */
export function convMaxPoolRelu(tf: Tf, x: Tensor4D, filter: Tensor4D, bias: Tensor1D, pool: number): Tensor4D {
  return withGradient(tf, [x, filter, bias], (save) => {
    const conv = tf.conv2d(x, filter, 1, 'valid');
    const out = tf.relu(tf.add(tf.maxPool(conv, pool, pool, 'valid'), bias)) as Tensor4D;
    save([x, filter, conv, out]);
    return {
      value: out,
      gradFunc: (dy, [input, w, conv, out]) => {
        const dPooled = tf.mul(dy, tf.step(out)) as Tensor4D;
        const dConv = routeToMaxima(tf, firstMaxima(conv as Tensor4D, pool), dPooled, conv.shape as Shape4);
        return [
          convInputGradient(tf, dConv, w as Tensor4D, x.shape),
          denseFilterGradient(tf, input as Tensor4D, dConv, filter.shape),
          tf.sum(dPooled, [0, 1, 2]),
        ];
      },
    };
  });
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
