// The hyperplane webview in real Chromium (page, CSP, theme and VS Code stub from
// test/support/webviewHarness.ts). A real (short) training run is posted to it; the
// checks read the canvases' pixels.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  clipLineToBox,
  deadUnits,
  distanceToSegment,
  predictClass1Probability,
  type Segment,
  type Vec2,
} from '../../src/core/mlp/hyperplane';
import { makeDataset } from '../../src/core/mlp/dataset';
import type { Dataset, TrainRun } from '../../src/core/mlp/run';
import { resolveTrainConfig } from '../../src/core/mlp/config';
import { trainMlp } from '../../src/core/mlp/trainer';
import { makeNonce, webviewHtml } from '../../src/extension/webviewHtml';
import type { HyperplanesHostMessage, PersistedHyperplanesState, HyperplanesWebviewMessage } from '../../src/protocol';
import { dataToPixel, pixelToData, type Rect } from '../../src/render/hyperplanes';
import { lectureGridScenes } from '../../src/render/lectureGrid';
import { unitColor } from '../../src/render/theme';
import { formatNumber } from '../../webview/shared/format';
import { applyHyperplanesMessage, INITIAL_STATE } from '../../webview/hyperplanes/state';
import { throttle } from '../../webview/shared/throttle';
import { startTestBackend } from '../support/backend';
import {
  assertColor,
  canvasDigest,
  canvasRect,
  colorDistance,
  describeInChromium,
  ensureBuilt,
  ensureResults,
  launchChromium,
  openView,
  pixel,
  post,
  posted as postedOf,
  RESULTS,
  rgb,
  settle,
  startServer,
  switchTheme,
  text,
  THEMES,
  type View,
  waitForPosted,
} from '../support/webviewHarness';

const ITERATIONS = 2000;

const posted = (page: Page): Promise<HyperplanesWebviewMessage[]> => postedOf<HyperplanesWebviewMessage>(page);

/**
 * A pixel on live unit k's line far from every other unit's line and side mark (so only
 * unit k can colour it), with the line's unit normal; undefined if there is none.
 */
function clearPointOnUnit(
  run: TrainRun,
  frame: number,
  dataset: Dataset,
  rect: Rect,
  k: number,
): { at: Vec2; normal: Vec2 } | undefined {
  const snapshot = run.snapshots[frame];
  const toPx = (p: Vec2): Vec2 => dataToPixel(rect, dataset.box, p[0], p[1]);
  const segments = snapshot.w.map((w, i) => {
    const s = clipLineToBox(w, snapshot.b[i], dataset.box);
    return s && ([toPx(s[0]), toPx(s[1])] as Segment);
  });
  const own = segments[k];
  if (!own) return undefined;
  const [[x0, y0], [x1, y1]] = own;
  const length = Math.hypot(x1 - x0, y1 - y0);
  const normal: Vec2 = [-(y1 - y0) / length, (x1 - x0) / length];
  for (const t of [0.3, 0.7, 0.2, 0.8, 0.4, 0.6]) {
    const at: Vec2 = [x0 + t * (x1 - x0), y0 + t * (y1 - y0)];
    const clear = segments.every((s, i) => {
      if (i === k || !s) return true;
      const middle: Vec2 = [(s[0][0] + s[1][0]) / 2, (s[0][1] + s[1][1]) / 2];
      return distanceToSegment(at, s) > 8 && Math.hypot(at[0] - middle[0], at[1] - middle[1]) > 20;
    });
    const ownMiddle: Vec2 = [(x0 + x1) / 2, (y0 + y1) / 2];
    const inside = at[0] > 8 && at[1] > 8 && at[0] < rect.width - 8 && at[1] < rect.height - 8;
    if (clear && inside && Math.hypot(at[0] - ownMiddle[0], at[1] - ownMiddle[1]) > 20) return { at, normal };
  }
  return undefined;
}

