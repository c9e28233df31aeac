// Real VS Code for the end-to-end tests: the packaged .vsix installed into a fresh
// code-server profile, a copy of examples/ as the workspace, Debian Chromium driven by
// playwright-core, and the moves a user makes (palette, Explorer menu, webviews, canvases).
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { installVsix, prepareProfile, startCodeServer } from '../../scripts/codeServer';
import { cachedCodeServer } from '../../scripts/codeServerInstall';
import { IN_CI } from '../../scripts/testDeps';
import { packageVsix } from './vsix';
import {
  describeOrSkip,
  ensureResults,
  launchChromium,
  RESULTS,
  rgb,
  ROOT,
  skipWithoutChromium,
  type Rgb,
  type SuiteFunctions,
} from './webviewHarness';

const VIEWPORT = { width: 1440, height: 900 };
/** The activity bar's Weight Lens icon: once shown, the extension is installed and known to the workbench. */
export const ACTIVITY_ICON = '.activitybar .action-label[aria-label="Weight Lens"]';

/**
 * node:test's `skip` for the e2e suites. Without code-server or Chromium they skip, saying
 * why, except in CI (CI=true), where they run and fail (code-server is installed if missing).
 */
export function skipWithoutVsCode(): string | false {
  const reason =
    skipWithoutChromium() ||
    (cachedCodeServer() || IN_CI
      ? false
      : 'code-server is not installed (node --import tsx scripts/codeServerInstall.ts, or npm start, installs it)');
  if (reason) console.log(`skipped: ${reason}`);
  return reason;
}

/**
 * An e2e suite on one workbench: opened before its tests (which skip without VS Code, see
 * skipWithoutVsCode) and closed after them; the tests get it from `workbench()` and are
 * declared with `test`, which skips them then.
 */
export function describeWorkbench(
  name: string,
  tests: (workbench: () => Workbench, test: SuiteFunctions['it']) => void,
): void {
  describeOrSkip(name, skipWithoutVsCode(), ({ it, before, after }) => {
    let vscode: Workbench | undefined;
    before(
      async () => {
        vscode = await openWorkbench();
      },
      { timeout: 180_000 },
    );
    after(() => vscode?.close());
    tests(() => vscode!, it);
  });
}

export interface Workbench {
  page: Page;
  /** The workspace folder, a copy of examples/. */
  folder: string;
  /** Saves test-results/e2e-<name>.png. */
  shot(name: string): Promise<void>;
  close(): Promise<void>;
}

