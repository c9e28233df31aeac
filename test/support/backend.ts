// Starts the TensorFlow.js backend for tests the way the extension does (WASM first),
// reading the .wasm files from node_modules so tests need no build.
import { join } from 'node:path';
import { initBackend, type BackendName } from '../../src/core/util/tfBackend';

export const WASM_DIR = join(__dirname, '..', '..', 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');

export function startTestBackend(): Promise<BackendName> {
  return initBackend({ wasmDir: WASM_DIR });
}
