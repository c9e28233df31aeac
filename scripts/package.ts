// `npm run package` (after the build): weight-lens-<version>.vsix with @vscode/vsce, which
// prints its files and size. `node --import tsx scripts/package.ts OUT.vsix` writes OUT.vsix.
// The bundles need no node_modules, hence no dependencies.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createVSIX } from '@vscode/vsce';

const root = join(import.meta.dirname, '..');
const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, string>;
const packagePath = resolve(process.argv[2] ?? join(root, `${name}-${version}.vsix`));

createVSIX({ cwd: root, packagePath, dependencies: false }).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