function runStateMessage(run: TrainRun, dataset: Dataset): Extract<HyperplanesHostMessage, { type: 'runState' }> {
  return {
    type: 'runState',
    runId: 'run-1',
    config: run.config,
    dataset,
    backend: run.backend,
    iterations: run.iterations,
    snapshots: run.snapshots,
    status: 'done',
  };
}

describe('webviewHtml', () => {
  const html = webviewHtml({
    cspSource: 'https://x.vscode-cdn.net',
    scriptUri: 'https://x/a.js?q=1&r="2"',
    styleUri: 'https://x/s.css',
    nonce: 'abc123',
    placement: 'sidebar',
  });

  it('sets a strict Content-Security-Policy with the nonce and no unsafe sources', () => {
    const csp = html.match(/http-equiv="Content-Security-Policy" content="([^"]*)"/)?.[1];
    assert.equal(
      csp,
      "default-src 'none'; img-src https://x.vscode-cdn.net data:; style-src https://x.vscode-cdn.net; font-src https://x.vscode-cdn.net; script-src 'nonce-abc123'",
    );
    assert.doesNotMatch(html, /unsafe-/);
  });

  it('loads the one script with the nonce, escapes URIs and puts the placement on <body>', () => {
    assert.match(html, /<script nonce="abc123" src="https:\/\/x\/a\.js\?q=1&amp;r=&quot;2&quot;"><\/script>/);
    assert.match(html, /<body data-placement="sidebar">/);
    assert.equal(html.match(/<script/g)?.length, 1);
  });

  it('links extra stylesheets after the shared one, and has no placement unless given one', () => {
    const page = webviewHtml({
      cspSource: 'https://x',
      scriptUri: 'https://x/weightsView.js',
      styleUri: 'https://x/shared.css',
      extraStyleUris: ['https://x/weights.css'],
      nonce: 'n',
      title: 'lenet.pt <weights>',
    });
    assert.deepEqual(
      [...page.matchAll(/<link rel="stylesheet" href="([^"]*)">/g)].map((m) => m[1]),
      ['https://x/shared.css', 'https://x/weights.css'],
    );
    assert.match(page, /<title>lenet\.pt &lt;weights&gt;<\/title>/);
    assert.match(page, /<body>/);
  });

  it('makes a fresh 128-bit nonce each time', () => {
    const [a, b] = [makeNonce(), makeNonce()];
    assert.match(a, /^[0-9a-f]{32}$/);
    assert.notEqual(a, b);
  });
});

describe('view state', () => {
  const config = resolveTrainConfig({ iterations: 100 });
  const dataset: Dataset = { name: 'disc', train: [], test: [], box: { xMin: 0, xMax: 1, yMin: 0, yMax: 1 } };
  const snap = (iteration: number) => ({
    iteration,
    w: [],
    b: [],
    outW: [],
    outB: [0, 0] as [number, number],
    loss: 1,
    trainAccuracy: 0.5,
    testAccuracy: 0.5,
  });
  const started = applyHyperplanesMessage(INITIAL_STATE, {
    type: 'runStarted',
    runId: 'a',
    config,
    dataset,
    backend: 'cpu',
    iterations: [1, 2, 3],
  });

  it('follows the newest snapshot until the user scrubs away', () => {
    const two = applyHyperplanesMessage(started, { type: 'snapshots', runId: 'a', snapshots: [snap(1), snap(2)] });
    assert.equal(two.frame, 1);
    const scrubbed = applyHyperplanesMessage(
      { ...two, frame: 0 },
      { type: 'snapshots', runId: 'a', snapshots: [snap(3)] },
    );
    assert.equal(scrubbed.frame, 0);
    assert.equal(scrubbed.run?.snapshots.length, 3);
  });

  it('ignores snapshots and ends of another run', () => {
    assert.equal(applyHyperplanesMessage(started, { type: 'snapshots', runId: 'b', snapshots: [snap(1)] }), started);
    assert.equal(applyHyperplanesMessage(started, { type: 'runEnded', runId: 'b', status: 'done' }), started);
    assert.equal(
      applyHyperplanesMessage(started, { type: 'runEnded', runId: 'a', status: 'cancelled' }).run?.status,
      'cancelled',
    );
  });

  it('keeps a scrubbed frame when its own run is sent again, shows the newest of another', () => {
    const run = {
      type: 'runState' as const,
      runId: 'a',
      config,
      dataset,
      backend: 'cpu',
      iterations: [1, 2, 3],
      snapshots: [snap(1), snap(2), snap(3)],
      status: 'done' as const,
    };
    const state: PersistedHyperplanesState = { run, frame: 1, tab: 'lecture' };
    assert.equal(applyHyperplanesMessage(state, run).frame, 1);
    assert.equal(applyHyperplanesMessage(state, { ...run, runId: 'b' }).frame, 2);
  });

  it('saves at once, then at most once per interval with the latest value', async () => {
    const saved: number[] = [];
    const save = throttle((n: number) => saved.push(n), 30);
    save(1);
    save(2);
    save(3);
    assert.deepEqual(saved, [1]);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(saved, [1, 3]);
  });
});

