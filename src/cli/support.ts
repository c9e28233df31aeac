// What every command of the command-line tool shares: the bad-input error and exit
// statuses, option parsers, output files, PNG rendering, the backend, training progress and
// the MNIST digits packed beside the bundle.
import { CommanderError, InvalidArgumentError, Option } from 'commander';
import { statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { WeightFileError } from '../core/formats/weightFile';
import { type Digits, MNIST_FILE, readMnist } from '../core/lenet/mnist';
import { BACKEND_NAMES, type BackendName, initBackend } from '../core/util/tfBackend';
import { ConfigError } from '../core/util/configChecks';
import type { CreateCanvas } from '../render/pixels';
import { errorMessage } from '../core/util/errorMessage';

const EXIT_BAD_INPUT = 2;
const EXIT_FAILURE = 1;
/** Shortest time between two progress updates on a terminal. */
const PROGRESS_INTERVAL_MS = 100;

/** Input the user can fix: reported without a stack, exit status 2. */
export class InputError extends Error {}

/**
 * Reports a failed command on stderr as one `error:` line and gives its exit status:
 * 2 for input the user can fix, 1 for anything else.
 */
export function exitStatus(error: unknown): number {
  // Commander has already printed its own message (usage errors) or the help.
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
  const message = errorMessage(error);
  process.stderr.write(`error: ${message}\n`);
  const badInput = error instanceof InputError || error instanceof ConfigError || error instanceof WeightFileError;
  return badInput ? EXIT_BAD_INPUT : EXIT_FAILURE;
}

export function number(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || Number.isNaN(parsed)) throw new InvalidArgumentError(`"${value}" is not a number.`);
  return parsed;
}

export function positiveInteger(value: string): number {
  return wholeNumber(value, 1);
}

export function nonNegativeInteger(value: string): number {
  return wholeNumber(value, 0);
}

function wholeNumber(value: string, least: number): number {
  const parsed = number(value);
  if (!Number.isSafeInteger(parsed) || parsed < least) {
    throw new InvalidArgumentError(`"${value}" is not a whole number ≥ ${least}.`);
  }
  return parsed;
}

/** Fails before the work, not after, when an output cannot be written. */
export function checkOutputFolder(file: string): void {
  const folder = dirname(file);
  let isFolder = false;
  try {
    isFolder = statSync(folder).isDirectory();
  } catch {
    // reported below
  }
  if (!isFolder) throw new InputError(`cannot write ${file}: folder ${folder} does not exist`);
}

/** Fails with "FILE: no such file or directory" rather than a reader's lower-level message. */
export function checkInputFile(file: string): void {
  let isFile: boolean;
  try {
    isFile = statSync(file).isFile();
  } catch (error) {
    throw new InputError(`${file}: ${systemReason(error)}`);
  }
  if (!isFile) throw new InputError(`${file}: is a folder, not a file`);
}

export function writeOutput(file: string, data: string | Buffer): void {
  try {
    writeFileSync(file, data);
  } catch (error) {
    throw new InputError(`cannot write ${file}: ${systemReason(error)}`);
  }
  process.stderr.write(`wrote ${file}\n`);
}

/** "no such file or directory" rather than "ENOENT: no such file or directory, open 'x'". */
export function systemReason(error: unknown): string {
  const message = errorMessage(error);
  return message.replace(/^[A-Z]+: /, '').replace(/, \w+( '.*')?$/, '');
}

/**
 * A PNG of `width` × `height` pixels drawn by `draw` with the renderers' Canvas 2D code;
 * `scratch` makes the offscreen canvases some renderers build images on.
 */
export async function renderPng(
  width: number,
  height: number,
  draw: (ctx: CanvasRenderingContext2D, scratch: CreateCanvas) => void,
): Promise<Buffer> {
  // Loaded on demand: a native module, needed only for pictures.
  const { createCanvas } = await import('@napi-rs/canvas');
  const canvas = createCanvas(width, height);
  // @napi-rs/canvas implements the 2-D API the renderers use, under its own types.
  const scratch: CreateCanvas = (w, h) => createCanvas(w, h) as unknown as OffscreenCanvas;
  draw(canvas.getContext('2d') as unknown as CanvasRenderingContext2D, scratch);
  return canvas.encode('png');
}

export type BackendChoice = 'auto' | BackendName;

export function backendOption(): Option {
  return new Option('--backend <name>', 'TensorFlow.js backend; auto tries tensorflow (tfjs-node), then wasm, then cpu')
    .choices(['auto', ...BACKEND_NAMES])
    .default('auto');
}

/**
 * Starts the chosen backend (the .wasm files are beside the bundle) and says which on stderr,
 * unless the command reports it itself.
 */
export async function startBackend(choice: BackendChoice, announce = true): Promise<BackendName> {
  const exclude = choice === 'auto' ? [] : BACKEND_NAMES.filter((name) => name !== choice);
  const backend = await initBackend({ wasmDir: __dirname, exclude });
  if (announce) process.stderr.write(`TensorFlow.js backend: ${backend}\n`);
  return backend;
}

/**
 * Training progress on stderr: one line rewritten in place on a terminal (at most every
 * PROGRESS_INTERVAL_MS), otherwise a plain line at each tenth of the run.
 */
export function progressReporter(total: number) {
  const stream = process.stderr;
  let lastWrite = 0;
  let lastTenth = 0;
  return {
    update: (done: number, line: () => string) => {
      if (stream.isTTY) {
        const now = performance.now();
        if (now - lastWrite < PROGRESS_INTERVAL_MS) return;
        lastWrite = now;
        stream.write(`\r${line()}\x1b[K`);
        return;
      }
      const tenth = Math.floor((10 * done) / total);
      if (tenth > lastTenth) {
        lastTenth = tenth;
        stream.write(`${line()}\n`);
      }
    },
    done: () => {
      if (stream.isTTY) stream.write('\r\x1b[K');
    },
  };
}

/** The digits packed beside the bundle by the build (scripts/mnistData.mjs). */
export function loadDigits(): Digits {
  const file = join(__dirname, MNIST_FILE);
  try {
    return readMnist(file);
  } catch (error) {
    throw new Error(`cannot read the MNIST digits ${file} (${systemReason(error)}); run npm run build`);
  }
}
