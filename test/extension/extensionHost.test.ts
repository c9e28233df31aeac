// Runs test/extension/suite in a real desktop VS Code through @vscode/test-electron, on the
// built extension (dist/) with examples/ open. The desktop build cannot be downloaded on
// machines without internet, so it uses $VSCODE_EXECUTABLE (the Electron binary) or a
// desktop `code` on PATH, and is skipped, saying so, when there is none.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { build } from 'esbuild';
import { runTests } from '@vscode/test-electron';
import { desktopVsCodeExecutable } from '../../scripts/desktopVsCode';

const root = join(import.meta.dirname, '../..');
const SKIP_MESSAGE = 'skipped: no VS Code desktop';

test('extension host: commands, training through the API and the command, CodeLens, weights editor', async (t) => {
  const vscodeExecutablePath = desktopVsCodeExecutable();
  if (!vscodeExecutablePath) {
    console.log(SKIP_MESSAGE);
    t.skip(SKIP_MESSAGE);
    return;
  }
  assert.ok(existsSync(join(root, 'dist/extension.js')), 'dist/extension.js is missing: run `npm run build` first');
  const out = mkdtempSync(join(tmpdir(), 'weight-lens-suite-'));
  try {
    // VS Code loads the suite with require(): bundle the TypeScript to one CommonJS file.
    const extensionTestsPath = join(out, 'index.js');
    await build({
      entryPoints: [join(root, 'test/extension/suite/index.ts')],
      outfile: extensionTestsPath,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      external: ['vscode'],
      logLevel: 'warning',
    });
    const code = await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: root,
      extensionTestsPath,
      launchArgs: [join(root, 'examples'), '--disable-extensions'],
    });
    assert.equal(code, 0);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
