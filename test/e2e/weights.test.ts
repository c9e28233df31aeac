// The weights view in real VS Code (code-server in Chromium), driven as a user would: the
// Explorer's context menu on weight files of examples/, a corrupt file, the palette after it.
// The tests run in order on one workbench.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import {
  chooseMenuItem,
  colorfulPixels,
  explorerMenuItem,
  findCommand,
  describeWorkbench,
  quickInput,
  webview,
} from '../support/vscodeWeb';

const TIMEOUT = { timeout: 180_000 };
const GRID = 'canvas.filter-grid';

describeWorkbench('e2e: weights in VS Code', (workbench, test) => {
  test(
    'Explorer → Inspect Weights on lenet.pt: tensor list, conv1 filters, conv2; RGB on AlexNet conv1',
    TIMEOUT,
    async () => {
      const vscode = workbench();
      const { page } = vscode;
      const item = await explorerMenuItem(page, 'lenet.pt', 'Inspect Weights');
      await vscode.shot('2-explorer-menu');
      await chooseMenuItem(page, item);
      const view = await webview(page, '.tensor-list');
      await selectTensor(view, 'conv1.weight');
      await view.locator('.tensor-row[title="conv2.weight"]').waitFor();
      const grid = view.locator(GRID);
      const conv1 = await waitForDrawing(grid);
      await vscode.shot('2-conv1-filters');

      await selectTensor(view, 'conv2.weight');
      await waitForDrawing(grid, conv1);
      await vscode.shot('2-conv2-filters');

      await inspect(page, 'alexnet_conv1.safetensors');
      const alexnet = await webview(page, '.tensor-row[title="features.0.weight"]');
      await selectTensor(alexnet, 'features.0.weight');
      const gray = await waitForDrawing(alexnet.locator(GRID));
      assert.ok((await colorfulPixels(alexnet.locator(GRID))) < 100, 'channels in grayscale first');
      await alexnet.locator('label.toggle', { hasText: 'RGB' }).click();
      await waitForDrawing(alexnet.locator(GRID), gray);
      const colorful = await colorfulPixels(alexnet.locator(GRID));
      assert.ok(colorful > 10_000, `RGB filters are in colour: ${colorful} colourful pixels`);
      await vscode.shot('2-alexnet-rgb');
    },
  );

  test('a corrupt file shows an error, and the next command still works', TIMEOUT, async () => {
    const vscode = workbench();
    const { page } = vscode;
    await inspect(page, 'corrupt.pt');
    const view = await webview(page, '.error-panel');
    assert.match(await view.locator('.error-panel').innerText(), /This file cannot be shown\n+.*corrupt\.pt/);
    await vscode.shot('5-corrupt');

    await (await findCommand(page, 'Weight Lens: Inspect Weights File…')).click();
    // VS Code's own file dialog (code-server has no native one): once it lists the workspace
    // folder (it fills the path box before), type the file's path.
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'lenet.safetensors' }).waitFor();
    await quickInput(page).fill(join(vscode.folder, 'lenet.safetensors'));
    await page.keyboard.press('Enter');
    const next = await webview(page, '.tensor-row[title="conv1.weight"]');
    await selectTensor(next, 'conv1.weight');
    await waitForDrawing(next.locator(GRID));
    await vscode.shot('5-next-command');
  });
});

async function inspect(page: Page, file: string): Promise<void> {
  await chooseMenuItem(page, await explorerMenuItem(page, file, 'Inspect Weights'));
}

async function selectTensor(view: FrameLocator, name: string): Promise<void> {
  await view.locator(`.tensor-row[title="${name}"]`).click();
  await view.locator('.tensor-title', { hasText: name }).waitFor();
}

/** Waits until the canvas shows a drawing (other than `previous`); returns it as a data URL. */
async function waitForDrawing(canvas: Locator, previous?: string): Promise<string> {
  await canvas.waitFor();
  const deadline = Date.now() + 15_000;
  for (;;) {
    const drawing = await canvas.evaluate((c) => {
      const canvas = c as HTMLCanvasElement;
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      // A grid of kernels has many grey levels; a blank or half-drawn canvas has few.
      const levels = new Set<number>();
      for (let i = 0; i < data.length; i += 4) levels.add(data[i]);
      return levels.size > 32 ? canvas.toDataURL() : undefined;
    });
    if (drawing && drawing !== previous) return drawing;
    assert.ok(Date.now() < deadline, 'the filter grid was not drawn');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