describeInChromium('hyperplane webview in Chromium', ({ it, before, after }) => {
  let browser: Browser;
  let server: Server;
  let origin: string;
  let run: TrainRun;
  let dataset: Dataset;
  let view: View;

  before(async () => {
    ensureBuilt();
    ensureResults();
    await startTestBackend();
    const config = resolveTrainConfig({ iterations: ITERATIONS, seed: 1 });
    dataset = makeDataset(config);
    run = await trainMlp(config, dataset);
    ({ server, origin } = await startServer());
    browser = await launchChromium();
    view = await openView(browser, origin, { placement: 'panel', theme: 'dark', width: 1200, height: 900 });
  });

  after(async () => {
    await browser?.close();
    server?.close();
  });

  const PLOT = '.hyperplane-canvas';
  const last = () => run.snapshots.length - 1;

  it('says it is ready, with its placement, and shows the empty state before a run', async () => {
    assert.deepEqual(await posted(view.page), [{ type: 'ready', placement: 'panel' }]);
    assert.ok(await view.page.isVisible('.empty'));
    assert.ok(!(await view.page.isVisible(PLOT)));
    await view.page.screenshot({ path: join(RESULTS, 'webview-empty.png') });
  });

  it('draws a posted run: background from the theme, each live unit line in its colour', async () => {
    const { page } = view;
    await post(page, runStateMessage(run, dataset));
    await settle(page);
    assert.ok(await page.isVisible(PLOT));
    assertColor(
      await pixel(page, PLOT, 1, 1),
      THEMES.dark.vars['--vscode-editor-background'],
      'corner (theme background)',
      0,
    );
    const rect = await canvasRect(page, PLOT);
    // HiDPI: the backing store has devicePixelRatio (2 here) pixels per CSS pixel.
    const backing = await page.$eval(PLOT, (c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height]);
    assert.deepEqual(backing, [2 * rect.width, 2 * rect.height]);
    const dead = deadUnits(run.snapshots[last()], run.config.activation, dataset.train);
    let checked = 0;
    for (let k = 0; k < run.config.hidden; k++) {
      const probe = clearPointOnUnit(run, last(), dataset, rect, k);
      if (!probe || dead[k]) continue;
      assertColor(await pixel(page, PLOT, ...probe.at), unitColor(k), `unit ${k}'s line`, 12);
      checked++;
    }
    assert.ok(checked >= 3, `only ${checked} units had a clear stretch of line`);
    assert.match(await text(page, '.status'), /Done[\s\S]*backend\s+\w+[\s\S]*iteration\s+2,000 \/ 2,000/);
  });

  it('moves through iterations with the keyboard, labelled by iteration, redrawing the plot', async () => {
    const { page } = view;
    const before = await canvasDigest(page, PLOT);
    await page.focus('.scrubber-range');
    await page.keyboard.press('Home');
    await settle(page);
    assert.equal(await page.inputValue('.scrubber-range'), '0');
    assert.match(await text(page, '.scrubber-label'), /^Iteration 1 \/ 2,000$/);
    assert.notEqual(await canvasDigest(page, PLOT), before);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await settle(page);
    assert.equal(await page.inputValue('.scrubber-range'), '2');
    assert.equal(
      await page.getAttribute('.scrubber-range', 'aria-valuetext'),
      `Iteration ${run.snapshots[2].iteration}`,
    );
    assert.match(await text(page, '.status'), new RegExp(`iteration\\s+${run.snapshots[2].iteration} / 2,000`));
  });

  it('names the hovered unit with its w and b, and highlights its line', async () => {
    const { page } = view;
    await page.focus('.scrubber-range');
    await page.keyboard.press('End');
    await settle(page);
    const rect = await canvasRect(page, PLOT);
    const snapshot = run.snapshots[last()];
    const dead = deadUnits(snapshot, run.config.activation, dataset.train);
    // The last such unit: unit 0 would not tell its parameters from another unit's index 0.
    const k = Math.max(
      ...snapshot.w.map((_, i) => (!dead[i] && clearPointOnUnit(run, last(), dataset, rect, i) ? i : -1)),
    );
    assert.ok(k > 0, 'no unit other than 0 has a clear stretch of line');
    const probe = clearPointOnUnit(run, last(), dataset, rect, k)!;
    // 1.5 px beside the line: outside a normal line, inside a highlighted (twice as wide) one.
    const beside: Vec2 = [probe.at[0] + 1.5 * probe.normal[0], probe.at[1] + 1.5 * probe.normal[1]];
    assert.ok(
      colorDistance(await pixel(page, PLOT, ...beside), rgb(unitColor(k))) > 30,
      'beside the line before hovering',
    );
    const box = (await page.locator(PLOT).boundingBox())!;
    await page.mouse.move(box.x + probe.at[0], box.y + probe.at[1]);
    await settle(page);
    const tooltip = await text(page, '.tooltip');
    assert.ok(await page.isVisible('.tooltip'));
    assert.equal(
      tooltip,
      `Unit ${k}w = (${formatNumber(snapshot.w[k][0])}, ${formatNumber(snapshot.w[k][1])})b = ${formatNumber(snapshot.b[k])}`,
    );
    assertColor(await pixel(page, PLOT, ...beside), unitColor(k), 'beside the highlighted line', 12);
    assert.deepEqual(await page.$$eval('.unit.active', (e) => e.map((li) => li.textContent)), [String(k)]);
    await page.screenshot({ path: join(RESULTS, 'webview-live.png'), fullPage: true });
    await page.mouse.move(box.x - 20, box.y - 20);
    await settle(page);
    assert.ok(!(await page.isVisible('.tooltip')));
  });

  it('lists the units with their colours and marks the dead ones', async () => {
    const { page } = view;
    const dead = deadUnits(run.snapshots[last()], run.config.activation, dataset.train);
    const items = await page.$$eval('.unit', (li) =>
      li.map((e) => ({
        label: e.getAttribute('aria-label'),
        color: getComputedStyle(e.querySelector('.swatch')!).backgroundColor,
      })),
    );
    assert.equal(items.length, run.config.hidden);
    items.forEach((item, k) => {
      assert.equal(item.label, dead[k] ? `Unit ${k}, dead (inactive on every point)` : `Unit ${k}`);
      assert.equal(item.color, `rgb(${rgb(unitColor(k)).join(', ')})`);
    });
  });

  it('turns the decision regions and the test points off and on', async () => {
    const { page } = view;
    const rect = await canvasRect(page, PLOT);
    const snapshot = run.snapshots[last()];
    const points = [...dataset.train, ...dataset.test].map(([x, y]) => dataToPixel(rect, dataset.box, x, y));
    const lines = snapshot.w
      .map((w, k) => clipLineToBox(w, snapshot.b[k], dataset.box))
      .filter((s) => s !== null)
      .map((s) => s.map((p) => dataToPixel(rect, dataset.box, ...p)) as Segment);
    // A pixel with neither a point nor a line near it, where the network is sure of its class.
    let spot: Vec2 | undefined;
    for (let py = 20; py < rect.height - 20 && !spot; py += 3) {
      for (let px = 20; px < rect.width - 20 && !spot; px += 3) {
        const [x, y] = pixelToData(rect, dataset.box, px, py);
        const sure = Math.abs(predictClass1Probability(snapshot, run.config.activation, x, y) - 0.5) > 0.4;
        const clear =
          points.every((p) => Math.hypot(p[0] - px, p[1] - py) > 6) &&
          lines.every((l) => distanceToSegment([px, py], l) > 12);
        if (sure && clear) spot = [px, py];
      }
    }
    assert.ok(spot, 'no clear spot in the plot');
    const background = THEMES.dark.vars['--vscode-editor-background'];
    assert.ok(colorDistance(await pixel(page, PLOT, ...spot), rgb(background)) > 5, 'the region is shaded');
    await page.click('label:has-text("Decision regions")');
    await settle(page);
    assertColor(await pixel(page, PLOT, ...spot), background, 'no shading once regions are off', 1);
    const withTest = await canvasDigest(page, PLOT);
    await page.click('label:has-text("Test points")');
    await settle(page);
    assert.notEqual(await canvasDigest(page, PLOT), withTest);
    await page.click('label:has-text("Test points")');
    await page.click('label:has-text("Decision regions")');
    await settle(page);
    assert.equal(await page.isChecked('label:has-text("Decision regions") input'), true);
    assert.ok(colorDistance(await pixel(page, PLOT, ...spot), rgb(background)) > 5, 'shaded again');
  });

  it('plays and pauses with the button and the space key', async () => {
    const { page } = view;
    await page.focus('.scrubber-range');
    await page.keyboard.press('Home');
    await page.click('.play');
    assert.equal(await page.getAttribute('.play', 'aria-label'), 'Pause');
    await page.waitForFunction(
      () => Number((document.querySelector('.scrubber-range') as HTMLInputElement).value) >= 5,
    );
    await page.focus('.scrubber-range');
    await page.keyboard.press(' ');
    assert.equal(await page.getAttribute('.play', 'aria-label'), 'Play');
    const stopped = await page.inputValue('.scrubber-range');
    await page.waitForTimeout(200);
    assert.equal(await page.inputValue('.scrubber-range'), stopped);
    await page.keyboard.press(' ');
    assert.equal(await page.getAttribute('.play', 'aria-label'), 'Pause');
    await page.click('.play');
    assert.equal(await page.getAttribute('.play', 'aria-label'), 'Play');
  });

  it('draws loss and accuracy curves in the theme colours, the marker following the scrubber', async () => {
    const { page } = view;
    const charts = '.chart canvas';
    const counts = await page.$$eval(
      charts,
      (canvases, colors) =>
        canvases.map((c) => {
          const { data } = (c as HTMLCanvasElement)
            .getContext('2d')!
            .getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height);
          const near = (i: number, [r, g, b]: number[]) =>
            Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 30 && data[i + 3] > 200;
          const count = colors.map(() => 0);
          for (let i = 0; i < data.length; i += 4) colors.forEach((color, j) => (count[j] += near(i, color) ? 1 : 0));
          return count;
        }),
      [rgb(THEMES.dark.vars['--vscode-charts-blue']), rgb(THEMES.dark.vars['--vscode-charts-orange'])],
    );
    assert.equal(counts.length, 2);
    assert.ok(counts[0][0] > 100, `loss curve pixels: ${counts[0]}`);
    assert.ok(counts[1][0] > 100 && counts[1][1] > 50, `accuracy curve pixels: ${counts[1]}`);
    const before = await canvasDigest(page, '.chart:nth-child(1) canvas');
    await page.focus('.scrubber-range');
    await page.keyboard.press('End');
    await settle(page);
    assert.notEqual(await canvasDigest(page, '.chart:nth-child(1) canvas'), before);
    // Clicking a chart moves the scrubber to about that iteration (the log axis' middle).
    await page.click('.chart:nth-child(1) canvas');
    await settle(page);
    const iteration = run.snapshots[Number(await page.inputValue('.scrubber-range'))].iteration;
    assert.ok(iteration > 10 && iteration < 500, `clicked the middle of the axis, got iteration ${iteration}`);
  });

  it('posts train with the form settings, and stop and snapshotNow while running', async () => {
    const { page } = view;
    await page.selectOption('#field-activation', 'tanh');
    await page.fill('#field-hidden', '8');
    await page.click('button[type=submit]');
    const config = { ...run.config, activation: 'tanh', hidden: 8 };
    const expected = {
      dataset: config.dataset,
      activation: 'tanh',
      optimizer: config.optimizer,
      hidden: 8,
      learningRate: config.learningRate,
      iterations: config.iterations,
      seed: config.seed,
    };
    assert.deepEqual((await posted(page)).at(-1), { type: 'train', config: expected });
    await page.fill('#field-hidden', '0');
    await page.click('button[type=submit]');
    assert.match(await text(page, '.form-error'), /hidden width must be an integer from 1 to 512, got 0/);
    assert.equal((await posted(page)).filter((m) => m.type === 'train').length, 1);
    assert.ok(await page.isDisabled('button:has-text("Stop")'));
    // A new run streams in: the view follows the newest snapshot.
    await post(page, {
      type: 'runStarted',
      runId: 'run-2',
      config: run.config,
      dataset,
      backend: 'wasm',
      iterations: run.iterations,
    });
    await post(page, { type: 'snapshots', runId: 'run-2', snapshots: run.snapshots.slice(0, 5) });
    await settle(page);
    assert.equal(await page.inputValue('.scrubber-range'), '4');
    assert.match(await text(page, '.badge'), /Training/);
    await page.click('button:has-text("Stop")');
    await page.click('button:has-text("Snapshot now")');
    assert.deepEqual((await posted(page)).slice(-2), [{ type: 'stop' }, { type: 'snapshotNow' }]);
    await post(page, { type: 'runEnded', runId: 'run-2', status: 'cancelled' });
    await settle(page);
    assert.match(await text(page, '.badge'), /Stopped/);
    assert.ok(await page.isDisabled('button:has-text("Stop")'));
    await post(page, runStateMessage(run, dataset));
  });

  it('shows the lecture grid, one titled cell per lecture iteration', async () => {
    const { page } = view;
    await page.click('#tab-lecture');
    await settle(page);
    assert.equal(await page.getAttribute('#tab-lecture', 'aria-selected'), 'true');
    assert.ok(!(await page.isVisible(PLOT)));
    const scenes = lectureGridScenes(run, dataset);
    assert.equal(
      await page.getAttribute('.lecture-canvas', 'aria-label'),
      `Lecture grid: ${scenes.map((s) => `iteration ${s.snapshot.iteration}`).join(', ')}`,
    );
    // Each cell's title band holds text in the theme's foreground colour.
    const { width, height } = await canvasRect(page, '.lecture-canvas');
    const columns = 4;
    const rows = Math.ceil(scenes.length / columns);
    const titled = await page.$eval(
      '.lecture-canvas',
      (c, [cellW, cellH, count, columns, fg]) => {
        const canvas = c as HTMLCanvasElement;
        const scale = canvas.width / canvas.clientWidth;
        const ctx = canvas.getContext('2d')!;
        return Array.from({ length: count }, (_, i) => {
          const x = ((i % columns) * cellW + cellW / 2 - 50) * scale;
          const y = Math.floor(i / columns) * cellH * scale;
          const { data } = ctx.getImageData(x, y, 100 * scale, 0.12 * cellH * scale);
          let text = 0;
          for (let j = 0; j < data.length; j += 4)
            if (Math.abs(data[j] - fg[0]) + Math.abs(data[j + 1] - fg[1]) + Math.abs(data[j + 2] - fg[2]) < 40) text++;
          return text;
        });
      },
      [
        width / columns,
        height / rows,
        scenes.length,
        columns,
        rgb(THEMES.dark.vars['--vscode-editor-foreground']),
      ] as const,
    );
    assert.ok(
      titled.every((n) => n > 20),
      `text pixels per title: ${titled}`,
    );
    await page.screenshot({ path: join(RESULTS, 'webview-lecture.png'), fullPage: true });
  });

  it('restores the run, frame and tab after a reload', async () => {
    const { page } = view;
    await page.click('#tab-live');
    await page.focus('.scrubber-range');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.click('#tab-lecture');
    // The state is saved at most every 200 ms: wait until it holds the lecture tab and frame 3.
    await page.waitForFunction(() => {
      const saved = JSON.parse(sessionStorage.getItem('vscodeState') ?? 'null') as { tab?: string; frame?: number };
      return saved?.tab === 'lecture' && saved.frame === 3;
    });
    await page.reload();
    await waitForPosted(page, 'ready');
    await settle(page);
    assert.equal(await page.getAttribute('#tab-lecture', 'aria-selected'), 'true');
    await page.click('#tab-live');
    await settle(page);
    assert.equal(await page.inputValue('.scrubber-range'), '3');
    assert.match(await text(page, '.scrubber-label'), new RegExp(`^Iteration ${run.snapshots[3].iteration} / 2,000$`));
    assert.ok(
      colorDistance(await pixel(page, PLOT, 1, 1), rgb(THEMES.dark.vars['--vscode-editor-background'])) <= 6,
      'plot drawn after reload',
    );
  });

  for (const name of ['light', 'high-contrast'] as const) {
    it(`follows a switch to the ${name} theme`, async () => {
      const { page } = view;
      await switchTheme(page, origin, name);
      await settle(page);
      assertColor(
        await pixel(page, PLOT, 1, 1),
        THEMES[name].vars['--vscode-editor-background'],
        'corner after the switch',
        0,
      );
      await page.screenshot({ path: join(RESULTS, `webview-live-${name}.png`), fullPage: true });
    });
  }

  it('has no console errors and no CSP violations', async () => {
    assert.deepEqual(await view.problems(), []);
  });

  it('lays out compactly in the side panel, where Train asks for the default settings', async () => {
    const side = await openView(browser, origin, { placement: 'sidebar', theme: 'dark', width: 320, height: 900 });
    const { page } = side;
    assert.deepEqual(await posted(page), [{ type: 'ready', placement: 'sidebar' }]);
    await post(page, runStateMessage(run, dataset));
    await settle(page);
    assert.equal(await page.$$eval('.fields, .tabs', (e) => e.length), 0);
    const plot = (await page.locator(PLOT).boundingBox())!;
    const scrubber = (await page.locator('.scrubber').boundingBox())!;
    assert.ok(plot.width > 250 && plot.y < scrubber.y, 'the plot comes first, across the panel');
    assertColor(await pixel(page, PLOT, 1, 1), THEMES.dark.vars['--vscode-editor-background'], 'corner');
    await page.click('button:has-text("Train")');
    assert.deepEqual((await posted(page)).at(-1), { type: 'train', config: {} });
    await page.screenshot({ path: join(RESULTS, 'webview-sidebar.png'), fullPage: true });
    assert.deepEqual(await side.problems(), []);
    await page.close();
  });
});
