// Seconds per LeNet epoch (the course's LeNet, 8,000 MNIST digits, the default Adam, batch 64) in
// Weight Lens and, where python3-torch is installed, in PyTorch on the same digits with
// the same settings, in the same run.
import { join } from 'node:path';
import { resolveLenetConfig } from '../src/core/lenet/config';
import { trainLenet } from '../src/core/lenet/trainer';
import { type Digits, MNIST_FILE, pixelBytes, readMnist, splitMnist } from '../src/core/lenet/mnist';
import { initBackend } from '../src/core/util/tfBackend';
import { type BenchRow, median } from './benchRow';
import { pythonWithTorch, runPythonJson } from './python';

const DIST = join(__dirname, '..', 'dist');

export async function benchLenet(): Promise<BenchRow[]> {
  const backend = await initBackend({ wasmDir: DIST });
  const data = splitMnist(readMnist(join(DIST, MNIST_FILE)));
  const config = resolveLenetConfig({});
  // Epoch times exclude the test-set evaluation; no snapshots are taken.
  const run = await trainLenet(data, config, { snapshotEverySteps: 0, workerScript: join(DIST, 'lenetWorker.js') });
  const seconds = median(run.epochs.map((e) => e.seconds));
  const setting = `${data.train.count} digits, ${config.optimizer} lr ${config.learningRate}, batch ${config.batchSize}`;
  const rows: BenchRow[] = [
    {
      name: `lenet epoch Weight Lens (${backend}, ${run.threads} threads)`,
      value: `${seconds.toFixed(2)} s (median of ${run.epochs.length}; ${setting}), test accuracy ${percent(run.testAccuracy)} after ${run.epochs.length} epochs`,
    },
  ];

  const python = pythonWithTorch();
  if (!python) return [...rows, { name: 'lenet epoch PyTorch', value: 'skipped: no python3-torch' }];
  // PyTorch with its own choice of threads, and with as many as Weight Lens used.
  const references = [null, run.threads].map((threads) => {
    const torch = runPythonJson<TorchEpochs>(python, join(__dirname, 'lenet_torch.py'), {
      config,
      threads,
      train: asBytes(data.train),
      test: asBytes(data.test),
    });
    const torchSeconds = median(torch.epochSeconds);
    const row = {
      name: `lenet epoch PyTorch (${threads ? `set_num_threads(${threads})` : 'default threads'})`,
      value: `${torchSeconds.toFixed(2)} s (median of ${torch.epochSeconds.length}), test accuracy ${percent(torch.testAccuracy)} (torch ${torch.version}, ${torch.threads} thread(s))`,
    };
    return { row, seconds: torchSeconds };
  });
  const [byDefault, sameThreads] = references.map((r) => (seconds / r.seconds).toFixed(2));
  return [
    ...rows,
    ...references.map((r) => r.row),
    {
      name: 'lenet ratio Weight Lens / PyTorch',
      value: `${byDefault} against PyTorch's default threads, ${sameThreads} against PyTorch on ${run.threads} threads (goal ≤ 1.5)`,
    },
  ];
}

interface TorchEpochs {
  epochSeconds: number[];
  testAccuracy: number;
  threads: number;
  version: string;
}

const percent = (v: number) => `${(100 * v).toFixed(1)} %`;

/** The digits as lenet_torch.py reads them: MNIST's bytes, base64. */
function asBytes(digits: Digits): { count: number; images: string; labels: string } {
  return {
    count: digits.count,
    images: Buffer.from(pixelBytes(digits)).toString('base64'),
    labels: Buffer.from(digits.labels).toString('base64'),
  };
}
