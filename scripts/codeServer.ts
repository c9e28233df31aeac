// Runs the cached code-server (codeServerInstall.ts) for `npm start` and the end-to-end
// tests. It runs in a process group of its own and is stopped as a group: code-server
// leaves its extension host and helpers running otherwise.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installCodeServer } from './codeServerInstall';

export interface Profile {
  userDataDir: string;
  extensionsDir: string;
}

export interface CodeServer {
  /** http://127.0.0.1:PORT */
  url: string;
  /** Resolves when code-server exits, with what it printed. */
  exited: Promise<string>;
  /** Stops code-server and every process it started. */
  stop(): Promise<void>;
}

/** A quiet workbench: no welcome page, update checks, chat, or offer to open the repo above examples/. */
const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'git.openRepositoryInParentFolders': 'never',
  'telemetry.telemetryLevel': 'off',
};

/** Creates the profile's folders and, unless the user has settings there, quiet settings plus `settings`. */
export function prepareProfile(profile: Profile, settings: Record<string, unknown> = {}): void {
  const user = join(profile.userDataDir, 'User');
  mkdirSync(user, { recursive: true });
  mkdirSync(profile.extensionsDir, { recursive: true });
  const file = join(user, 'settings.json');
  if (!existsSync(file)) writeFileSync(file, JSON.stringify({ ...QUIET_SETTINGS, ...settings }, null, 2) + '\n');
}

/** Starts code-server on 127.0.0.1 on a free port (the OS picks it) and resolves once it answers. */
export async function startCodeServer(
  folder: string,
  profile: Profile,
  log: (line: string) => void = () => {},
): Promise<CodeServer> {
  const { node, entry } = installCodeServer(log);
  const args = [
    ...[entry, '--auth', 'none', '--bind-addr', '127.0.0.1:0'],
    ...['--disable-telemetry', '--disable-update-check', '--disable-workspace-trust'],
    ...profileArgs(profile),
    folder,
  ];
  const child = spawn(node, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const group = child.pid!;
  // Should this process die first, it takes code-server with it.
  const killOnExit = () => signalGroup(group, 'SIGKILL');
  process.on('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    await stopGroup(group);
  };

  let output = '';
  const exited = new Promise<string>((resolve) => child.on('close', () => resolve(output)));
  const port = new Promise<number>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk;
      log(String(chunk).trimEnd());
      const listening = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (listening) resolve(Number(listening[1]));
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('error', reject);
    void exited.then(() => reject(new Error(`code-server exited:\n${output}`)));
  });
  try {
    const url = `http://127.0.0.1:${await withTimeout(port, 60_000, 'code-server did not start listening')}`;
    await waitForHealth(url, 60_000);
    return { url, exited, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Installs a .vsix into the profile (code-server does it and exits). */
export function installVsix(vsix: string, profile: Profile): void {
  const { node, entry } = installCodeServer();
  const args = [entry, ...profileArgs(profile), '--install-extension', vsix];
  const result = spawnSync(node, args, { encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0 || !/was successfully installed/.test(result.stdout)) {
    throw new Error(`code-server --install-extension ${vsix} failed:\n${result.stdout}${result.stderr}`);
  }
}

function profileArgs({ userDataDir, extensionsDir }: Profile): string[] {
  // Its config file lives in the profile too, not in ~/.config/code-server.
  const config = join(userDataDir, 'config.yaml');
  return ['--config', config, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
}

/** SIGTERM to the group, then SIGKILL to whatever is left after 5 s. */
async function stopGroup(group: number): Promise<void> {
  if (!signalGroup(group, 'SIGTERM')) return;
  const deadline = Date.now() + 5_000;
  while (signalGroup(group, 0)) {
    if (Date.now() > deadline) {
      signalGroup(group, 'SIGKILL');
      return;
    }
    await sleep(100);
  }
}

/** False when no process of the group is left. */
function signalGroup(group: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-group, signal);
    return true;
  } catch {
    return false;
  }
}

/** code-server's /healthz answers once its HTTP server serves requests. */
async function waitForHealth(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (
    !(await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (Date.now() > deadline) throw new Error(`${url}/healthz did not answer within ${timeoutMs / 1000} s`);
    await sleep(200);
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
