// The evolution webview in real Chromium (page, CSP, theme and VS Code stub from
// test/support/webviewHarness.ts), with the real host side (EvolutionHost) reading the
// examples' checkpoint series, written by PyTorch. The test plays the folder watcher: it
// writes files into a copy of a run's folder and tells the host, as the watcher would.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { openWeightFile } from '../../src/core/formats/openWeightFile';
import { filterRanges, kernelView, shownTiles } from '../../src/core/tensor/kernel';
import { colorLevel, colorMap } from '../../src/render/color';
import type { RetryPolicy } from '../../src/core/series/halfWritten';
import type { TrainingPoint } from '../../src/core/series/trainingCurve';
import type { EvolutionHost } from '../../src/extension/evolutionHost';
import { filterGridLayout, tileRect } from '../../src/render/filterGrid';
import { restoreEvolutionState } from '../../webview/evolution/state';
import { formatNumber } from '../../webview/shared/format';
import { frameCount, frameTimes, openSeries, scrubTo, waitForFrames } from '../support/evolutionPage';
import {
  canvasDigest,
  colorDistance,
  describeInChromium,
  ensureBuilt,
  ensureResults,
  launchChromium,
  pixel,
  RESULTS,
  rgb,
  type Rgb,
  settle,
  startServer,
  switchTheme,
  text,
  THEMES,
  type View,
} from '../support/webviewHarness';

const RUNS = join(__dirname, '..', '..', 'examples', 'runs');
const GRID = '.filter-grid';
const PLOT = '.hyperplane-canvas';
const LOSS = '.metrics-loss canvas';
const ACCURACY = '.metrics-accuracy canvas';

/** How many pixels of a canvas are (nearly) this colour. */
function colorPixels(page: Page, selector: string, color: Rgb): Promise<number> {
  return page.$eval(
    selector,
    (canvas, [r, g, b]) => {
      const c = canvas as HTMLCanvasElement;
      const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
      let count = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (Math.max(Math.abs(data[i] - r), Math.abs(data[i + 1] - g), Math.abs(data[i + 2] - b)) <= 24) count++;
      }
      return count;
    },
    color,
  );
}

/** A copy of an example run, to write into. */
function copyRun(run: string): string {
  const folder = mkdtempSync(join(tmpdir(), `weight-lens-${run}-`));
  cpSync(join(RUNS, run), folder, { recursive: true });
  return folder;
}

const FAST: RetryPolicy = { firstDelayMs: 20, maxDelayMs: 80, stableMs: 400 };

const scrubberLabel = (page: Page): Promise<string> => text(page, '.scrubber-label');

describe('evolution view state', () => {
  it('restores saved choices field by field, defaulting what is missing or malformed', () => {
    const restored = restoreEvolutionState({ view: 'tensor', tensor: 'conv2.weight', distance: 'absolute', zoom: 5 });
    assert.equal(restored.view, 'tensor');
    assert.equal(restored.tensor, 'conv2.weight');
    assert.equal(restored.distance, 'absolute');
    assert.equal(restored.zoom, 6, 'zoom 5 is not offered: the default');
    assert.equal(restored.activation, 'relu');
    assert.equal(restoreEvolutionState(undefined).view, undefined);
  });
});

