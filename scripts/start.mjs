// `npm start`: opens the examples/ workspace in VS Code with Weight Lens loaded from
// this folder (the build has run already). Desktop VS Code when `code` is on PATH.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const examples = join(root, 'examples');

if (spawnSync('code', ['--version'], { stdio: 'ignore' }).status === 0) {
  const code = spawn('code', ['--new-window', `--extensionDevelopmentPath=${root}`, examples], { stdio: 'inherit' });
  code.on('exit', (status) => process.exit(status ?? 0));
} else {
  console.error(
    'npm start: no desktop VS Code (`code`) on PATH.\n' +
      `Open ${examples} in VS Code with: code --extensionDevelopmentPath=${root} ${examples}\n` +
      'The command-line tool works without VS Code: node dist/cli.js train2d --png hyperplanes.png',
  );
  process.exit(1);
}
