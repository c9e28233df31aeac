// Trains the course's LeNet on MNIST digits with TensorFlow.js (autograd, Adam or SGD,
// shuffled mini-batches, cross-entropy), streaming snapshots of the convolution filters
// as they change. It returns to the event loop after every step (30–40 ms with WASM) and
// every EVALUATION_BATCH test digits, so a host stays responsive and an AbortSignal is
// honoured at the next step.
import type { Optimizer, Tensor, Tensor4D, Variable } from '@tensorflow/tfjs-core';
import { yieldToEventLoop } from './eventLoop';
import { encodeSafetensors } from './formats/safetensorsWriter';
import {
  LENET_PARAMETER_NAMES,
  type LenetStateDict,
  type LenetTensors,
  fromTfjs,
  kernelOIHW,
  lenetInit,
  lenetLogits,
  toTfjs,
} from './lenet';
import type { LenetConfig } from './lenetConfig';
import { crossEntropy } from './lenetLayers';
import { CLASSES, type Digits, IMAGE_PIXELS, IMAGE_SIDE, type MnistSplit } from './mnist';
import { seededRandom } from './random';
import { type Tf, activeBackend, tfjs } from './tfBackend';

/** The network during training, as an evolution view shows it. */
export interface LenetSnapshot {
  /** The epoch the step belongs to, from 1 (0 with the initial weights). */
  epoch: number;
  /** Optimizer steps done (0: the initial weights). */
  step: number;
  /** conv1.weight, [32, 1, 5, 5] in PyTorch's OIHW order (LENET_SHAPES). A fresh copy. */
  conv1: Float32Array;
  /** conv2.weight, [64, 32, 5, 5] OIHW. A fresh copy. */
  conv2: Float32Array;
  /** Mean cross-entropy of the mini-batches since the previous snapshot (absent at step 0). */
  loss?: number;
  /** Accuracy on those mini-batches, each measured before its update (absent at step 0). */
  trainAccuracy?: number;
  /** On the test set: only in the snapshot that ends an epoch. */
  testAccuracy?: number;
}

export interface LenetProgress {
  epoch: number;
  epochs: number;
  /** Mini-batch within the epoch, from 1. */
  batch: number;
  batches: number;
  /** Steps done in the whole run, and its total. */
  step: number;
  steps: number;
  /** Cross-entropy of this mini-batch. */
  loss: number;
}

export interface LenetTrainOptions {
  /** Aborting stops training before the next step; the run so far is returned. */
  signal?: AbortSignal;
  /** After every step. */
  onProgress?: (progress: LenetProgress) => void;
  /** At step 0, every `snapshotEverySteps` steps and at the end of each epoch. */
  onSnapshot?: (snapshot: LenetSnapshot) => void;
  /** 0: only step 0 and epoch ends. Default DEFAULT_SNAPSHOT_EVERY_STEPS. */
  snapshotEverySteps?: number;
}

export interface LenetEpoch {
  epoch: number;
  loss: number;
  trainAccuracy: number;
  testAccuracy: number;
  /** Training time of the epoch, without the test-set evaluation and snapshots. */
  seconds: number;
}

export interface LenetRun {
  backend: string;
  config: LenetConfig;
  trainSize: number;
  testSize: number;
  /** Optimizer steps done. */
  steps: number;
  aborted: boolean;
  /** The epochs completed. */
  epochs: LenetEpoch[];
  /** Of the returned weights on the test set. */
  testAccuracy: number;
  /** The trained weights in PyTorch's layouts and names (lenetSafetensors writes them). */
  state: LenetStateDict;
}

/** About 5 snapshots per epoch of 8,000 digits in batches of 64. */
export const DEFAULT_SNAPSHOT_EVERY_STEPS = 25;
/**
 * Digits per forward pass when evaluating, with a return to the event loop after each:
 * bounds memory (conv1's output is 74 KB a digit) and the time the host waits.
 */
const EVALUATION_BATCH = 250;

