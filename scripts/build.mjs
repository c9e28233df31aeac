// Bundles the programs (extension host and its LeNet worker, webviews, CLI) with esbuild and copies
// the tfjs WASM binaries and the packed MNIST digits next to them, after assembling our own
// WebAssembly (src/core/lenet/wasm) where its source changed. `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeMnistData } from './mnistData.mjs';
import { writeWasmModules } from './wasm.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const watch = process.argv.includes('--watch');
// tfjs-node is optional (its install downloads libtensorflow); the native canvas is loaded at run time.
const nodeExternal = ['vscode', '@tensorflow/tfjs-node', '@napi-rs/canvas'];
// Prefer the ES module builds: tfjs-backend-cpu's `sideEffects` list names only those, so
// through its CommonJS `main` esbuild would drop the backend's registration.
const nodeResolve = { external: nodeExternal, mainFields: ['module', 'main'] };
// The programs that compute (the LeNet worker, the host's and the CLI's training) keep their
// syntax: esbuild's syntax minification made a LeNet training step 8–10 % slower in V8.
const nodeMinify = { minify: false, minifyWhitespace: !watch, minifyIdentifiers: !watch };

const builds = [
  {
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    ...nodeResolve,
    ...nodeMinify,
  },
  // LeNet's gradient threads, started by the extension and the CLI from beside their bundle.
  {
    entryPoints: ['src/core/lenet/worker.ts'],
    outfile: 'dist/lenetWorker.js',
    platform: 'node',
    format: 'cjs',
    ...nodeResolve,
    ...nodeMinify,
  },
  {
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    ...nodeResolve,
    ...nodeMinify,
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    entryPoints: ['webview/hyperplanes/main.ts'],
    outfile: 'dist/hyperplanesView.js',
    platform: 'browser',
    format: 'iife',
  },
  { entryPoints: ['webview/weights/main.ts'], outfile: 'dist/weightsView.js', platform: 'browser', format: 'iife' },
  { entryPoints: ['webview/evolution/main.ts'], outfile: 'dist/evolutionView.js', platform: 'browser', format: 'iife' },
];

for (const file of await writeWasmModules(root)) console.log(`assembled ${file}`);
mkdirSync(dist, { recursive: true });
const wasmDir = join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) {
  cpSync(join(wasmDir, f), join(dist, f));
}
writeMnistData(root, dist);

const common = {
  absWorkingDir: root,
  bundle: true,
  sourcemap: true,
  target: 'es2022',
  logLevel: 'warning',
  minify: !watch,
};
if (watch) {
  for (const b of builds) await (await esbuild.context({ ...common, ...b })).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build({ ...common, ...b })));
}