describeInChromium('evolution webview in Chromium', ({ it, before, after }) => {
  let browser: Browser;
  let server: Server;
  let origin: string;
  const folders: string[] = [];
  const views: View[] = [];
  const hosts: EvolutionHost[] = [];

  before(async () => {
    ensureBuilt();
    ensureResults();
    ({ server, origin } = await startServer());
    browser = await launchChromium();
  });

  /** Opens a copy of an example run in the view; the copy, view and host are cleaned up after. */
  async function openRun(run: string): Promise<{ folder: string; view: View; host: EvolutionHost }> {
    const folder = copyRun(run);
    folders.push(folder);
    const { view, host } = await openSeries(browser, origin, folder, { policy: FAST });
    views.push(view);
    hosts.push(host);
    return { folder, view, host };
  }

  after(async () => {
    for (const view of views) assert.deepEqual(await view.problems(), [], 'console errors or CSP violations');
    hosts.forEach((h) => h.dispose());
    await browser?.close();
    server?.close();
    folders.forEach((f) => rmSync(f, { recursive: true, force: true }));
  });

  it('LeNet: the filter grid changes as the scrubber moves, from the real checkpoints', async () => {
    const { folder, view } = await openRun('lenet');
    const { page } = view;
    await page.waitForSelector(GRID);
    await waitForFrames(page, 10);
    assert.match(await text(page, '.series-header'), /checkpoints\s*10/);
    // Following the run: the newest checkpoint is shown.
    assert.match(await scrubberLabel(page), /^step_000800\.pt · 800 \(10 of 10\)/);

    await scrubTo(page, 0);
    assert.match(await scrubberLabel(page), /^step_000000\.pt/);
    const first = await canvasDigest(page, GRID);
    // Filter 0's top-left value at step 0, in the colour global min-max gives it.
    const file = await openWeightFile(join(folder, 'step_000000.pt'));
    const values = await file.read('conv1.weight');
    await file.close();
    const kernel = kernelView(values, [32, 1, 5, 5], 'OIHW');
    const maxWidth = await page.$eval('.scroll-box', (b) => b.clientWidth);
    const layout = filterGridLayout(kernel, { filters: 32, channels: 32, rgb: false, scale: 6, maxWidth });
    const tile = tileRect(layout, 0);
    const level = colorLevel(kernel.at(0, 0, 0, 0), filterRanges(kernel, shownTiles(kernel, layout.grid), 'global')[0]);
    const grey = colorMap('global')[level * 3];
    const shown = await pixel(page, GRID, tile.x + 1.5, tile.y + 1.5);
    assert.ok(colorDistance(shown, [grey, grey, grey]) <= 1, `step 0 filter 0: got ${shown}, expected grey ${grey}`);

    await scrubTo(page, 5);
    assert.notEqual(await canvasDigest(page, GRID), first, 'the filters changed between step 0 and step 80');
    await page.screenshot({ path: join(RESULTS, 'evolution-lenet-conv1.png') });

    await showTensor(page, 'conv2.weight');
    await page.waitForFunction(
      () => !document.querySelector('.histogram .chart-legend')?.textContent?.includes('counting'),
    );
    await settle(page);
    await page.screenshot({ path: join(RESULTS, 'evolution-lenet-conv2.png') });

    // One colour scale for the whole run: the range of conv2 over every checkpoint.
    let [low, high] = [Infinity, -Infinity];
    for (const name of readdirSync(folder).filter((f) => f.endsWith('.pt'))) {
      const checkpoint = await openWeightFile(join(folder, name));
      for (const v of await checkpoint.read('conv2.weight')) [low, high] = [Math.min(low, v), Math.max(high, v)];
      await checkpoint.close();
    }
    await page.click('.tensor-bar .toggle');
    await settle(page);
    assert.equal(await text(page, '.filter-grid-view .color-legend'), `${formatNumber(low)}${formatNumber(high)}`);
    await page.click('.tensor-bar .toggle');

    // The theme changes: the grid's background and the charts follow it.
    const cornerDark = await pixel(page, GRID, 1, 1);
    await switchTheme(page, origin, 'light');
    await settle(page);
    assert.ok(colorDistance(await pixel(page, GRID, 1, 1), rgb(THEMES.light.vars['--vscode-editor-background'])) <= 2);
    assert.ok(colorDistance(cornerDark, rgb(THEMES.dark.vars['--vscode-editor-background'])) <= 2);
    await page.screenshot({ path: join(RESULTS, 'evolution-lenet-light.png') });
    await switchTheme(page, origin, 'dark');
    const saved = await page.evaluate(() => JSON.parse(sessionStorage.getItem('vscodeState') ?? '{}'));
    assert.equal(saved.tensor, 'conv2.weight');
    assert.equal(saved.folder, folder);
  });

  it('a checkpoint the run saves joins the timeline; a half-written one waits until complete', async () => {
    const { folder, view, host } = await openRun('lenet');
    const { page } = view;
    await waitForFrames(page, 10);
    const bytes = readFileSync(join(folder, 'step_000560.pt'));
    writeFileSync(join(folder, 'step_000900.pt'), bytes.subarray(0, bytes.length >> 1));
    host.fileChanged({ name: 'step_000900.pt', deleted: false });
    await page.waitForFunction(() => document.querySelector('.series-header')?.textContent?.includes('being written'));
    assert.equal(await page.$eval('.scrubber-range', (r) => r.getAttribute('max')), '9');
    assert.doesNotMatch(await text(page, '.series-header'), /cannot be read/);

    writeFileSync(join(folder, 'step_000900.pt'), bytes);
    host.fileChanged({ name: 'step_000900.pt', deleted: false });
    await waitForFrames(page, 11);
    // The view followed the newest checkpoint.
    await page.waitForFunction(() => document.querySelector('.scrubber-label')?.textContent?.startsWith('step_000900'));
    assert.doesNotMatch(await text(page, '.series-header'), /being written/);
  });

  it('the lecture MLP: hyperplanes over the points at each checkpoint, distances, and a reload keeps the frame', async () => {
    const { view } = await openRun('disc_mlp');
    const { page } = view;
    await waitForFrames(page, 16);
    await page.waitForFunction(() => document.querySelectorAll('.units .unit').length === 20);
    assert.equal(await page.$eval('#tab-hyperplanes', (t) => t.getAttribute('aria-selected')), 'true');
    assert.match(await text(page, '.score'), /on points\.csv: loss 0\.0\d+ · accuracy 9\d\.\d %/);
    const last = await canvasDigest(page, PLOT);
    await scrubTo(page, 0);
    assert.match(await scrubberLabel(page), /^iter_000001\.pt · 1 /);
    assert.notEqual(await canvasDigest(page, PLOT), last);
    await scrubTo(page, 11);
    await page.screenshot({ path: join(RESULTS, 'evolution-disc-mlp.png') });

    await page.reload();
    await page.waitForFunction(() => document.querySelector('.scrubber-label')?.textContent?.startsWith('iter_001407'));
    await page.click('#tab-tensor');
    await page.waitForSelector('.matrix-canvas');
    await settle(page);
    assert.equal(await page.$eval('#evolution-tensor', (s) => (s as HTMLSelectElement).value), '0.weight');
  });

  it('LeNet training: loss and accuracy against step beside the checkpoints, following the run', async () => {
    const { view, host } = await openRun('lenet');
    const { page } = view;
    await waitForFrames(page, 10);
    assert.equal(await page.$eval('.metrics-charts', (e) => (e as HTMLElement).hidden), true, 'no metrics: no charts');

    // What lenetCommand forwards from the trainer's snapshots: none at step 0, test accuracy at epoch ends.
    const point = (step: number, epochEnd = false): TrainingPoint => ({
      step,
      loss: 2.3 * Math.exp(-step / 150) + 0.05,
      trainAccuracy: 0.98 - 0.88 * Math.exp(-step / 120),
      ...(epochEnd ? { testAccuracy: 0.985 - 0.88 * Math.exp(-step / 110) } : {}),
    });
    host.metricsAdded([5, 10, 20, 40, 80, 160, 320, 560].map((step) => point(step, step === 320)));
    await page.waitForFunction(() => !(document.querySelector('.metrics-charts') as HTMLElement).hidden);
    await settle(page);
    const train = rgb(THEMES.dark.vars['--vscode-charts-blue']);
    const test = rgb(THEMES.dark.vars['--vscode-charts-orange']);
    assert.ok((await colorPixels(page, LOSS, train)) > 100, 'the loss curve is drawn');
    assert.ok((await colorPixels(page, ACCURACY, train)) > 100, 'the train accuracy curve is drawn');
    assert.ok((await colorPixels(page, ACCURACY, test)) > 5, 'the test accuracy point is drawn');
    const loss = await canvasDigest(page, LOSS);
    const accuracy = await canvasDigest(page, ACCURACY);

    // A point the run measures joins live: both charts are drawn again with it.
    host.metricsAdded([point(800, true)]);
    await page.waitForFunction(
      (before) => document.querySelector<HTMLCanvasElement>('.metrics-loss canvas')?.toDataURL() !== before,
      loss,
    );
    await settle(page);
    assert.notEqual(await canvasDigest(page, ACCURACY), accuracy, 'the accuracy chart took the new point');
    const testPixels = await colorPixels(page, ACCURACY, test);
    assert.ok(testPixels > 20, `the test accuracy line between the two epochs is drawn (${testPixels} pixels)`);

    // The frame marker moves with the scrubber, over the chart, which is not drawn again.
    const marker = (): Promise<{ hidden: boolean; transform: string }> =>
      page.$eval('.metrics-loss .frame-marker', (m) => ({
        hidden: (m as HTMLElement).hidden,
        transform: (m as HTMLElement).style.transform,
      }));
    const atEnd = await marker();
    const chart = await canvasDigest(page, LOSS);
    await scrubTo(page, 5);
    const moved = await marker();
    assert.equal(moved.hidden, false, 'the marker shows');
    assert.notEqual(moved.transform, atEnd.transform, 'the frame marker moved');
    assert.equal(await canvasDigest(page, LOSS), chart, 'the chart was left as drawn');
    // A click on a chart scrubs to the checkpoint nearest that step: 70 % along the axis of
    // steps 0…800 is about 530, nearest step 560 (the ones before and after are 320 and 800).
    const box = (await page.locator(LOSS).boundingBox())!;
    await page.click(LOSS, { position: { x: box.width * 0.7, y: box.height / 2 } });
    await settle(page);
    assert.match(await scrubberLabel(page), /^step_000560\.pt/);
    await page.mouse.move(0, 0); // the tooltip goes with the pointer
    await scrubTo(page, 5);
    await page.screenshot({ path: join(RESULTS, 'evolution-lenet-metrics.png') });

    // A reloaded view gets the metrics again with the series.
    await page.reload();
    await waitForFrames(page, 10);
    await page.waitForFunction(() => !(document.querySelector('.metrics-charts') as HTMLElement).hidden);
    await settle(page);
    assert.ok((await colorPixels(page, LOSS, train)) > 100, 'the loss curve is drawn after a reload');
  });

  it('plays through the series, drawing each checkpoint (timings are the benchmark’s)', async () => {
    const { page } = views[0];
    await scrubTo(page, 0);
    const before = await frameCount(page);
    await play(page);
    assert.equal((await frameTimes(page, before)).length, 9, 'a frame drawn for every checkpoint after the first');
    assert.match(await scrubberLabel(page), /^step_000800\.pt/);
  });

  it('playback waits for a late tensor rather than skip its checkpoint', async () => {
    const { view } = await openRun('lenet');
    const { page } = view;
    await waitForFrames(page, 10);
    // Every tensor from now on comes 300 ms late (the host's messages reach the page through
    // window.postMessage): many frames of playback at 30 fps.
    await page.evaluate(() => {
      const post = window.postMessage.bind(window);
      window.postMessage = (message: { type?: string }) => {
        if (message?.type === 'seriesTensor') setTimeout(() => post(message, '*'), 300);
        else post(message, '*');
      };
    });
    // A tensor none of whose frames were fetched while the run was read.
    await showTensor(page, 'conv2.weight');
    await scrubTo(page, 0);
    const before = await frameCount(page);
    await play(page);
    const times = await frameTimes(page, before);
    assert.equal(times.length, 9, 'every checkpoint after the first drawn, none skipped');
    assert.ok(Math.max(...times) >= 100, 'a late frame is timed until it is drawn');
    assert.match(await scrubberLabel(page), /^step_000800\.pt/);
  });

  it('times a frame given up for a later one from the earlier request', async () => {
    const { view } = await openRun('lenet');
    const { page } = view;
    await waitForFrames(page, 10);
    // A tensor none of whose frames were fetched while the run was read: the newest and its neighbours only.
    await showTensor(page, 'conv2.weight');
    await settle(page);
    const before = await frameCount(page);
    // Two moves in one go, to checkpoints not fetched yet.
    const [first, second] = await page.$eval('.scrubber-range', (range) => {
      const move = (i: number): number => {
        const at = performance.now();
        (range as HTMLInputElement).value = String(i);
        range.dispatchEvent(new Event('input'));
        return at;
      };
      return [move(0), move(3)];
    });
    await page.waitForFunction((n) => performance.getEntriesByName('evolution-frame').length > n, before);
    await settle(page);
    assert.match(await scrubberLabel(page), /^step_000020\.pt/);
    const measures = await page.evaluate(
      (n) =>
        performance
          .getEntriesByName('evolution-frame')
          .slice(n)
          .map((e) => e.startTime),
      before,
    );
    assert.equal(measures.length, 1, 'one picture drawn, for the second move');
    assert.ok(measures[0] >= first && measures[0] <= second, 'timed from the first move');
  });
});

/** Chooses a tensor and waits for its grid. */
async function showTensor(page: Page, name: string): Promise<void> {
  await page.selectOption('#evolution-tensor', name);
  await page.waitForFunction(
    (tensor) => document.querySelector('.filter-grid')?.getAttribute('aria-label')?.startsWith(`${tensor}:`),
    name,
  );
}

/** Plays from the frame shown to the end. */
async function play(page: Page): Promise<void> {
  await page.click('.scrubber .play');
  await page.waitForFunction(() => document.querySelector('.scrubber .play')?.getAttribute('aria-label') === 'Play');
}
