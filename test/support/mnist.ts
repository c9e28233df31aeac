// The packed MNIST digits for tests: dist/mnist.bin.gz as the build writes it (written
// here when missing, so unit tests need no full build), read once per test process.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Digits, MNIST_FILE, readMnist } from '../../src/core/lenet/mnist';

const ROOT = join(__dirname, '..', '..');
export const MNIST_DIST_FILE = join(ROOT, 'dist', MNIST_FILE);

let digits: Digits | undefined;

export function mnistDigits(): Digits {
  if (!existsSync(MNIST_DIST_FILE)) {
    mkdirSync(join(ROOT, 'dist'), { recursive: true });
    const script = `import('./scripts/mnistData.mjs').then((m) => m.writeMnistData('.', 'dist'))`;
    const result = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`packing the MNIST digits failed: ${result.stderr}`);
  }
  digits ??= readMnist(MNIST_DIST_FILE);
  return digits;
}

/** trainLenet's `workerScript` in tests: the worker thread from source. */
export const LENET_WORKER = join(__dirname, 'lenetWorker.mjs');
