// Trains the lecture's MLP R² → R^H → R² (Linear, activation, Linear, cross-entropy on
// two classes) with TensorFlow.js and keeps the network at the scheduled iterations.
//
// The backward pass is written out (four matrix products) instead of using tfjs's tape:
// for a network this small the cost is the number of kernel launches, and the closed
// form needs half of them, which is what makes tfjs-wasm keep up with PyTorch here.
import type { Dataset, Point, Snapshot, TrainRun } from './run';
import type { Activation, TrainConfig } from './config';
import { yieldToEventLoop } from '../util/eventLoop';
import { snapshotSchedule } from './schedule';
import { pytorchDefaultInit, seededRandom, type Random } from '../util/random';
import { activeBackend, tfjs, type Tf } from '../util/tfBackend';
import type { Rank, Tensor, Tensor2D, Variable } from '@tensorflow/tfjs-core';

export interface TrainOptions {
  /** Aborting stops training at the next iteration; the run so far is returned. */
  signal?: AbortSignal;
  /** Called with each snapshot as soon as it is kept. */
  onSnapshot?: (snapshot: Snapshot) => void;
  /** Called between chunks of work (about every CHUNK_MS). */
  onProgress?: (iteration: number, total: number) => void;
  /** Polled every iteration: true keeps a snapshot at that iteration (e.g. a user's "snapshot now"). */
  snapshotRequested?: () => boolean;
}

/** Longest stretch of training between two returns to the event loop, so hosts stay responsive. */
const CHUNK_MS = 15;

interface Parameters {
  w1: Variable<Rank.R2>; // [2, H]
  b1: Variable<Rank.R1>; // [H]
  w2: Variable<Rank.R2>; // [H, 2]
  b2: Variable<Rank.R1>; // [2]
}

export async function trainMlp(config: TrainConfig, dataset: Dataset, options: TrainOptions = {}): Promise<TrainRun> {
  const tf = tfjs();
  const rng = seededRandom(config.seed);
  const params = initialParameters(tf, config.hidden, rng);
  const updater = makeUpdater(tf, config);
  const train = toTensors(tf, dataset.train);
  const test = toTensors(tf, dataset.test);
  const batches = batchSampler(dataset.train, config.batchSize, rng);
  const schedule = snapshotSchedule(config.iterations);
  const run: TrainRun = { backend: activeBackend() ?? tf.getBackend(), config, iterations: schedule, snapshots: [] };
  try {
    let next = 0; // index in schedule of the next iteration to keep
    let chunkStart = performance.now();
    for (let iteration = 1; iteration <= config.iterations; iteration++) {
      if (options.signal?.aborted) break;
      const { x, y } = batches();
      tf.tidy(() =>
        step(
          tf,
          params,
          updater,
          config.activation,
          tf.tensor2d(x, [config.batchSize, 2]),
          tf.tensor2d(y, [config.batchSize, 2]),
        ),
      );
      const scheduled = schedule[next] === iteration;
      if (scheduled) next++;
      const requested = options.snapshotRequested?.() ?? false;
      if (scheduled || requested) {
        const snapshot = takeSnapshot(tf, params, config.activation, iteration, train, test);
        run.snapshots.push(snapshot);
        options.onSnapshot?.(snapshot);
      }
      if (performance.now() - chunkStart > CHUNK_MS) {
        options.onProgress?.(iteration, config.iterations);
        await yieldToEventLoop();
        chunkStart = performance.now();
      }
    }
    return run;
  } finally {
    tf.dispose([params.w1, params.b1, params.w2, params.b2, train.x, train.y, test.x, test.y]);
    updater.dispose();
  }
}

/** PyTorch's nn.Linear initialisation. */
function initialParameters(tf: Tf, hidden: number, rng: Random): Parameters {
  const uniform = (count: number, fanIn: number) => pytorchDefaultInit(rng, count, fanIn);
  return {
    w1: tf.variable(tf.tensor2d(uniform(2 * hidden, 2), [2, hidden]), true, 'w1'),
    b1: tf.variable(tf.tensor1d(uniform(hidden, 2)), true, 'b1'),
    w2: tf.variable(tf.tensor2d(uniform(hidden * 2, hidden), [hidden, 2]), true, 'w2'),
    b2: tf.variable(tf.tensor1d(uniform(2, hidden)), true, 'b2'),
  };
}

/** Draws mini-batches without replacement, reshuffling each epoch; returns xs and one-hot ys. */
function batchSampler(points: Point[], batchSize: number, rng: Random): () => { x: Float32Array; y: Float32Array } {
  let order = rng.permutation(points.length);
  let position = 0;
  const x = new Float32Array(batchSize * 2);
  const y = new Float32Array(batchSize * 2);
  return () => {
    for (let i = 0; i < batchSize; i++) {
      if (position === order.length) {
        order = rng.permutation(points.length);
        position = 0;
      }
      const [px, py, label] = points[order[position++]];
      x[2 * i] = px;
      x[2 * i + 1] = py;
      y[2 * i] = 1 - label;
      y[2 * i + 1] = label;
    }
    return { x, y };
  };
}

