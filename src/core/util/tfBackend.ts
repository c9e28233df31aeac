// Chooses the fastest TensorFlow.js backend this machine can run: the native
// tfjs-node (optional: its install downloads libtensorflow, which often fails), then
// WASM, then the pure-JS CPU backend. Everything that computes asks `tfjs()` for the
// namespace, because tfjs-node brings its own copy of tfjs-core with its backend on it.
import * as tfCore from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export type Tf = typeof tfCore;
export const BACKEND_NAMES = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export interface BackendOptions {
  /** Folder holding tfjs-backend-wasm's .wasm files (the build copies them to dist/). */
  wasmDir?: string;
  /** Skip backends, e.g. to benchmark them one by one. */
  exclude?: BackendName[];
  log?: (message: string) => void;
}

let active: { name: BackendName; tf: Tf; wasmDir?: string } | undefined;
let starting: Promise<BackendName> | undefined;

/** The tfjs namespace of the backend chosen by initBackend (the bundled core before that). */
export function tfjs(): Tf {
  return active?.tf ?? tfCore;
}

export function activeBackend(): BackendName | undefined {
  return active?.name;
}

/** What starts the same backend in another thread (undefined before initBackend). */
export function activeBackendOptions(): (BackendOptions & { name: BackendName }) | undefined {
  if (!active) return undefined;
  const { name, wasmDir } = active;
  return { name, wasmDir, exclude: BACKEND_NAMES.filter((other) => other !== name) };
}

/** Starts the first backend that works; later calls return the same one. */
export function initBackend(options: BackendOptions = {}): Promise<BackendName> {
  starting ??= startBackend(options).catch((error: unknown) => {
    starting = undefined;
    throw error;
  });
  return starting;
}

async function startBackend({ wasmDir, exclude = [], log = () => {} }: BackendOptions): Promise<BackendName> {
  const attempts: [BackendName, () => Promise<Tf>][] = [
    ['tensorflow', loadTfjsNode],
    ['wasm', () => useBundled('wasm', wasmDir)],
    ['cpu', () => useBundled('cpu')],
  ];
  const failures: string[] = [];
  for (const [name, load] of attempts) {
    if (exclude.includes(name)) continue;
    try {
      const tf = await load();
      tf.enableProdMode();
      active = { name, tf, wasmDir };
      log(`TensorFlow.js backend: ${name}`);
      return name;
    } catch (error) {
      failures.push(`${name}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      log(`TensorFlow.js backend unavailable: ${failures.at(-1)}`);
    }
  }
  throw new Error(`no TensorFlow.js backend could start (${failures.join('; ')})`);
}

async function loadTfjsNode(): Promise<Tf> {
  // A computed name keeps bundlers from resolving it: the package is optional and external.
  const moduleName = '@tensorflow/tfjs-node';
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional native module, resolved at run time
  const tf = require(moduleName) as Tf;
  if (!(await tf.setBackend('tensorflow'))) throw new Error('setBackend("tensorflow") failed');
  return tf;
}

async function useBundled(name: 'wasm' | 'cpu', wasmDir?: string): Promise<Tf> {
  if (name === 'wasm') {
    if (!wasmDir) throw new Error('no folder with the .wasm files was given');
    setWasmPaths(wasmDir.endsWith('/') ? wasmDir : `${wasmDir}/`);
  }
  if (!(await tfCore.setBackend(name))) throw new Error(`setBackend("${name}") failed`);
  await tfCore.ready();
  return tfCore;
}
