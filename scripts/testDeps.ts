// What the tests need beyond node_modules, installed before they run (scripts/test.mjs runs
// this first) as `npm start` installs code-server: Debian's chromium, the browser the webview
// and end-to-end tests drive, and fonts-dejavu-core, the font of the text in canvas renders.
// As root, apt-get installs what is missing; otherwise this says what to run, and the tests
// that need Chromium skip, saying so (test/support/webviewHarness.ts), except in CI.
// When everything is there it only looks at two files.
import { existsSync } from 'node:fs';
import { aptInstall, canAptInstall } from './apt';

export const CHROMIUM = '/usr/bin/chromium';
/** CI (CI=true, as .ci/run sets it): what a test needs must be there, and the test fails without it. */
export const IN_CI = process.env.CI === 'true';

/** Each Debian package, known installed by a file it ships. */
const PACKAGES: Record<string, string> = {
  chromium: CHROMIUM,
  'fonts-dejavu-core': '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
};
export const INSTALL_HINT = `sudo apt-get install ${Object.keys(PACKAGES).join(' ')}`;

/** Installs the missing packages when it can; otherwise prints one line saying what to run. */
export function installTestDeps(log: (line: string) => void = console.error): void {
  const missing = Object.keys(PACKAGES).filter((name) => !existsSync(PACKAGES[name]));
  if (missing.length === 0) return;
  if (!canAptInstall()) {
    const outcome = IN_CI ? 'fail (CI=true)' : 'skip';
    log(`Missing ${missing.join(' and ')}: the tests that need Chromium will ${outcome}. Install: ${INSTALL_HINT}`);
    return;
  }
  log(`apt-get install ${missing.join(' ')}: Chromium for the webview and end-to-end tests, fonts for canvas text`);
  const started = Date.now();
  aptInstall(missing);
  log(`  installed in ${Math.round((Date.now() - started) / 1000)} s`);
}

if (require.main === module) installTestDeps();
