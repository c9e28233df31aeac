// The model engine's reference fixtures, written by test/fixtures/engine/make_engine_fixtures.py
// (its docstring describes every file): real PyTorch models as ONNX, state_dict, pickled module
// (and Keras h5 for LeNet) with what PyTorch computes on a fixed input (<model>.json).
// LeNet's are committed beside the script. The torchvision models' are tens to hundreds of MB,
// so they are generated on first use into the cache folder (~/.cache/weight-lens, or
// $WEIGHT_LENS_CACHE), in a subfolder named after the script's hash: editing the script
// regenerates them. Generating all of them takes about a minute and 2.4 GB.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cacheDir } from '../../scripts/codeServerInstall';
import { torchPython } from './torch';

/** The committed fixtures (LeNet's) and the script that writes them all. */
export const ENGINE_FIXTURES = join(__dirname, '..', 'fixtures', 'engine');
const SCRIPT = join(ENGINE_FIXTURES, 'make_engine_fixtures.py');

export const NO_ENGINE_PYTHON =
  "needs Debian's python3-torch and python3-torchvision (apt-get install python3-torch python3-torchvision python3-onnx python3-h5py python3-numpy)";

/** <model>.json: what PyTorch computed, flat row-major float32 values. */
export interface EngineReference {
  model: string;
  /** [N, C, H, W] */
  inputShape: number[];
  input: number[];
  output: number[];
  outputShape: number[];
  /** Outputs of two inner modules, with their value names in <model>.onnx and <model>.opset17.onnx (null: no such file). */
  taps: { module: string; onnx: string; onnx17: string | null; shape: number[]; values: number[] }[];
  /** d output[0, class] / d input over the whole batch, class = argmax of output[0]. */
  gradient: { class: number; values: number[] };
  /** The model's files in the folder, <model>.json last. */
  files: string[];
}

/** The reference of a model in a folder engineFixtures returned. */
export function engineReference(dir: string, model: string): EngineReference {
  return JSON.parse(readFileSync(join(dir, `${model}.json`), 'utf8')) as EngineReference;
}

/**
 * A folder holding the models' files (names as in make_engine_fixtures.py: lenet, alexnet_small,
 * vgg11_bn, resnet18, mobilenet_v2, squeezenet1_1, densenet121), generating the missing ones
 * first; undefined when that needs a Python with torch and torchvision and there is none (the
 * test skips with NO_ENGINE_PYTHON), except in CI (CI=true), where it throws.
 */
export async function engineFixtures(models: string[]): Promise<string | undefined> {
  const committed = (model: string) => existsSync(join(ENGINE_FIXTURES, `${model}.json`));
  if (models.every(committed)) return ENGINE_FIXTURES;
  const dir = join(cacheDir(), `engine-fixtures-${scriptHash()}`);
  const missing = () => models.filter((model) => !committed(model) && !existsSync(join(dir, `${model}.json`)));
  if (missing().length) {
    const python = fixturePython();
    if (!python) return undefined;
    mkdirSync(dir, { recursive: true });
    await withLock(dir, async () => {
      const todo = missing(); // another process may have made some while we waited
      if (todo.length) await generate(python, dir, todo);
    });
  }
  // Committed models asked for with generated ones: copied in, so that one folder holds them all.
  for (const model of models.filter(committed)) {
    const json = `${model}.json`;
    const same = (file: string) =>
      existsSync(join(dir, file)) && readFileSync(join(dir, file)).equals(readFileSync(join(ENGINE_FIXTURES, file)));
    if (!same(json)) moveModel(ENGINE_FIXTURES, dir, model, copyThenRename);
  }
  return dir;
}

/** First 12 hex digits of the script's sha256. */
function scriptHash(): string {
  return createHash('sha256').update(readFileSync(SCRIPT)).digest('hex').slice(0, 12);
}

/** The Python with torch (test/support/torch.ts finds it) if it also has what the script imports. */
function fixturePython(): string | null {
  const python = torchPython(); // throws in CI when there is none
  if (python && spawnSync(python, ['-c', 'import torchvision, onnx, h5py, numpy'], { stdio: 'ignore' }).status === 0) {
    return python;
  }
  if (process.env.CI === 'true')
    throw new Error(`CI=true and no Python with torch can run ${SCRIPT}: ${NO_ENGINE_PYTHON}`);
  return null;
}

/**
 * Runs the script into a temporary subfolder, then moves each model's files into dir, its .json
 * last: the .json marks a complete model, so a run killed midway leaves none half-written.
 */
async function generate(python: string, dir: string, models: string[]): Promise<void> {
  for (const entry of readdirSync(dir)) {
    // Left by a killed run: .partial-<pid>-<random>, whose process is gone.
    const owner = /^\.partial-(\d+)-/.exec(entry);
    if (owner && !isAlive(Number(owner[1]))) rmSync(join(dir, entry), { recursive: true, force: true });
  }
  const tmp = mkdtempSync(join(dir, `.partial-${process.pid}-`));
  try {
    const started = Date.now();
    console.error(`engine fixtures: generating ${models.join(', ')} into ${dir} (once per version of the script)…`);
    await run(python, [SCRIPT, '--out', tmp, '--models', models.join(',')]);
    for (const model of models) moveModel(tmp, dir, model, renameSync);
    console.error(`engine fixtures: done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    removeOtherVersions(dir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The fixtures of earlier versions of the script (about 2 GB each) beside this version's. */
function removeOtherVersions(dir: string): void {
  const current = basename(dir);
  for (const entry of readdirSync(dirname(dir))) {
    if (/^engine-fixtures-[0-9a-f]{12}$/.test(entry) && entry !== current) {
      rmSync(join(dirname(dir), entry), { recursive: true, force: true });
    }
  }
}

function moveModel(from: string, to: string, model: string, move: (a: string, b: string) => void): void {
  for (const file of engineReference(from, model).files) move(join(from, file), join(to, file));
}

function copyThenRename(from: string, to: string): void {
  copyFileSync(from, `${to}.partial`);
  renameSync(`${to}.partial`, to);
}

function run(python: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONUNBUFFERED: '1' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else
        reject(new Error(`${python} ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${output.slice(-4000)}`));
    });
  });
}

/**
 * One generating process per cache folder at a time (test files may run in parallel): a lock
 * file holding the owner's pid, taken over when that process is gone.
 */
async function withLock(dir: string, f: () => Promise<void>): Promise<void> {
  const lock = join(dir, '.lock');
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (lockIsStale(lock)) rmSync(lock, { force: true });
      else await sleep(500);
    }
  }
  try {
    await f();
  } finally {
    rmSync(lock, { force: true });
  }
}

function lockIsStale(lock: string): boolean {
  try {
    const pid = Number(readFileSync(lock, 'utf8'));
    // Empty: its owner is between creating and writing it, or died there (then it ages).
    return pid ? !isAlive(pid) : Date.now() - statSync(lock).mtimeMs > 10_000;
  } catch {
    return false; // released meanwhile: try again
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
