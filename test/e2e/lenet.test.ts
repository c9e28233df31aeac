// "Train LeNet on MNIST" in real VS Code (code-server in Chromium): the evolution view
// shows the conv filters and the loss and accuracy curves changing while it trains, and
// the trained weights are saved as safetensors in the workspace, where the weights view
// opens them.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { describeWorkbench, runCommand, webview } from '../support/vscodeWeb';

const TIMEOUT = { timeout: 300_000 };

/** Distinct grey levels a filter grid shows, once it has drawn (a blank canvas has one or two). */
async function greyLevels(canvas: Locator): Promise<number> {
  const count = () =>
    canvas.evaluate((c: HTMLCanvasElement) => {
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const levels = new Set<number>();
      for (let i = 0; i < data.length; i += 4) levels.add(data[i]);
      return levels.size;
    });
  const deadline = Date.now() + 15_000;
  let levels = await count();
  while (levels <= 20 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    levels = await count();
  }
  return levels;
}

describeWorkbench('e2e: LeNet on MNIST in VS Code', (workbench, test) => {
  test('trains with live filters, saves the weights, and opens them', TIMEOUT, async () => {
    const vscode = workbench();
    const { page } = vscode;
    await runCommand(page, 'Weight Lens: Train LeNet on MNIST');
    const evolution = await webview(page, 'canvas.filter-grid', 120_000);
    const grid = evolution.locator('canvas.filter-grid');
    await grid.waitFor();
    assert.ok((await grid.boundingBox())!.width > 50, 'the filter grid is on screen');
    // chart.js loss and accuracy curves follow the training.
    await evolution.locator('.metrics-loss canvas').waitFor({ timeout: 120_000 });
    await evolution.locator('.metrics-accuracy canvas').waitFor();
    await vscode.shot('5-lenet-training');

    const saved = page.locator('.notification-toast', { hasText: /saved .*lenet-mnist\.safetensors, test accuracy/ });
    await saved.waitFor({ timeout: 280_000 });
    const accuracy = Number(/test accuracy ([\d.]+) %/.exec((await saved.textContent()) ?? '')?.[1]);
    assert.ok(accuracy >= 95, `test accuracy ${accuracy} %`);
    assert.ok(existsSync(join(vscode.folder, 'lenet-mnist.safetensors')));
    await vscode.shot('5-lenet-saved');

    await saved.locator('a.monaco-button, .monaco-button', { hasText: 'Open' }).first().click();
    const weights = await webview(page, '.tensor-row[title="conv1.weight"]');
    await weights.locator('.tensor-row[title="conv1.weight"]').click();
    const drawn = weights.locator('canvas.filter-grid');
    await drawn.waitFor();
    assert.ok((await greyLevels(drawn)) > 20, 'the trained conv1 filters are drawn');
    await vscode.shot('5-lenet-weights');
  });
});
