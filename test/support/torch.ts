// PyTorch's side of the LeNet and safetensors tests (test/support/lenet_torch.py), run with
// the first Python that has torch (Debian's /usr/bin/python3 before the python3 on PATH,
// which may be pyenv's without it); tests skip, saying why, where there is none, except in CI.
import { join } from 'node:path';
import { pythonWithTorch, runPythonJson } from '../../bench/python';
import { IN_CI } from '../../scripts/testDeps';
import { type Digits, pixelBytes } from '../../src/core/lenet/mnist';

const SCRIPT = join(__dirname, 'lenet_torch.py');
export const NO_TORCH = 'needs a Python with PyTorch: sudo apt-get install python3-torch';

/**
 * The Python to compare with, or null (the test skips with NO_TORCH). In CI (CI=true) there
 * must be one (.ci/run installs python3-torch): the test fails rather than skip.
 */
export function torchPython(): string | null {
  const python = pythonWithTorch();
  if (!python && IN_CI) throw new Error(`CI=true and no Python can import torch: ${NO_TORCH}`);
  return python;
}

export interface TorchTensors {
  metadata: Record<string, string>;
  tensors: Record<string, { dtype: string; shape: number[]; values: number[] }>;
}

/** The safetensors file as PyTorch parses it by hand. */
export function torchRead(python: string, file: string): TorchTensors {
  return runPythonJson(python, SCRIPT, { mode: 'read', file });
}

/** The file loaded into PyTorch's LeNet: logits of the digits and gradients of their mean cross-entropy. */
export function torchLenet(
  python: string,
  file: string,
  digits: Digits,
): { logits: number[][]; grads: Record<string, number[]> } {
  return runPythonJson(python, SCRIPT, {
    mode: 'lenet',
    file,
    count: digits.count,
    images: Buffer.from(pixelBytes(digits)).toString('base64'),
    labels: Buffer.from(digits.labels).toString('base64'),
  });
}

/** The weights after torch.optim's Adam or SGD applied those gradients, step by step. */
export function torchOptimize(
  python: string,
  spec: { optimizer: 'adam' | 'sgd'; lr: number; weights: number[]; gradients: number[][] },
): number[] {
  return runPythonJson<{ weights: number[] }>(python, SCRIPT, { mode: 'optimizer', ...spec }).weights;
}
