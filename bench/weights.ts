// Opening large weight files: a 1 GB safetensors and a 1 GB PyTorch zip of 215 conv
// layers (written once into bench/out by make_big_weights.py, with real PyTorch). Each
// measurement runs in a fresh process so its peak memory is its own; torch.load of the
// same file is the reference.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { type BenchRow, median } from './benchRow';
import { pythonWithTorch, runPythonJson } from './python';

const REPEATS = 3;
const OUT = join(__dirname, 'out');
const SCRIPT = join(__dirname, 'make_big_weights.py');

interface Probe {
  listMs: number;
  gridMs: number;
  tensors: number;
  maxRssMB: number;
}

function probe(...args: string[]): Probe {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'weightsProbe.ts'), ...args], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`weightsProbe ${args.join(' ')} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as Probe;
}

export function benchWeights(): BenchRow[] {
  const python = pythonWithTorch();
  if (!python) return [{ name: 'weights', value: 'skipped: the 1 GB files are written with python3-torch' }];
  const made = spawnSync(python, [SCRIPT, OUT], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`make_big_weights.py failed: ${made.stderr}`);

  const baseline = median(Array.from({ length: REPEATS }, () => probe('empty').maxRssMB));
  const rows: BenchRow[] = [
    { name: 'weights baseline process', value: `${baseline.toFixed(0)} MB peak RSS (same modules, no work)` },
  ];
  for (const file of ['big.safetensors', 'big.pt']) {
    const path = join(OUT, file);
    const runs = Array.from({ length: REPEATS }, () => probe('grid', path));
    const list = median(runs.map((r) => r.listMs));
    const grid = median(runs.map((r) => r.gridMs));
    const memory = median(runs.map((r) => r.maxRssMB)) - baseline;
    rows.push(
      { name: `${file} list ${runs[0].tensors} tensors`, value: `${list.toFixed(1)} ms (goal ≤ 100 ms)` },
      { name: `${file} first filter grid`, value: `${grid.toFixed(1)} ms from open (goal ≤ 200 ms)` },
      { name: `${file} peak memory`, value: `+${memory.toFixed(0)} MB above the baseline (goal ≤ 150 MB)` },
    );
    if (file.endsWith('.pt')) {
      const load = median(
        Array.from(
          { length: REPEATS },
          () => runPythonJson<{ seconds: number }>(python, SCRIPT, null, ['--time-load', path]).seconds * 1000,
        ),
      );
      rows.push(
        { name: `${file} torch.load`, value: `${load.toFixed(0)} ms` },
        { name: `${file} ratio list / torch.load`, value: (list / load).toFixed(3) },
        { name: `${file} ratio first grid / torch.load`, value: (grid / load).toFixed(3) },
      );
    }
  }
  return rows;
}