/** Packages the extension, installs it into a fresh profile and opens VS Code on a copy of examples/. */
export async function openWorkbench(): Promise<Workbench> {
  ensureResults();
  const dir = mkdtempSync(join(tmpdir(), 'weight-lens-e2e-'));
  const profile = { userDataDir: join(dir, 'data'), extensionsDir: join(dir, 'extensions') };
  prepareProfile(profile, { 'workbench.colorTheme': 'Default Dark Modern' });
  const vsix = join(dir, 'weight-lens.vsix');
  packageVsix(vsix);
  installVsix(vsix, profile);
  const folder = join(dir, 'examples');
  cpSync(join(ROOT, 'examples'), folder, { recursive: true });

  const server = await startCodeServer(folder, profile);
  const browser = await launchChromium().catch(async (error: unknown) => {
    await server.stop();
    throw error;
  });
  const close = async () => {
    try {
      await browser.close();
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    const page = await browser.newPage({ viewport: VIEWPORT });
    page.setDefaultTimeout(60_000);
    await page.goto(`${server.url}/?folder=${encodeURIComponent(folder)}`);
    await page.locator(ACTIVITY_ICON).waitFor();
    await explorerRow(page, 'lenet.pt').waitFor();
    const shot = async (name: string) => {
      await page.screenshot({ path: join(RESULTS, `e2e-${name}.png`) });
    };
    return { page, folder, shot, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * F1, the command's title, and its row in the palette, which is left open (for a
 * screenshot). Should the palette list no such command (it can open before the workbench
 * has every command), it is closed and opened again.
 */
export async function findCommand(page: Page, title: string): Promise<Locator> {
  const label = page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(title)}$`) });
  const row = page.locator('.quick-input-list .monaco-list-row').filter({ has: label });
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    await quickInput(page).fill(`>${title}`);
    try {
      await row.waitFor({ timeout: 10_000 });
      return row;
    } catch (error) {
      if (attempt === 3) throw error;
      await page.keyboard.press('Escape');
      await quickInput(page).waitFor({ state: 'hidden' });
    }
  }
}

/** The text box of the quick input (palette, quick picks, go to line, the file dialog). */
export function quickInput(page: Page): Locator {
  return page.locator('.quick-input-widget .quick-input-box input');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export async function runCommand(page: Page, title: string): Promise<void> {
  await (await findCommand(page, title)).click();
}

/** The title of the quick pick on screen, once it has this one. */
export async function waitForQuickPick(page: Page, title: string): Promise<void> {
  await page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor();
}

export function explorerRow(page: Page, name: string): Locator {
  return page.getByRole('treeitem', { name, exact: true });
}

/** Right-clicks a file in the Explorer; resolves with the context menu's item (shown, not clicked). */
export async function explorerMenuItem(page: Page, file: string, item: string): Promise<Locator> {
  await explorerRow(page, file).click({ button: 'right' });
  const menuItem = page.locator('.monaco-menu .action-item', { hasText: item }).first();
  await menuItem.waitFor();
  return menuItem;
}

/**
 * Clicks an item of the open context menu. VS Code ignores a click that comes too soon
 * after the menu opened (a right-click's release must not choose), so it clicks until the menu closes.
 */
export async function chooseMenuItem(page: Page, item: Locator): Promise<void> {
  const menu = page.locator('.monaco-menu');
  for (let attempt = 1; ; attempt++) {
    await item.click();
    try {
      await menu.waitFor({ state: 'hidden', timeout: 2_000 });
      return;
    } catch (error) {
      if (attempt === 5) throw error;
    }
  }
}

/** Opens a file in the editor from the Explorer and waits for its tab. */
export async function openFile(page: Page, name: string): Promise<void> {
  await explorerRow(page, name).dblclick();
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor();
}

/**
 * The document of the visible webview that shows `selector`. VS Code keeps every webview
 * in an iframe of its own (named by a unique id) with the extension's page inside #active-frame.
 */
export async function webview(page: Page, selector: string, timeoutMs = 60_000): Promise<FrameLocator> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const name of await page.locator('iframe.webview.ready').evaluateAll(namesOfVisible)) {
      const frame = page.frameLocator(`iframe.webview.ready[name="${name}"]`).frameLocator('#active-frame');
      if (await frame.locator(selector).first().isVisible()) return frame;
    }
    if (Date.now() > deadline) {
      await page.screenshot({ path: join(RESULTS, 'e2e-failed.png') });
      throw new Error(`no visible webview shows ${selector} (see test-results/e2e-failed.png)`);
    }
    await page.waitForTimeout(250);
  }
}

function namesOfVisible(frames: Element[]): string[] {
  return frames.filter((f) => f.checkVisibility({ visibilityProperty: true })).map((f) => f.getAttribute('name')!);
}

/** How many pixels of a canvas's backing store lie within `tolerance` (per channel) of each colour. */
export function colorCounts(canvas: Locator, colors: Rgb[], tolerance = 20): Promise<number[]> {
  return canvas.evaluate(
    (c, [colors, tolerance]) => {
      const canvas = c as HTMLCanvasElement;
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      const counts = colors.map(() => 0);
      for (let i = 0; i < data.length; i += 4) {
        colors.forEach(([r, g, b], j) => {
          const near = Math.max(Math.abs(data[i] - r), Math.abs(data[i + 1] - g), Math.abs(data[i + 2] - b));
          if (near <= tolerance && data[i + 3] > 200) counts[j]++;
        });
      }
      return counts;
    },
    [colors, tolerance] as const,
  );
}

/** Pixels whose channels differ by more than 40: colour, as opposed to greys. */
export function colorfulPixels(canvas: Locator): Promise<number> {
  return canvas.evaluate((c) => {
    const canvas = c as HTMLCanvasElement;
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let count = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
      if (Math.max(r, g, b) - Math.min(r, g, b) > 40) count++;
    }
    return count;
  });
}

/** A CSS variable of the webview's theme (VS Code sets them), as RGB. */
export async function themeColor(frame: FrameLocator, variable: string): Promise<Rgb> {
  const value = await frame
    .locator('body')
    .evaluate((body, name) => getComputedStyle(body).getPropertyValue(name).trim(), variable);
  assert.match(value, /^#[0-9a-f]{6}/i, `${variable} is ${value}, not #rrggbb`);
  return rgb(value);
}
