// The .vsix as `npm run package` makes it (from the current dist/), for the tests that
// check its contents and the end-to-end tests that install it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');

/** Packages the built extension into `out`; returns what vsce printed (files and size). */
export function packageVsix(out: string): string {
  assert.ok(existsSync(join(ROOT, 'dist/extension.js')), 'dist/ is missing: run `npm run build` first');
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/package.ts', out], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, `packaging failed:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}
