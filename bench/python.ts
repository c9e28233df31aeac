// Finds a Python with PyTorch (Debian's python3-torch lives under /usr/bin/python3,
// which a pyenv shim may hide) and runs reference scripts with it.
import { spawnSync } from 'node:child_process';

const CANDIDATES = ['/usr/bin/python3', 'python3'];

let found: string | null | undefined;

/** The first Python that can `import torch`, or null. */
export function pythonWithTorch(): string | null {
  found ??=
    CANDIDATES.find((python) => spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) ?? null;
  return found;
}

/** Runs a script (with JSON on stdin) and parses the JSON it prints. */
export function runPythonJson<T>(python: string, script: string, input: unknown, args: string[] = []): T {
  const result = spawnSync(python, [script, ...args], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (result.status !== 0) throw new Error(`${script} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