export async function trainLenet(
  data: MnistSplit,
  config: LenetConfig,
  options: LenetTrainOptions = {},
): Promise<LenetRun> {
  const tf = tfjs();
  const rng = seededRandom(config.seed);
  const initial = toTfjs(tf, lenetInit(rng));
  const params = Object.fromEntries(
    LENET_PARAMETER_NAMES.map((name) => [name, tf.variable(initial[name], true)]),
  ) as Record<keyof LenetTensors, Variable>;
  tf.dispose(Object.values(initial));
  const optimizer: Optimizer =
    config.optimizer === 'adam'
      ? tf.train.adam(config.learningRate, 0.9, 0.999, 1e-8) // PyTorch's epsilon
      : tf.train.sgd(config.learningRate);
  const batches = Math.ceil(data.train.count / config.batchSize);
  const every = options.snapshotEverySteps ?? DEFAULT_SNAPSHOT_EVERY_STEPS;
  const epochs: LenetEpoch[] = [];
  let steps = 0;
  let aborted = false;
  // The mini-batches since the last snapshot.
  let recent = { loss: 0, correct: 0, seen: 0, steps: 0 };
  const snapshot = (epoch: number, testAccuracy?: number) => {
    options.onSnapshot?.({
      epoch,
      step: steps,
      conv1: kernelOIHW(tf, params['conv1.weight']),
      conv2: kernelOIHW(tf, params['conv2.weight']),
      ...(recent.steps > 0 && { loss: recent.loss / recent.steps, trainAccuracy: recent.correct / recent.seen }),
      ...(testAccuracy !== undefined && { testAccuracy }),
    });
    recent = { loss: 0, correct: 0, seen: 0, steps: 0 };
  };
  try {
    snapshot(0);
    for (let epoch = 1; epoch <= config.epochs && !aborted; epoch++) {
      const order = rng.permutation(data.train.count);
      const totals = { loss: 0, correct: 0, seconds: 0 };
      for (let batch = 1; batch <= batches; batch++) {
        if (options.signal?.aborted) {
          aborted = true;
          break;
        }
        const started = performance.now();
        const indices = order.subarray((batch - 1) * config.batchSize, batch * config.batchSize);
        const { loss, correct } = trainStep(tf, params, optimizer, data.train, indices);
        totals.seconds += (performance.now() - started) / 1000;
        steps++;
        totals.loss += loss * indices.length;
        totals.correct += correct;
        recent = {
          loss: recent.loss + loss,
          correct: recent.correct + correct,
          seen: recent.seen + indices.length,
          steps: recent.steps + 1,
        };
        const progress = { epoch, epochs: config.epochs, batch, batches, step: steps, steps: config.epochs * batches };
        options.onProgress?.({ ...progress, loss });
        if (batch === batches) {
          const testAccuracy = await accuracy(tf, params, data.test);
          const { count } = data.train;
          epochs.push({
            epoch,
            loss: totals.loss / count,
            trainAccuracy: totals.correct / count,
            testAccuracy,
            seconds: totals.seconds,
          });
          snapshot(epoch, testAccuracy);
        } else if (every > 0 && steps % every === 0) {
          snapshot(epoch);
        }
        await yieldToEventLoop();
      }
    }
    // Stopped mid-epoch: measured again, on the weights actually returned.
    const complete = !aborted && epochs.length > 0;
    return {
      backend: activeBackend() ?? tf.getBackend(),
      config,
      trainSize: data.train.count,
      testSize: data.test.count,
      steps,
      aborted,
      epochs,
      testAccuracy: complete ? epochs[epochs.length - 1].testAccuracy : await accuracy(tf, params, data.test),
      state: fromTfjs(tf, params),
    };
  } finally {
    tf.dispose(Object.values(params));
    optimizer.dispose();
  }
}

/** One optimizer step on the mean cross-entropy of the digits at `indices`. */
function trainStep(
  tf: Tf,
  params: Record<keyof LenetTensors, Variable>,
  optimizer: Optimizer,
  digits: Digits,
  indices: Uint32Array,
): { loss: number; correct: number } {
  const { images, labels } = batchOf(digits, indices);
  let correct: Tensor | undefined;
  const loss = tf.tidy(() => {
    const x = tf.tensor4d(images, [indices.length, IMAGE_SIDE, IMAGE_SIDE, 1]);
    const y = tf.tensor1d(labels, 'int32');
    const { value, grads } = tf.variableGrads(() => {
      const logits = lenetLogits(tf, params, x);
      correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), y), 'int32')));
      return crossEntropy(tf, logits, y);
    }, Object.values(params)); // only ours: another run's variables may exist
    optimizer.applyGradients(grads);
    return value;
  });
  const result = { loss: loss.dataSync()[0], correct: correct!.dataSync()[0] };
  tf.dispose([loss, correct!]);
  return result;
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

/** Class scores [count × 10] of digits, in slices of EVALUATION_BATCH. */
async function logitsOf(tf: Tf, params: LenetTensors, digits: Digits): Promise<Float32Array> {
  const logits = new Float32Array(digits.count * CLASSES);
  for (let start = 0; start < digits.count; start += EVALUATION_BATCH) {
    const count = Math.min(EVALUATION_BATCH, digits.count - start);
    const slice = tf.tidy(() => {
      const images = digits.images.subarray(start * IMAGE_PIXELS, (start + count) * IMAGE_PIXELS);
      return lenetLogits(tf, params, tf.tensor4d(images, [count, IMAGE_SIDE, IMAGE_SIDE, 1]) as Tensor4D);
    });
    logits.set(slice.dataSync(), start * CLASSES);
    slice.dispose();
    await yieldToEventLoop();
  }
  return logits;
}

async function accuracy(tf: Tf, params: LenetTensors, digits: Digits): Promise<number> {
  const logits = await logitsOf(tf, params, digits);
  let correct = 0;
  for (let i = 0; i < digits.count; i++) {
    const scores = logits.subarray(i * CLASSES, (i + 1) * CLASSES);
    if (scores.indexOf(Math.max(...scores)) === digits.labels[i]) correct++;
  }
  return correct / digits.count;
}

/** The run's weights as a safetensors file, with what produced them in its metadata. */
export function lenetSafetensors(run: LenetRun): Uint8Array {
  return encodeSafetensors(Object.entries(run.state), {
    format: 'pt',
    producer: 'weight-lens',
    model: 'LeNet (EE-559): conv 1→32 5×5, pool 3, conv 32→64 5×5, pool 2, fc 256→200→10',
    epochs: String(run.epochs.length),
    seed: String(run.config.seed),
    test_accuracy: run.testAccuracy.toFixed(4),
  });
}

/** Class scores [count × 10] of a trained state dict on digits (e.g. to compare with PyTorch). */
export async function lenetPredict(state: LenetStateDict, digits: Digits): Promise<Float32Array> {
  const tf = tfjs();
  const params = toTfjs(tf, state);
  try {
    return await logitsOf(tf, params, digits);
  } finally {
    tf.dispose(Object.values(params));
  }
}
