// Trains the course's LeNet on MNIST digits (Adam or SGD, shuffled mini-batches,
// cross-entropy), streaming snapshots of the convolution filters as they change. The
// gradients are computed on worker threads (LenetWorkerPool, one per core), the update
// here (flatOptimizer); the calling thread only waits between steps, so a host stays
// responsive and an AbortSignal is honoured at the next step.
import { join } from 'node:path';
import { flatOptimizer } from './flatOptimizer';
import { encodeSafetensors } from '../formats/safetensorsWriter';
import {
  LENET_SIZE,
  type LenetStateDict,
  type LenetTensors,
  fromTfjs,
  kernelOIHW,
  lenetInit,
  withLenetTensors,
  lenetViews,
  toTfjs,
} from './network';
import type { LenetConfig } from './config';
import { logitsOf } from './step';
import { LenetWorkerPool, defaultLenetThreads } from './workerPool';
import type { Digits, MnistSplit } from './mnist';
import { seededRandom } from '../util/random';
import { type Tf, activeBackend, activeBackendOptions, tfjs } from '../util/tfBackend';

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
  /** Worker threads computing the gradients; default defaultLenetThreads. */
  threads?: number;
  /** The worker's script: lenetWorker.js beside the bundle by default. */
  workerScript?: string;
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
  /** Worker threads that computed the gradients. */
  threads: number;
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
export async function trainLenet(
  data: MnistSplit,
  config: LenetConfig,
  options: LenetTrainOptions = {},
): Promise<LenetRun> {
  const tf = tfjs();
  const backend = activeBackendOptions();
  if (!backend) throw new Error('no TensorFlow.js backend was started (initBackend)');
  const rng = seededRandom(config.seed);
  const threads = Math.min(options.threads ?? defaultLenetThreads(backend.name), config.batchSize);
  const script = options.workerScript ?? join(__dirname, 'lenetWorker.js');
  const pool = await LenetWorkerPool.start(script, threads, data, backend);
  const { weights } = pool;
  setWeights(tf, weights, lenetInit(rng));
  const optimizer = flatOptimizer(config.optimizer, config.learningRate, LENET_SIZE);
  const gradient = new Float32Array(LENET_SIZE);
  const batches = Math.ceil(data.train.count / config.batchSize);
  const every = options.snapshotEverySteps ?? DEFAULT_SNAPSHOT_EVERY_STEPS;
  const epochs: LenetEpoch[] = [];
  let steps = 0;
  let aborted = false;
  // The mini-batches since the last snapshot.
  let recent = { loss: 0, correct: 0, seen: 0, steps: 0 };
  const snapshot = (epoch: number, testAccuracy?: number) => {
    const [conv1, conv2] = withLenetTensors(tf, weights, (p) => [
      kernelOIHW(tf, p['conv1.weight']),
      kernelOIHW(tf, p['conv2.weight']),
    ]);
    options.onSnapshot?.({
      epoch,
      step: steps,
      conv1,
      conv2,
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
        const { loss, correct } = await pool.gradient(indices, gradient);
        optimizer.step(weights, gradient);
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
          const testAccuracy = await pool.accuracy('test');
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
      }
    }
    // Stopped mid-epoch: measured again, on the weights actually returned.
    const complete = !aborted && epochs.length > 0;
    return {
      backend: activeBackend() ?? tf.getBackend(),
      threads,
      config,
      trainSize: data.train.count,
      testSize: data.test.count,
      steps,
      aborted,
      epochs,
      testAccuracy: complete ? epochs[epochs.length - 1].testAccuracy : await pool.accuracy('test'),
      state: withLenetTensors(tf, weights, (p) => fromTfjs(tf, p)),
    };
  } finally {
    await pool.close();
  }
}

/** Writes a state dict into a flat array of weights, in tfjs's layouts. */
function setWeights(tf: Tf, weights: Float32Array, state: LenetStateDict): void {
  const tensors = toTfjs(tf, state);
  const views = lenetViews(weights);
  for (const [name, tensor] of Object.entries(tensors)) views[name as keyof LenetTensors].set(tensor.dataSync());
  tf.dispose(Object.values(tensors));
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
export function lenetPredict(state: LenetStateDict, digits: Digits): Float32Array {
  const tf = tfjs();
  const params = toTfjs(tf, state);
  try {
    return logitsOf(tf, params, digits);
  } finally {
    tf.dispose(Object.values(params));
  }
}
