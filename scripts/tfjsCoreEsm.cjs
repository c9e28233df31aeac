// Loaded before the tests (scripts/test.mjs, bench/run.ts): makes `@tensorflow/tfjs-core` and
// its backends their packages' ES module builds, as the bundles (esbuild, `module` first) have. Its CommonJS `main` has no gradients, and importing
// them (register_all_gradients, ES modules) under tsx would load a second copy of tfjs-core's
// ops beside the first: gradients then mix both and fail. (The backends follow: their CommonJS
// builds subclass core's classes in ES5 style, which ES module classes refuse.)
const Module = require('node:module');
const ESM_PACKAGES = new Set([
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-backend-wasm',
]);
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const esm = ESM_PACKAGES.has(request) ? `${request}/dist/index.js` : request;
  return resolve.call(this, esm, ...rest);
};
