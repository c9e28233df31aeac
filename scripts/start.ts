// `npm start` (after the build): the examples/ workspace in VS Code with Weight Lens loaded
// from this folder. Desktop VS Code when its `code` is on PATH; otherwise code-server, VS
// Code in the browser (installed once into a cache, see codeServerInstall.ts), on 127.0.0.1
// with a free port: open the URL it prints. Ctrl-C stops it and every process it started.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { prepareProfile, startCodeServer } from './codeServer';
import { cacheDir, installCodeServer } from './codeServerInstall';
import { desktopCodeCli } from './desktopVsCode';

const root = join(import.meta.dirname, '..');
const examples = join(root, 'examples');

async function startInBrowser(): Promise<void> {
  console.error('No desktop VS Code (`code`) on PATH: starting code-server, VS Code in the browser.');
  installCodeServer();
  // A profile of its own keeps settings and open editors between starts. The extension is a
  // link to this folder: after `npm run build`, "Developer: Reload Window" loads the new build.
  const dir = join(cacheDir(), 'start-profile');
  const profile = { userDataDir: join(dir, 'data'), extensionsDir: join(dir, 'extensions') };
  rmSync(profile.extensionsDir, { recursive: true, force: true });
  mkdirSync(profile.extensionsDir, { recursive: true });
  prepareProfile(profile, { 'workbench.colorTheme': 'Default Dark Modern' });
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, string>;
  const id = `${manifest.publisher}.${manifest.name}-${manifest.version}`;
  symlinkSync(root, join(profile.extensionsDir, id), 'dir');

  const server = await startCodeServer(examples, profile);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.error('Stopping code-server…');
    await server.stop();
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop());
  void server.exited.then((output) => {
    if (stopping) return;
    console.error(`code-server stopped by itself:\n${output.slice(-4000)}`);
    process.exit(1);
  });
  console.log(`\nWeight Lens in VS Code: open ${server.url}/?folder=${encodeURIComponent(examples)}\n`);
  console.error('Ctrl-C stops it.');
}

const code = desktopCodeCli();
if (code) {
  const child = spawn(code, ['--new-window', `--extensionDevelopmentPath=${root}`, examples], { stdio: 'inherit' });
  child.on('exit', (status) => process.exit(status ?? 0));
} else {
  startInBrowser().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
