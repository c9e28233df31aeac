// The default 2-D experiment (disc, 20 hidden, batch 100, SGD, 10,000 iterations with
// snapshots) in Weight Lens and, where python3-torch is installed, in PyTorch.
import { join } from 'node:path';
import { makeDataset } from '../src/core/mlp/dataset';
import { snapshotSchedule } from '../src/core/mlp/schedule';
import { initBackend } from '../src/core/util/tfBackend';
import { trainMlp } from '../src/core/mlp/trainer';
import { resolveTrainConfig } from '../src/core/mlp/config';
import { type BenchRow, median } from './benchRow';
import { pythonWithTorch, runPythonJson } from './python';

const REPEATS = 3;

export async function benchTrain2d(): Promise<BenchRow[]> {
  const backendStart = performance.now();
  const backend = await initBackend({ wasmDir: join(__dirname, '..', 'dist') });
  const backendMs = performance.now() - backendStart;
  const config = resolveTrainConfig({});
  const dataset = makeDataset(config);

  const ours: number[] = [];
  let accuracy = NaN;
  for (let i = 0; i < REPEATS; i++) {
    const start = performance.now();
    const run = await trainMlp(config, dataset);
    ours.push((performance.now() - start) / 1000);
    accuracy = run.snapshots[run.snapshots.length - 1].trainAccuracy;
  }
  const seconds = median(ours);
  const rows: BenchRow[] = [
    { name: `train2d backend`, value: `${backend} (started in ${backendMs.toFixed(0)} ms)` },
    {
      name: 'train2d Weight Lens',
      value: `${seconds.toFixed(3)} s, ${(config.iterations / seconds).toFixed(0)} it/s, train accuracy ${(accuracy * 100).toFixed(1)} %`,
    },
  ];

  const python = pythonWithTorch();
  if (!python) return [...rows, { name: 'train2d PyTorch', value: 'skipped: no python3-torch' }];
  const script = join(__dirname, 'train2d_torch.py');
  const input = { config, train: dataset.train, test: dataset.test, schedule: snapshotSchedule(config.iterations) };
  const torch = Array.from({ length: REPEATS }, () =>
    runPythonJson<{ seconds: number; trainAccuracy: number; version: string; threads: number }>(python, script, input),
  );
  const torchSeconds = median(torch.map((r) => r.seconds));
  return [
    ...rows,
    {
      name: 'train2d PyTorch',
      value: `${torchSeconds.toFixed(3)} s, ${(config.iterations / torchSeconds).toFixed(0)} it/s, train accuracy ${(torch[0].trainAccuracy * 100).toFixed(1)} % (torch ${torch[0].version}, ${torch[0].threads} thread(s))`,
    },
    { name: 'train2d ratio Weight Lens / PyTorch', value: `${(seconds / torchSeconds).toFixed(2)} (goal ≤ 1.0)` },
  ];
}
