// The hyperplane view in real VS Code (code-server in Chromium), driven as a user would:
// the palette command, the side panel beside a Python file being edited, the CodeLens.
// The tests run in order on one workbench, each starting where the previous one left it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { unitColor } from '../../src/render/theme';
import {
  ACTIVITY_ICON,
  colorCounts,
  findCommand,
  runCommand,
  openFile,
  describeWorkbench,
  quickInput,
  themeColor,
  waitForQuickPick,
  webview,
} from '../support/vscodeWeb';
import { rgb } from '../support/webviewHarness';

const TIMEOUT = { timeout: 180_000 };
const PANEL = 'body[data-placement="panel"] .hyperplane-canvas';
const SIDEBAR = 'body[data-placement="sidebar"] .hyperplane-canvas';

describeWorkbench('e2e: hyperplanes in VS Code', (workbench, test) => {
  test(
    'palette → Train 2D MLP and Show Hyperplanes → defaults: lines and loss chart; the scrubber moves them',
    TIMEOUT,
    async () => {
      const vscode = workbench();
      const { page } = vscode;
      await findCommand(page, 'Weight Lens: Train 2D MLP and Show Hyperplanes');
      await vscode.shot('1-palette');
      await page.keyboard.press('Enter');
      await waitForQuickPick(page, 'dataset (1/2)');
      await vscode.shot('1-dataset');
      await page.keyboard.press('Enter');
      await waitForQuickPick(page, 'hidden units (2/2)');
      await page.keyboard.press('Enter');

      const panel = await webview(page, PANEL);
      await waitForDone(panel, /disc · 20 hidden relu/);
      await vscode.shot('1-hyperplanes');
      const plot = panel.locator('.hyperplane-canvas');
      // Most of the 20 lines leave the unit square or die; the lecture's run keeps 7 in view.
      const end = await waitForUnits(plot, (pixels) => pixels.filter((n) => n > 100).length >= 5);
      const lossChart = panel.locator('.chart canvas').first();
      const [loss] = await colorCounts(lossChart, [await themeColor(panel, '--vscode-charts-blue')]);
      assert.ok(loss > 100, `loss curve pixels: ${loss}`);

      const chartBefore = await digest(lossChart);
      await panel.locator('.scrubber-range').focus();
      await page.keyboard.press('Home');
      await panel.locator('.scrubber-label', { hasText: /^Iteration 1 \// }).waitFor();
      await vscode.shot('1-scrubbed');
      // At iteration 1 the lines are the initial ones: other units in view, in other places.
      await waitForUnits(plot, (start) => start.filter((n, k) => Math.abs(n - end[k]) > 50).length >= 5);
      assert.notEqual(await digest(lossChart), chartBefore, "the loss chart's marker follows the scrubber");
    },
  );

  test('the side panel shows the current run while a Python file is edited', TIMEOUT, async () => {
    const vscode = workbench();
    const { page } = vscode;
    // From the code now: the panel is closed, the side panel keeps the run.
    await runCommand(page, 'View: Close All Editors');
    await openFile(page, 'lecture_mlp.py');
    await page.locator(ACTIVITY_ICON).click();
    const side = await webview(page, SIDEBAR);
    await waitForDone(side, /disc · 20 hidden relu/);
    await waitForUnits(side.locator('.hyperplane-canvas'), (pixels) => pixels.filter((n) => n > 20).length >= 5);

    // The user edits the network: tanh instead of ReLU.
    await editLine(page, join(vscode.folder, 'lecture_mlp.py'), 'nn.ReLU(),', 'nn.Tanh(),');
    await page.locator('.view-lines', { hasText: 'nn.Tanh(),' }).waitFor();
    assert.ok(await side.locator('.hyperplane-canvas').isVisible(), 'the side view stays while editing');
    await vscode.shot('3-side-panel-editing');
  });

  test('the CodeLens over nn.Sequential trains that model', TIMEOUT, async () => {
    const vscode = workbench();
    const { page } = vscode;
    // The lens follows the edit: it now trains tanh units.
    const lens = page.locator('.codelens-decoration a[title*="(20 hidden units, tanh)"]');
    await lens.waitFor();
    await vscode.shot('4-codelens');
    await lens.click();
    const panel = await webview(page, PANEL);
    await waitForDone(panel, /disc · 20 hidden tanh/);
    await waitForUnits(panel.locator('.hyperplane-canvas'), (pixels) => pixels.filter((n) => n > 100).length >= 5);
    // The side panel follows the current run.
    await waitForDone(await webview(page, SIDEBAR), /disc · 20 hidden tanh/);
    await vscode.shot('4-codelens-trained');
  });
});

/** Waits for the view's status line to say Done for a run whose settings match. */
async function waitForDone(view: FrameLocator, config: RegExp): Promise<void> {
  await view.locator('.status-config', { hasText: config }).waitFor();
  await view.locator('.status', { hasText: 'Done' }).waitFor();
}

/**
 * Waits until the pixels of each of 20 hidden units' colours in the plot pass `check`
 * (the canvas redraws on the frame after the data arrives); returns them.
 */
async function waitForUnits(canvas: Locator, check: (pixels: number[]) => boolean): Promise<number[]> {
  const colors = Array.from({ length: 20 }, (_, k) => rgb(unitColor(k)));
  const deadline = Date.now() + 15_000;
  for (;;) {
    const pixels = await colorCounts(canvas, colors, 12);
    if (check(pixels)) return pixels;
    assert.ok(Date.now() < deadline, `pixels of units 0-19: ${pixels}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function digest(canvas: Locator): Promise<string> {
  return canvas.evaluate((c) => (c as HTMLCanvasElement).toDataURL());
}

/** Replaces a line's text (after its indentation) as a user would: go to the line, select it, type. */
async function editLine(page: Page, file: string, from: string, to: string): Promise<void> {
  const line =
    readFileSync(file, 'utf8')
      .split('\n')
      .findIndex((text) => text.trim() === from) + 1;
  assert.ok(line > 0, `${file} has no line "${from}"`);
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+G');
  await quickInput(page).fill(`:${line}`);
  await page.keyboard.press('Enter');
  await quickInput(page).waitFor({ state: 'hidden' });
  await page.keyboard.press('Home');
  await page.keyboard.press('Shift+End');
  await page.keyboard.type(to);
}
