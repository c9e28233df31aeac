// The gradients of a stride-1 convolution followed by a max-pool of stride = size, for
// lenetLayers: the pool's routing is a loop in JavaScript over typed arrays (tfjs-wasm's
// MaxPoolWithArgmax keeps the last maximum, not PyTorch's first, and starts from the
// smallest positive float, not −∞), the rest XNNPACK's convolution and plain matrix
// product, and scatterND. Tensors are NHWC, filters HWIO;
// "positions" are the convolution's outputs (b, y, x) in row-major order.
import type { Tensor2D, Tensor4D } from '@tensorflow/tfjs-core';
import type { Tf } from './tfBackend';

export type Shape4 = [number, number, number, number];

/**
 * For each pooled value (b, y, x, c), the flat index in `conv` of its window's first maximum
 * in row-major order: where PyTorch's max-pool sends the gradient.
 */
export function firstMaxima(conv: Tensor4D, pool: number): Int32Array {
  const [batch, height, width, channels] = conv.shape;
  const [outHeight, outWidth] = [Math.floor(height / pool), Math.floor(width / pool)];
  const values = conv.dataSync();
  const maxima = new Int32Array(batch * outHeight * outWidth * channels);
  const best = new Float32Array(channels);
  let o = 0;
  for (let b = 0; b < batch; b++) {
    for (let y = 0; y < outHeight; y++) {
      for (let x = 0; x < outWidth; x++, o += channels) {
        best.fill(-Infinity);
        for (let i = 0; i < pool; i++) {
          for (let j = 0; j < pool; j++) {
            const base = ((b * height + y * pool + i) * width + x * pool + j) * channels;
            for (let c = 0; c < channels; c++) {
              if (values[base + c] > best[c]) {
                best[c] = values[base + c];
                maxima[o + c] = base + c;
              }
            }
          }
        }
      }
    }
  }
  return maxima;
}

/** The pool's input gradient, as [positions, channels]: each pooled gradient at its maximum. */
export function routeToMaxima(tf: Tf, maxima: Int32Array, dPooled: Tensor4D, convShape: Shape4): Tensor2D {
  const channels = convShape[3];
  const size = convShape.reduce((a, b) => a * b, 1);
  const indices = tf.tensor2d(maxima, [maxima.length, 1], 'int32');
  return tf.reshape(tf.scatterND(indices, tf.reshape(dPooled, [-1]), [size]), [size / channels, channels]);
}

/**
 * dW[kh, kw, i, o] = Σ_{b, y, x} X[b, y + kh, x + kw, i] · dConv[b, y, x, o] is itself a
 * convolution, of X seen as [I, H, W, B] with dConv seen as an [OH, OW, B, O] filter:
 * XNNPACK computes it, faster than an im2col product.
 */
export function denseFilterGradient(tf: Tf, x: Tensor4D, dConv: Tensor2D, shape: Shape4): Tensor4D {
  const [batch, height, width] = x.shape;
  const [k, , , outChannels] = shape;
  const dConvAsFilter = tf.transpose(
    tf.reshape(dConv, [batch, height - k + 1, width - k + 1, outChannels]),
    [1, 2, 0, 3],
  );
  const gradient = tf.conv2d(tf.transpose(x, [3, 1, 2, 0]), dConvAsFilter as Tensor4D, 1, 'valid'); // [I, K, K, O]
  return tf.transpose(gradient, [1, 2, 0, 3]);
}

/**
 * dX: one matrix product dConv · Wᵀ gives every (position, kernel tap) contribution, and
 * scatterND adds them up where they land (col2im).
 */
export function convInputGradient(
  tf: Tf,
  dConv: Tensor2D,
  w: Tensor4D,
  [batch, height, width, channels]: Shape4,
): Tensor4D {
  const [k, , , outChannels] = w.shape;
  const kernelByOutput = tf.reshape(tf.transpose(w, [3, 0, 1, 2]), [outChannels, k * k * channels]);
  const contributions = tf.matMul(dConv, kernelByOutput);
  const rows = col2imRows(batch, height, width, k);
  const summed = tf.scatterND(
    tf.tensor2d(rows, [rows.length, 1], 'int32'),
    tf.reshape(contributions, [rows.length, channels]),
    [batch * height * width, channels],
  );
  return tf.reshape(summed, [batch, height, width, channels]);
}

/** By batch and image shape: a run meets one or two (the last batch may be smaller). */
const rowCache = new Map<string, Int32Array>();

/** For each (b, y, x, kh, kw) contribution, its input row (b·H + y + kh)·W + x + kw. */
function col2imRows(batch: number, height: number, width: number, k: number): Int32Array {
  const key = [batch, height, width, k].join();
  let rows = rowCache.get(key);
  if (!rows) {
    const [outHeight, outWidth] = [height - k + 1, width - k + 1];
    rows = new Int32Array(batch * outHeight * outWidth * k * k);
    let i = 0;
    for (let b = 0; b < batch; b++)
      for (let y = 0; y < outHeight; y++)
        for (let x = 0; x < outWidth; x++)
          for (let kh = 0; kh < k; kh++)
            for (let kw = 0; kw < k; kw++) rows[i++] = (b * height + y + kh) * width + x + kw;
    rowCache.set(key, rows);
  }
  return rows;
}
