// What one thread computes for LeNet's training: the gradient of a share of a mini-batch,
// and class scores of digits. The trainer's worker threads run these (worker.ts);
// lenetPredict runs logitsOf on the calling thread.
import type { Tensor } from '@tensorflow/tfjs-core';
import { LENET_PARAMETER_NAMES, type LenetTensors, lenetLogits, lenetViews, withLenetTensors } from './network';
import { crossEntropy } from './layers';
import { CLASSES, type Digits, IMAGE_PIXELS } from './mnist';
import type { Tf } from '../util/tfBackend';

/** Digits per forward pass when evaluating: bounds memory (conv1's pooled output and cells are 16 KB a digit). */
const EVALUATION_BATCH = 250;

export interface StepShare {
  /** Cross-entropy summed over the share's digits, divided by the whole batch's size. */
  loss: number;
  /** Digits of the share classified right, before the update. */
  correct: number;
}

/**
 * The gradient of the cross-entropy of the digits at `indices` (summed, divided by `total`,
 * the whole mini-batch's size), at the weights in `weights`, written into `gradient`: both
 * flat arrays in lenetViews's layout. Shares of one batch add up to the batch's gradient.
 */
export function gradientShare(
  tf: Tf,
  weights: Float32Array,
  digits: Digits,
  indices: Uint32Array,
  total: number,
  gradient: Float32Array,
): StepShare {
  const { images, labels } = batchOf(digits, indices);
  return withLenetTensors(tf, weights, (params) => {
    let correct: Tensor | undefined;
    const { value, grads } = tf.tidy(() => {
      const y = tf.tensor1d(labels, 'int32');
      const lossOf = (...values: Tensor[]) => {
        const named = Object.fromEntries(LENET_PARAMETER_NAMES.map((name, i) => [name, values[i]])) as LenetTensors;
        const logits = lenetLogits(tf, named, images);
        correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), y), 'int32')));
        return crossEntropy(tf, logits, y, total);
      };
      return tf.valueAndGrads(lossOf)(LENET_PARAMETER_NAMES.map((name) => params[name]));
    });
    const views = lenetViews(gradient);
    LENET_PARAMETER_NAMES.forEach((name, i) => views[name].set(grads[i].dataSync()));
    const share = { loss: value.dataSync()[0], correct: correct!.dataSync()[0] };
    tf.dispose([value, correct!, ...grads]);
    return share;
  });
}

function batchOf(digits: Digits, indices: Uint32Array): { images: Float32Array; labels: Int32Array } {
  const images = new Float32Array(indices.length * IMAGE_PIXELS);
  const labels = new Int32Array(indices.length);
  indices.forEach((index, i) => {
    images.set(digits.images.subarray(index * IMAGE_PIXELS, (index + 1) * IMAGE_PIXELS), i * IMAGE_PIXELS);
    labels[i] = digits.labels[index];
  });
  return { images, labels };
}

/** Class scores [count × 10] of the digits from `start`, in slices of EVALUATION_BATCH. */
export function logitsOf(tf: Tf, params: LenetTensors, digits: Digits, start = 0, count = digits.count): Float32Array {
  const logits = new Float32Array(count * CLASSES);
  for (let done = 0; done < count; done += EVALUATION_BATCH) {
    const size = Math.min(EVALUATION_BATCH, count - done);
    const first = (start + done) * IMAGE_PIXELS;
    const slice = tf.tidy(() => lenetLogits(tf, params, digits.images.subarray(first, first + size * IMAGE_PIXELS)));
    logits.set(slice.dataSync(), done * CLASSES);
    slice.dispose();
  }
  return logits;
}

/** How many of `count` digits from `start` the weights in `weights` (flat) classify right. */
export function correctCount(tf: Tf, weights: Float32Array, digits: Digits, start: number, count: number): number {
  return withLenetTensors(tf, weights, (params) => {
    const logits = logitsOf(tf, params, digits, start, count);
    let correct = 0;
    for (let i = 0; i < count; i++) {
      const scores = logits.subarray(i * CLASSES, (i + 1) * CLASSES);
      if (scores.indexOf(Math.max(...scores)) === digits.labels[start + i]) correct++;
    }
    return correct;
  });
}
