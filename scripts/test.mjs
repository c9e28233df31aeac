// Runs the whole suite with node's test runner (TypeScript through tsx).
// `node scripts/test.mjs unit render` runs only those folders of test/.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const groups = process.argv.slice(2);
const folders = groups.length ? groups : ['unit', 'render', 'cli', 'webview', 'extension', 'e2e'];
const files = folders.flatMap((folder) =>
  readdirSync(join('test', folder))
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => join('test', folder, f)),
);
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
