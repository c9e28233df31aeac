// A worker thread of LenetWorkerPool: starts the trainer's tfjs backend, then answers one
// request at a time with step.ts's computations on the shared weights and digits.
import { parentPort, workerData } from 'node:worker_threads';
import { correctCount, gradientShare } from './step';
import type { LenetWorkerReply, LenetWorkerRequest, LenetWorkerSetup } from './workerPool';
import { initBackend, tfjs } from '../util/tfBackend';

const setup = workerData as LenetWorkerSetup;
const port = parentPort!;
const post = (reply: LenetWorkerReply) => port.postMessage(reply);
const failed = (error: unknown): LenetWorkerReply => ({
  kind: 'failed',
  message: error instanceof Error ? error.message : String(error),
});

function answer(request: LenetWorkerRequest): LenetWorkerReply {
  const tf = tfjs();
  try {
    if (request.kind === 'gradient') {
      const { indices, total } = request;
      return { kind: 'gradient', share: gradientShare(tf, setup.weights, setup.train, indices, total, setup.gradient) };
    }
    const { digits, start, count } = request;
    return { kind: 'correct', correct: correctCount(tf, setup.weights, setup[digits], start, count) };
  } catch (error) {
    return failed(error);
  }
}

initBackend(setup.backend).then(
  () => {
    port.on('message', (request: LenetWorkerRequest) => post(answer(request)));
    post({ kind: 'ready' });
  },
  (error: unknown) => post(failed(error)),
);
