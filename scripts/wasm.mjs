// Assembles Weight Lens's own WebAssembly, src/core/lenet/wasm/*.wat, into TypeScript modules beside
// them (NAME.wasm.ts, the binary as base64), which are committed: the source runs from
// tsx in tests and bundles alike with no build step and no file to find at run time.
// `npm run build` rewrites a module whose source changed; a unit test checks they agree.
import { Buffer } from 'node:buffer';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import initWabt from 'wabt';

const WASM_SOURCES = 'src/core/lenet/wasm';
const FEATURES = { simd: true, bulk_memory: true };

/** The TypeScript module for one .wat file's text. */
export async function assembleWat(name, text) {
  const wabt = await initWabt();
  const module = wabt.parseWat(name, text, FEATURES);
  try {
    module.validate();
    const base64 = Buffer.from(module.toBinary({}).buffer).toString('base64');
    return `// Assembled from ${name} by scripts/wasm.mjs: do not edit.\nexport default '${base64}';\n`;
  } finally {
    module.destroy();
  }
}

/** Rewrites the modules whose source changed; returns their paths. */
export async function writeWasmModules(root) {
  const folder = join(root, WASM_SOURCES);
  const written = [];
  for (const name of readdirSync(folder).filter((f) => f.endsWith('.wat'))) {
    const out = join(folder, name.replace(/\.wat$/, '.wasm.ts'));
    const module = await assembleWat(name, readFileSync(join(folder, name), 'utf8'));
    if (readIfExists(out) === module) continue;
    writeFileSync(out, module);
    written.push(out);
  }
  return written;
}

function readIfExists(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
