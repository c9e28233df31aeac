// LeNet's layers and loss, each with its gradient written out (tf.customGrad), for the
// fastest tfjs backend here, WASM: there tfjs's own gradients are missing
// (Conv2DBackpropFilter) or naive loops (Conv2DBackpropInput, MaxPoolGrad, transposed
// matrix products) several times slower than XNNPACK's convolution and plain matrix
// product, and they dominated a step. The forward passes are tfjs's. Nothing here needs
// tfjs's registered gradients, which tfjs-core alone does not load.
// The same code runs on every backend, so tests on the CPU backend check the WASM path.
import type { GradSaveFunc, Scalar, Tensor, Tensor1D, Tensor2D, Tensor4D } from '@tensorflow/tfjs-core';
import {
  type Shape4,
  convInputGradient,
  denseFilterGradient,
  firstMaxima,
  routeToMaxima,
  sparseFilterGradient,
} from './convolutionGradients';
import type { Tf } from './tfBackend';

/** From pools of 3 × 3, the filter gradient's sparse form is the faster (see sparseFilterGradient). */
const SPARSE_FROM = 9;

/**
 * relu(maxPool(conv2d(x, filter) + bias, pool, stride pool)): a stride-1 convolution without
 * padding, x NHWC, filter HWIO. The bias is added after the pool, which is the same and
 * pool² times cheaper. `inputGradient: false` (x is data) skips the input's gradient.
 */
export function convMaxPoolRelu(
  tf: Tf,
  x: Tensor4D,
  filter: Tensor4D,
  bias: Tensor1D,
  pool: number,
  inputGradient: boolean,
): Tensor4D {
  return withGradient(tf, inputGradient ? [x, filter, bias] : [filter, bias], (save) => {
    const conv = tf.conv2d(x, filter, 1, 'valid');
    const pooled = tf.maxPool(conv, pool, pool, 'valid');
    const out = tf.relu(tf.add(pooled, bias)) as Tensor4D;
    save([x, filter, conv, pooled, out]);
    return {
      value: out,
      gradFunc: (dy, [input, w, conv, pooled, out]) => {
        const dPooled = tf.mul(dy, tf.step(out)) as Tensor4D;
        let routed: Tensor2D | undefined;
        const dConv = () =>
          (routed ??= routeToMaxima(tf, firstMaxima(conv as Tensor4D, pool), dPooled, conv.shape as Shape4));
        const dFilter =
          pool * pool >= SPARSE_FROM
            ? sparseFilterGradient(tf, input as Tensor4D, conv as Tensor4D, pooled as Tensor4D, dPooled, filter.shape)
            : denseFilterGradient(tf, input as Tensor4D, dConv(), filter.shape);
        const dBias = tf.sum(dPooled, [0, 1, 2]);
        return inputGradient
          ? [convInputGradient(tf, dConv(), w as Tensor4D, x.shape), dFilter, dBias]
          : [dFilter, dBias];
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
