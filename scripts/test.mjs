// Runs the whole suite with node's test runner (TypeScript through tsx): every *.test.ts under
// test/, whose folders mirror src/ (core, render, cli, extension, webview) plus e2e.
// `node scripts/test.mjs core render` runs only those folders; `core/formats` and single files
// (`core/engine/onnx.test.ts`) work too.
// First, scripts/testDeps.ts installs the Debian packages the tests need (Chromium, fonts)
// when they are missing and it can, or says how; when they are there it takes a fraction of a second.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const groups = process.argv.slice(2);
const folders = groups.length ? groups : ['core', 'render', 'cli', 'webview', 'extension', 'e2e'];
const files = folders.flatMap((folder) =>
  statSync(join('test', folder)).isFile()
    ? [join('test', folder)]
    : readdirSync(join('test', folder), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.test.ts'))
        .sort()
        .map((f) => join('test', folder, f)),
);
const deps = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/testDeps.ts'], { stdio: 'inherit' });
if (deps.status !== 0) process.exit(deps.status ?? 1);
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--require', './scripts/tfjsCoreEsm.cjs', '--test', '--test-concurrency=1', ...files],
  {
    stdio: 'inherit',
  },
);
process.exit(result.status ?? 1);
