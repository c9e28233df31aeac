// Data-parallel LeNet training: each worker thread (worker.ts, bundled as dist/lenetWorker.js)
// runs its own tfjs backend on a share of every mini-batch, and the shares' gradients add up
// to the batch's. Weights, gradients and digits sit in SharedArrayBuffers, so a step sends
// only the digits' indices.
// Why threads: one tfjs-wasm instance computes on one core (its multithreaded build does not
// run in Node), and a step is one batch's kernels after another; PyTorch uses every core.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { LENET_SIZE } from './network';
import type { StepShare } from './step';
import type { Digits, MnistSplit } from './mnist';
import type { BackendOptions } from '../util/tfBackend';

export interface LenetWorkerSetup {
  backend: BackendOptions;
  /** Shared by all threads: written by the trainer between steps, read by the workers. */
  weights: Float32Array;
  /** This worker's own. */
  gradient: Float32Array;
  train: Digits;
  test: Digits;
}

export type LenetWorkerRequest =
  | { kind: 'gradient'; indices: Uint32Array; total: number }
  | { kind: 'correct'; digits: keyof MnistSplit; start: number; count: number };

export type LenetWorkerReply =
  | { kind: 'ready' }
  | { kind: 'gradient'; share: StepShare }
  | { kind: 'correct'; correct: number }
  | { kind: 'failed'; message: string };

/** More threads than this gain little on LeNet's batches of 64. */
const MAX_THREADS = 4;

/** One per core, but one for tfjs-node, which spreads its kernels over the cores itself. */
export function defaultLenetThreads(backend: string): number {
  return backend === 'tensorflow' ? 1 : Math.max(1, Math.min(availableParallelism(), MAX_THREADS));
}

export class LenetWorkerPool {
  private constructor(
    /** The weights the workers compute with, in lenetViews's layout. */
    readonly weights: Float32Array,
    private readonly threads: WorkerThread[],
    private readonly gradients: Float32Array[],
    private readonly data: MnistSplit,
  ) {}

  /** Starts `count` workers from `script` (lenetWorker.js beside the bundle) on the backend. */
  static async start(
    script: string,
    count: number,
    data: MnistSplit,
    backend: BackendOptions,
  ): Promise<LenetWorkerPool> {
    const shared = { train: sharedDigits(data.train), test: sharedDigits(data.test) };
    const weights = sharedFloats(LENET_SIZE);
    const gradients = Array.from({ length: count }, () => sharedFloats(LENET_SIZE));
    const threads = gradients.map((gradient) => new WorkerThread(script, { backend, weights, gradient, ...shared }));
    const pool = new LenetWorkerPool(weights, threads, gradients, shared);
    try {
      await Promise.all(threads.map((thread) => thread.reply()));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  /** The mean cross-entropy's gradient on the training digits at `indices`, into `gradient`. */
  async gradient(indices: Uint32Array, gradient: Float32Array): Promise<StepShare> {
    const shares = split(indices.length, this.threads.length);
    const replies = await Promise.all(
      shares.map(({ start, count }, i) =>
        this.threads[i].request({
          kind: 'gradient',
          indices: indices.subarray(start, start + count),
          total: indices.length,
        }),
      ),
    );
    // Added in thread order, so a run gives the same weights every time.
    gradient.set(this.gradients[0]);
    for (let i = 1; i < replies.length; i++) {
      const part = this.gradients[i];
      for (let j = 0; j < gradient.length; j++) gradient[j] += part[j];
    }
    return replies.reduce(
      (sum, reply) => {
        const { loss, correct } = (reply as Extract<LenetWorkerReply, { kind: 'gradient' }>).share;
        return { loss: sum.loss + loss, correct: sum.correct + correct };
      },
      { loss: 0, correct: 0 },
    );
  }

  /** The share of the digits the current weights classify right. */
  async accuracy(digits: keyof MnistSplit): Promise<number> {
    const { count } = this.data[digits];
    const replies = await Promise.all(
      split(count, this.threads.length).map((share, i) =>
        this.threads[i].request({ kind: 'correct', digits, ...share }),
      ),
    );
    const correct = replies.reduce(
      (sum, reply) => sum + (reply as Extract<LenetWorkerReply, { kind: 'correct' }>).correct,
      0,
    );
    return correct / count;
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((thread) => thread.stop()));
  }
}

/** A worker with at most one request in flight; its failures reject that request. */
class WorkerThread {
  private readonly worker: Worker;
  private pending?: { resolve: (reply: LenetWorkerReply) => void; reject: (error: Error) => void };
  private failure?: Error;

  constructor(script: string, setup: LenetWorkerSetup) {
    this.worker = new Worker(script, { workerData: setup });
    this.worker.on('message', (reply: LenetWorkerReply) => {
      const pending = this.pending;
      this.pending = undefined;
      if (reply.kind === 'failed') pending?.reject(new Error(`LeNet worker: ${reply.message}`));
      else pending?.resolve(reply);
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`LeNet worker stopped (exit code ${code})`)));
  }

  /** The next reply: `ready` after start, else the answer to the request just posted. */
  reply(): Promise<LenetWorkerReply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => (this.pending = { resolve, reject }));
  }

  request(request: LenetWorkerRequest): Promise<LenetWorkerReply> {
    const reply = this.reply();
    this.worker.postMessage(request);
    return reply;
  }

  async stop(): Promise<void> {
    this.failure ??= new Error('LeNet worker stopped');
    await this.worker.terminate();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.pending?.reject(error);
    this.pending = undefined;
  }
}

/** `count` items in `parts` contiguous shares as equal as can be, empty ones left out. */
function split(count: number, parts: number): { start: number; count: number }[] {
  return Array.from({ length: parts }, (_, i) => {
    const start = Math.round((i * count) / parts);
    return { start, count: Math.round(((i + 1) * count) / parts) - start };
  }).filter((share) => share.count > 0);
}

function sharedFloats(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(length * Float32Array.BYTES_PER_ELEMENT));
}

function sharedDigits({ count, images, labels }: Digits): Digits {
  const shared = {
    count,
    images: sharedFloats(images.length),
    labels: new Uint8Array(new SharedArrayBuffer(labels.length)),
  };
  shared.images.set(images);
  shared.labels.set(labels);
  return shared;
}
