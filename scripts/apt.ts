// Debian packages installed with apt-get when we are root (CI machines, containers), so that
// a fresh machine gets what a command needs without a manual step.
import { spawnSync } from 'node:child_process';

/** apt-get can install here: we are root and it exists. */
export function canAptInstall(): boolean {
  return process.getuid?.() === 0 && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * apt-get update (a fresh machine has no package lists), then the packages without their
 * recommends. Quiet: apt's and dpkg's output is shown only when it fails.
 */
export function aptInstall(packages: string[]): void {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', '--no-install-recommends', ...packages],
  ]) {
    const result = spawnSync('apt-get', args, { env, encoding: 'utf8', maxBuffer: 1 << 26 });
    if (result.status !== 0) {
      const why = result.error?.message ?? `status ${result.status}`;
      throw new Error(`apt-get ${args.join(' ')} failed (${why})\n${result.stdout}${result.stderr}`);
    }
  }
}