function toTensors(tf: Tf, points: Point[]): { x: Tensor2D; y: Tensor2D } {
  return {
    x: tf.tensor2d(
      points.flatMap(([x, y]) => [x, y]),
      [points.length, 2],
    ),
    y: tf.tensor2d(
      points.flatMap(([, , label]) => [1 - label, label]),
      [points.length, 2],
    ),
  };
}

/** Hidden layer output; relu and sigmoid fuse into the matrix product. */
function hiddenLayer(tf: Tf, params: Parameters, activation: Activation, x: Tensor2D): Tensor2D {
  const product = (fused: 'linear' | 'relu' | 'sigmoid') =>
    tf.fused.matMul({ a: x, b: params.w1, bias: params.b1, activation: fused }) as Tensor2D;
  return activation === 'tanh' ? tf.tanh(product('linear')) : product(activation);
}

/** dh/dz expressed through h, so z need not be kept. */
function activationDerivative(tf: Tf, activation: Activation, h: Tensor): Tensor {
  switch (activation) {
    case 'relu':
      return tf.step(h);
    case 'tanh':
      return tf.sub(1, tf.square(h));
    case 'sigmoid':
      return tf.mul(h, tf.sub(1, h));
  }
}

type Gradients = Record<keyof Parameters, Tensor>;

/**
 * Applies gradients of the batch-summed loss. `gradientScale` is folded into the
 * output gradient, so plain SGD becomes one subtraction per parameter (its learning
 * rate rides along), while Adam gets the mean-loss gradients it expects.
 */
interface Updater {
  gradientScale: number;
  apply(params: Parameters, gradients: Gradients): void;
  dispose(): void;
}

function makeUpdater(tf: Tf, config: TrainConfig): Updater {
  if (config.optimizer === 'sgd') {
    return {
      gradientScale: config.learningRate / config.batchSize,
      apply(params, gradients) {
        for (const name of Object.keys(params) as (keyof Parameters)[])
          params[name].assign(tf.sub(params[name], gradients[name]));
      },
      dispose() {},
    };
  }
  const adam = tf.train.adam(config.learningRate);
  return {
    gradientScale: 1 / config.batchSize,
    apply: (_params, gradients) =>
      adam.applyGradients(Object.entries(gradients).map(([name, tensor]) => ({ name, tensor }))),
    dispose: () => adam.dispose(),
  };
}

/** One optimizer step on the cross-entropy of a batch (closed-form backpropagation). */
function step(tf: Tf, params: Parameters, updater: Updater, activation: Activation, x: Tensor2D, y: Tensor2D): void {
  const h = hiddenLayer(tf, params, activation, x);
  const probabilities = tf.softmax(tf.fused.matMul({ a: h, b: params.w2, bias: params.b2 }));
  // d(CE)/d(logits) = softmax − onehot, per example
  const dLogits = tf.mul(tf.sub(probabilities, y), updater.gradientScale) as Tensor2D;
  // Transposing the small w2 first is faster in tfjs-wasm than a transposed product.
  const dHidden = tf.mul(
    tf.matMul(dLogits, tf.transpose(params.w2)),
    activationDerivative(tf, activation, h),
  ) as Tensor2D;
  updater.apply(params, {
    w1: tf.matMul(x, dHidden, true, false),
    b1: tf.sum(dHidden, 0),
    w2: tf.matMul(h, dLogits, true, false),
    b2: tf.sum(dLogits, 0),
  });
}

function takeSnapshot(
  tf: Tf,
  params: Parameters,
  activation: Activation,
  iteration: number,
  train: { x: Tensor2D; y: Tensor2D },
  test: { x: Tensor2D; y: Tensor2D },
): Snapshot {
  const w1 = params.w1.dataSync();
  const w2 = params.w2.dataSync();
  const hidden = params.b1.shape[0];
  const trainMetrics = evaluate(tf, params, activation, train);
  return {
    iteration,
    w: Array.from({ length: hidden }, (_, k) => [w1[k], w1[hidden + k]]),
    b: Array.from(params.b1.dataSync()),
    outW: Array.from({ length: hidden }, (_, k) => [w2[2 * k], w2[2 * k + 1]]),
    outB: Array.from(params.b2.dataSync()) as [number, number],
    loss: trainMetrics.loss,
    trainAccuracy: trainMetrics.accuracy,
    testAccuracy: test.x.shape[0] > 0 ? evaluate(tf, params, activation, test).accuracy : NaN,
  };
}

function evaluate(
  tf: Tf,
  params: Parameters,
  activation: Activation,
  data: { x: Tensor2D; y: Tensor2D },
): { loss: number; accuracy: number } {
  const [loss, accuracy] = tf.tidy(() => {
    const logits = tf.fused.matMul({
      a: hiddenLayer(tf, params, activation, data.x),
      b: params.w2,
      bias: params.b2,
    });
    const correct = tf.equal(tf.argMax(logits, 1), tf.argMax(data.y, 1));
    return [tf.losses.softmaxCrossEntropy(data.y, logits), tf.mean(tf.cast(correct, 'float32'))];
  });
  const values = [loss.dataSync()[0], accuracy.dataSync()[0]];
  tf.dispose([loss, accuracy]);
  return { loss: values[0], accuracy: values[1] };
}
