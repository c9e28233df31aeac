// The weights webview in real Chromium (page, CSP, theme and VS Code stub from
// test/support/webviewHarness.ts). The test plays the extension host: it reads the real
// fixtures (LeNet, AlexNet's first convolutions) with the readers, posts the file, and
// answers the view's requests with the tensors' values; the checks read canvas pixels.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { openWeightFile } from '../../src/core/formats/openWeightFile';
import type { WeightFile } from '../../src/core/formats/weightFile';
import {
  filterRanges,
  kernelView,
  shownTiles,
  type KernelView,
  type Normalization,
} from '../../src/core/tensor/kernel';
import { colorLevel, colorMap, NON_FINITE_RGB } from '../../src/render/color';
import { tensorStats } from '../../src/core/tensor/statistics';
import type { WeightsHostMessage, WeightsWebviewMessage } from '../../src/protocol';
import { filterGridLayout, tileRect, type FilterGridLayout } from '../../src/render/filterGrid';
import { formatCount, formatNumber } from '../../webview/shared/format';
import { DRAW_MEASURE } from '../../webview/tensorPictures/filterGridView';
import { DEFAULT_STATE, restoreWeightsState } from '../../webview/weights/state';
import {
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
  type Rgb,
  type View,
  waitForPosted,
} from '../support/webviewHarness';

const FIXTURES = join(__dirname, '..', 'fixtures');
const GRID = '.filter-grid';

/** Filter, channel, y, x. */
type KernelPixel = [number, number, number, number];

type RequestTensor = Extract<WeightsWebviewMessage, { type: 'requestTensor' }>;
type WeightsFileMessage = Extract<WeightsHostMessage, { type: 'weightsFile' }>;

const posted = (page: Page): Promise<WeightsWebviewMessage[]> => postedOf<WeightsWebviewMessage>(page);

/** A file as the host would describe it (statistics come later, one message each). */
function fileMessage(file: WeightFile, fileName: string): WeightsFileMessage {
  return {
    type: 'weightsFile',
    path: file.path,
    fileName,
    format: file.format,
    metadata: file.metadata,
    tensors: file.tensors.map(({ name, dtype, shape, layout }) => ({ name, dtype, shape, layout })),
  };
}

/** A file of made-up tensors (1-D values of any shape), read from memory. */
function memoryFile(tensors: { name: string; shape: number[]; values: Float32Array }[]): WeightFile {
  return {
    format: 'safetensors',
    path: '/work/made-up.safetensors',
    metadata: {},
    tensors: tensors.map(({ name, shape }) => ({
      name,
      dtype: 'float32',
      shape,
      ...(shape.length === 4 ? { layout: 'OIHW' as const } : {}),
    })),
    read: async (name) => tensors.find((t) => t.name === name)!.values,
    close: async () => undefined,
  };
}

/** Plays the host for one page: sends the file and answers the view's tensor requests. */
class Host {
  private answered = new Set<number>();

  constructor(
    private readonly page: Page,
    private file: WeightFile,
    private fileName: string,
  ) {}

  async open(file = this.file, fileName = this.fileName, withStats = false): Promise<void> {
    [this.file, this.fileName] = [file, fileName];
    const message = fileMessage(file, fileName);
    if (withStats) {
      for (const t of message.tensors) t.stats = tensorStats(await file.read(t.name));
    }
    await post(this.page, message);
    await settle(this.page);
  }

  async sendStats(): Promise<void> {
    for (const { name } of this.file.tensors) {
      await post(this.page, { type: 'tensorStats', stats: [{ name, stats: tensorStats(await this.file.read(name)) }] });
    }
    await settle(this.page);
  }

  /** Waits for the view to ask for `name`, then answers with its values (a typed array, as VS Code sends). */
  async answer(name: string): Promise<Float32Array> {
    await this.page.waitForFunction(
      ([n, done]) =>
        (window as unknown as { __posted: RequestTensor[] }).__posted.some(
          (m) => m.type === 'requestTensor' && m.name === n && !done.includes(m.requestId),
        ),
      [name, [...this.answered]] as const,
    );
    const request = (await posted(this.page))
      .filter((m): m is RequestTensor => m.type === 'requestTensor' && m.name === name)
      .at(-1)!;
    this.answered.add(request.requestId);
    const values = await this.file.read(name);
    await this.page.evaluate(
      ({ requestId, name, values }) =>
        window.postMessage({ type: 'tensorData', requestId, name, values: new Float32Array(values) }, '*'),
      { requestId: request.requestId, name, values: Array.from(values) },
    );
    await settle(this.page);
    return values;
  }
}

async function clickTensor(page: Page, name: string): Promise<void> {
  await page.click(`.tensor-row[title="${name}"]`);
}

/** The layout the view draws with: the settings its controls show, and the scroll box's width to wrap in. */
async function viewLayout(page: Page, kernel: KernelView): Promise<FilterGridLayout> {
  const settings = await page.evaluate(() => {
    const value = (id: string) => (document.getElementById(id) as HTMLInputElement).value;
    return {
      filters: Number(value('grid-filters')),
      channels: Number(value('grid-channels')),
      rgb: (document.querySelector('.grid-toolbar .toggle input') as HTMLInputElement).checked,
      scale: Number(value('grid-zoom')),
      maxWidth: document.querySelector('.scroll-box')!.clientWidth,
    };
  });
  return filterGridLayout(kernel, settings);
}

/** The centre of a kernel pixel's square, in the grid canvas' CSS pixels. */
function pixelCentre(
  layout: FilterGridLayout,
  filter: number,
  channel: number,
  y: number,
  x: number,
): [number, number] {
  const tile = tileRect(layout, filter, channel);
  const scale = layout.grid.scale;
  return [tile.x + (x + 0.5) * scale, tile.y + (y + 0.5) * scale];
}

/** Scrolls the grid so that a point of the drawing shows; returns where it is on the canvas. */
async function gridPoint(page: Page, [x, y]: [number, number]): Promise<[number, number]> {
  const [left, top] = await page.$eval(
    '.scroll-box',
    (box, [px, py]) => {
      // Clear of the index labels, which stay at the top and left of a scrolled grid.
      const clear = 40;
      if (px < box.scrollLeft + clear || px >= box.scrollLeft + box.clientWidth)
        box.scrollLeft = px - box.clientWidth / 2;
      if (py < box.scrollTop + clear || py >= box.scrollTop + box.clientHeight)
        box.scrollTop = py - box.clientHeight / 2;
      return [box.scrollLeft, box.scrollTop];
    },
    [x, y],
  );
  await settle(page);
  return [x - left, y - top];
}

/** The grid's colour at a point of the drawing (scrolled into view). */
async function gridColor(page: Page, point: [number, number]): Promise<Rgb> {
  return pixel(page, GRID, ...(await gridPoint(page, point)));
}

function expectedColor(
  kernel: KernelView,
  normalization: Normalization,
  filter: number,
  channel: number,
  y: number,
  x: number,
  shown = { filters: 32, channels: 32, rgb: false },
): Rgb {
  const range = filterRanges(kernel, shownTiles(kernel, shown), normalization)[filter];
  const level = colorLevel(kernel.at(filter, channel, y, x), range);
  const map = colorMap(normalization);
  return [map[level * 3], map[level * 3 + 1], map[level * 3 + 2]];
}

function assertRgb(actual: Rgb, expected: readonly number[], what: string, tolerance = 1): void {
  assert.ok(
    colorDistance(actual, [expected[0], expected[1], expected[2]]) <= tolerance,
    `${what}: got rgb(${actual.join(', ')}), expected rgb(${expected.join(', ')})`,
  );
}

async function selectOption(page: Page, selector: string, value: string): Promise<void> {
  await page.selectOption(selector, value);
  await settle(page);
}

describe('weights view state', () => {
  it('restores saved settings field by field, defaulting what is missing or malformed', () => {
    assert.deepEqual(restoreWeightsState(undefined), DEFAULT_STATE);
    assert.deepEqual(
      restoreWeightsState({ selected: 'conv1.weight', filters: 20, channels: 0, zoom: 5, normalization: 'filter' }),
      { ...DEFAULT_STATE, selected: 'conv1.weight', filters: 20, normalization: 'filter' },
    );
  });
});

describeInChromium('weights webview in Chromium', ({ it, before, after }) => {
  let browser: Browser;
  let server: Server;
  let origin: string;
  let view: View;
  let host: Host;
  let lenet: WeightFile;
  let alexnet: WeightFile;
  const timings: string[] = [];

  before(async () => {
    ensureBuilt();
    ensureResults();
    lenet = await openWeightFile(join(FIXTURES, 'lenet.safetensors'));
    alexnet = await openWeightFile(join(FIXTURES, 'alexnet_features.pt'));
    ({ server, origin } = await startServer());
    browser = await launchChromium();
    view = await openView(browser, origin, { view: 'weights', theme: 'dark', width: 1400, height: 900 });
    host = new Host(view.page, lenet, 'lenet.safetensors');
  });

  after(async () => {
    if (timings.length) console.log(timings.join('\n'));
    await browser?.close();
    server?.close();
    await lenet?.close();
    await alexnet?.close();
  });

  it('says it is ready and waits for the file', async () => {
    const { page } = view;
    assert.deepEqual(await posted(page), [{ type: 'weightsReady' }]);
    assert.match(await text(page, '.waiting'), /Reading the weight file/);
  });

  it('lists the tensors with shapes, dtypes, sizes and totals; statistics once they arrive', async () => {
    const { page } = view;
    await host.open();
    const total = lenet.tensors.reduce((sum, t) => sum + t.shape.reduce((a, b) => a * b, 1), 0);
    assert.equal(await text(page, '.file-title h1'), 'lenet.safetensors');
    assert.match(await text(page, '.file-facts'), new RegExp(`8 tensors${formatCount(total)} parameters`));
    assert.equal(await text(page, '.tensor-totals'), `8 tensors · ${formatCount(total)} parameters`);
    assert.equal(await page.locator('.tensor-rows .tensor-row').count(), 8);
    const row = (name: string) =>
      page.$$eval(`.tensor-row[title="${name}"] .cell`, (cells) => cells.map((c) => c.textContent));
    assert.deepEqual(await row('conv2.weight'), [
      'conv2.weight',
      '64×32×5×5',
      'float32',
      '51,200',
      '…',
      '…',
      '…',
      '…',
      '…',
    ]);
    await host.sendStats();
    const stats = tensorStats(await lenet.read('conv2.weight'));
    assert.deepEqual((await row('conv2.weight')).slice(4), [
      formatNumber(stats.min),
      formatNumber(stats.max),
      formatNumber(stats.mean),
      formatNumber(stats.std),
      '—',
    ]);
  });

  it('narrows the list with the filter box, totals included', async () => {
    const { page } = view;
    await page.fill('.tensor-filter', 'conv weight');
    await settle(page);
    assert.deepEqual(
      await page.$$eval('.tensor-rows .tensor-row', (rows) => rows.map((r) => r.getAttribute('title'))),
      ['conv1.weight', 'conv2.weight'],
    );
    const total = lenet.tensors.reduce((sum, t) => sum + t.shape.reduce((a, b) => a * b, 1), 0);
    assert.equal(await text(page, '.tensor-totals'), `2 of 8 tensors · 52,000 of ${formatCount(total)} parameters`);
    await page.fill('.tensor-filter', '');
    await settle(page);
    assert.equal(await page.locator('.tensor-rows .tensor-row').count(), 8);
  });

  it('asks for a selected tensor and shows its histogram and filter grid (grey levels of its values)', async () => {
    const { page } = view;
    await clickTensor(page, 'conv1.weight');
    const values = await host.answer('conv1.weight');
    const kernel = kernelView(values, [32, 1, 5, 5], 'OIHW');
    assert.equal(await text(page, '.tensor-title'), 'conv1.weight');
    assert.ok(await page.isVisible('.histogram canvas'));
    const layout = await viewLayout(page, kernel);
    assert.equal(layout.grid.arrangement, 'wrapped');
    for (const [o, y, x] of [
      [0, 0, 0],
      [7, 2, 3],
      [31, 4, 4],
    ]) {
      assertRgb(
        await gridColor(page, pixelCentre(layout, o, 0, y, x)),
        expectedColor(kernel, 'global', o, 0, y, x),
        `filter ${o} (${y}, ${x})`,
      );
    }
    // The histogram's bars are drawn in the theme's chart colour.
    const bars = await page.$eval(
      '.histogram canvas',
      (c, color) => {
        const canvas = c as HTMLCanvasElement;
        const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
        let n = 0;
        for (let i = 0; i < data.length; i += 4)
          if (Math.abs(data[i] - color[0]) + Math.abs(data[i + 1] - color[1]) + Math.abs(data[i + 2] - color[2]) < 20)
            n++;
        return n;
      },
      rgb(THEMES.dark.vars['--vscode-charts-blue']),
    );
    assert.ok(bars > 500, `histogram bar pixels: ${bars}`);
  });

  it('names the hovered tile: filter, channel, pixel and value', async () => {
    const { page } = view;
    const values = await lenet.read('conv1.weight');
    const kernel = kernelView(values, [32, 1, 5, 5], 'OIHW');
    const layout = await viewLayout(page, kernel);
    const box = (await page.locator(GRID).boundingBox())!;
    const [x, y] = await gridPoint(page, pixelCentre(layout, 12, 0, 3, 1));
    await page.mouse.move(box.x + x, box.y + y);
    assert.ok(await page.isVisible('.grid-frame .tooltip'));
    assert.equal(
      await text(page, '.grid-frame .tooltip'),
      `Filter 12 · channel 0(3, 1)  ${formatNumber(kernel.at(12, 0, 3, 1))}`,
    );
    const gap = x - (pixelCentre(layout, 12, 0, 3, 1)[0] - tileRect(layout, 12).x) - 1;
    await page.mouse.move(box.x + gap, box.y + y);
    assert.ok(!(await page.isVisible('.grid-frame .tooltip')), 'no tooltip over a gap');
  });

  it("draws LeNet's second layer as rows of channel tiles, each filter spanning black to white per filter", async () => {
    const { page } = view;
    await clickTensor(page, 'conv2.weight');
    const values = await host.answer('conv2.weight');
    const kernel = kernelView(values, [64, 32, 5, 5], 'OIHW');
    await selectOption(page, '#grid-normalization', 'filter');
    const layout = await viewLayout(page, kernel);
    assert.deepEqual([layout.grid.arrangement, layout.grid.rows, layout.grid.columns], ['rows', 32, 32]);
    for (const [o, i, y, x] of [
      [0, 0, 0, 0],
      [5, 17, 2, 4],
      [31, 31, 4, 0],
    ]) {
      assertRgb(
        await gridColor(page, pixelCentre(layout, o, i, y, x)),
        expectedColor(kernel, 'filter', o, i, y, x),
        `filter ${o} channel ${i} (${y}, ${x})`,
      );
    }
    await page.$eval('.scroll-box', (e) => e.scrollTo(0, 0));
    await settle(page);
    await page.screenshot({ path: join(RESULTS, 'weights-dark.png') });
  });

  it('colours symmetric normalization blue–white–red about zero', async () => {
    const { page } = view;
    await selectOption(page, '#grid-normalization', 'symmetric');
    const kernel = kernelView(await lenet.read('conv2.weight'), [64, 32, 5, 5], 'OIHW');
    const layout = await viewLayout(page, kernel);
    // The shown value of largest magnitude sits at an end of the map: dark red, or dark blue.
    let extreme: KernelPixel = [0, 0, 0, 0];
    for (let o = 0; o < 32; o++)
      for (let i = 0; i < 32; i++)
        for (let y = 0; y < 5; y++)
          for (let x = 0; x < 5; x++)
            if (Math.abs(kernel.at(o, i, y, x)) > Math.abs(kernel.at(...extreme))) extreme = [o, i, y, x];
    const points: KernelPixel[] = [extreme, [5, 17, 2, 4], [0, 0, 0, 0]];
    for (const p of points) {
      assertRgb(await gridColor(page, pixelCentre(layout, ...p)), expectedColor(kernel, 'symmetric', ...p), `${p}`);
    }
    const [r, , b] = await gridColor(page, pixelCentre(layout, ...extreme));
    assert.ok(kernel.at(...extreme) > 0 ? r > 2 * b : b > 2 * r, `the extreme value's hue: rgb(${r}, _, ${b})`);
    const m = formatNumber(Math.abs(kernel.at(...extreme)));
    assert.equal(await text(page, '.filter-grid-view .color-legend'), `−${m}${m}`);
  });

  it('draws AlexNet conv1 as RGB images, channels 0, 1, 2 as red, green, blue', async () => {
    const { page } = view;
    await host.open(alexnet, 'alexnet_features.pt', true);
    assert.equal(await page.locator('.tensor-rows .tensor-row').count(), 4);
    await clickTensor(page, 'features.0.weight');
    const values = await host.answer('features.0.weight');
    const kernel = kernelView(values, [64, 3, 11, 11], 'OIHW');
    await selectOption(page, '#grid-normalization', 'global');
    await page.fill('#grid-filters', '20');
    assert.ok(await page.isEnabled('.grid-toolbar .toggle input'));
    await page.click('.grid-toolbar .toggle');
    await settle(page);
    assert.ok(await page.isDisabled('#grid-channels'), 'channels are fixed at 3 in RGB');
    const settings = { filters: 20, channels: 32, rgb: true, zoom: 4 };
    const layout = await viewLayout(page, kernel);
    assert.equal(layout.grid.arrangement, 'wrapped');
    const range = filterRanges(kernel, shownTiles(kernel, settings), 'global')[0];
    for (const [o, y, x] of [
      [0, 5, 5],
      [13, 1, 9],
      [19, 10, 0],
    ]) {
      const expected = [0, 1, 2].map((c) => colorLevel(kernel.at(o, c, y, x), range));
      assertRgb(await gridColor(page, pixelCentre(layout, o, 0, y, x)), expected, `RGB filter ${o} (${y}, ${x})`);
    }
    const box = (await page.locator(GRID).boundingBox())!;
    const [hx, hy] = await gridPoint(page, pixelCentre(layout, 13, 0, 1, 9));
    await page.mouse.move(box.x + hx, box.y + hy);
    const [r, g, b] = [0, 1, 2].map((c) => formatNumber(kernel.at(13, c, 1, 9)));
    assert.equal(await text(page, '.grid-frame .tooltip'), `Filter 13 · RGB(1, 9)  R ${r}  G ${g}  B ${b}`);
    await page.screenshot({ path: join(RESULTS, 'weights-alexnet-rgb.png') });
    await page.click('.grid-toolbar .toggle');
    await settle(page);
  });

  it('exports the grid as a PNG of the layout size, and says where the host saved it', async () => {
    const { page } = view;
    await page.click('.export-button');
    await waitForPosted(page, 'exportPng');
    const message = (await posted(page)).find((m) => m.type === 'exportPng')!;
    assert.equal(message.type, 'exportPng');
    const png = Uint8Array.from(message.png as unknown as number[]);
    assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
    const kernel = kernelView(await alexnet.read('features.0.weight'), [64, 3, 11, 11], 'OIHW');
    const layout = await viewLayout(page, kernel);
    const size = new DataView(png.buffer, 16, 8);
    assert.deepEqual([size.getUint32(0), size.getUint32(4)], [layout.width, layout.height], 'IHDR width and height');
    assert.equal(message.suggestedName, 'features.0.weight.png');
    await post(page, { type: 'exported', path: '/work/figures/features.0.weight.png' });
    await settle(page);
    assert.equal(await text(page, '.export-status'), 'Saved /work/figures/features.0.weight.png');
  });

  it('draws the 192 × 64 grid of 5×5 tiles (AlexNet conv2 whole) and its zoom steps', async (t) => {
    const { page } = view;
    await clickTensor(page, 'features.3.weight');
    await host.answer('features.3.weight');
    await selectOption(page, '#grid-zoom', '1');
    /** Runs a change in the page; its draw times, and the time from the change to the frame after the draw. */
    const timed = (change: string, value: string) =>
      page.evaluate(
        async ([selector, v, measure]) => {
          performance.clearMeasures(measure);
          const control = document.querySelector(selector) as HTMLInputElement;
          const start = performance.now();
          control.value = v;
          control.dispatchEvent(new Event(control.tagName === 'SELECT' ? 'change' : 'input'));
          await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
          const draws = performance.getEntriesByName(measure).map((e) => e.duration);
          return { draw: Math.max(...draws), latency: performance.now() - start };
        },
        [change, value, DRAW_MEASURE] as const,
      );
    await timed('#grid-filters', '192');
    const first = await timed('#grid-channels', '64');
    assert.equal(await page.getAttribute(GRID, 'aria-label'), 'features.3.weight: 192 filters × 64 channels');
    timings.push(
      `192 × 64 grid, 1×: draw ${first.draw.toFixed(1)} ms, change to next frame ${first.latency.toFixed(0)} ms`,
    );
    const draws = [first.draw];
    for (const zoom of ['2', '3', '4', '6', '8', '16', '1']) {
      const { draw, latency } = await timed('#grid-zoom', zoom);
      draws.push(draw);
      timings.push(`  zoom to ${zoom}×: draw ${draw.toFixed(1)} ms, change to next frame ${latency.toFixed(0)} ms`);
    }
    t.diagnostic(`draw times ${draws.map((d) => d.toFixed(1)).join(', ')} ms`);
    await page.screenshot({ path: join(RESULTS, 'weights-alexnet-conv2-whole.png') });
    // Scrolling redraws only what shows.
    await selectOption(page, '#grid-zoom', '4');
    await page.evaluate((measure) => performance.clearMeasures(measure), DRAW_MEASURE);
    await page.$eval('.scroll-box', (e) => e.scrollBy(400, 2000));
    await settle(page);
    const scroll = await page.evaluate(
      (measure) => performance.getEntriesByName(measure).map((e) => e.duration),
      DRAW_MEASURE,
    );
    timings.push(`  scroll at 4×: draw ${Math.max(...scroll).toFixed(1)} ms`);
    await page.$eval('.scroll-box', (e) => e.scrollTo(0, 0));
    await page.fill('#grid-filters', '20');
    await page.fill('#grid-channels', '15');
    await settle(page);
  });

  it('zooms about the pointer with Ctrl + wheel', async () => {
    const { page } = view;
    const kernel = kernelView(await alexnet.read('features.3.weight'), [192, 64, 5, 5], 'OIHW');
    await page.fill('#grid-filters', '192');
    await page.fill('#grid-channels', '64');
    await selectOption(page, '#grid-zoom', '4');
    const before = await viewLayout(page, kernel);
    const [x, y] = await gridPoint(page, pixelCentre(before, 40, 30, 2, 2));
    const box = (await page.locator(GRID).boundingBox())!;
    await page.mouse.move(box.x + x, box.y + y);
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, -100);
    await page.keyboard.up('Control');
    await settle(page);
    assert.equal(await page.inputValue('#grid-zoom'), '6');
    const after = await viewLayout(page, kernel);
    const [ax, ay] = pixelCentre(after, 40, 30, 2, 2);
    const [left, top] = await page.$eval('.scroll-box', (e) => [e.scrollLeft, e.scrollTop]);
    assert.ok(left > 0 && top > 0, 'scrolled');
    assert.ok(
      Math.abs(ax - left - x) <= 1 && Math.abs(ay - top - y) <= 1,
      `the same kernel pixel under the pointer: (${ax - left}, ${ay - top}) vs (${x}, ${y})`,
    );
    await page.$eval('.scroll-box', (e) => e.scrollTo(0, 0));
    await page.fill('#grid-filters', '20');
    await page.fill('#grid-channels', '15');
    await selectOption(page, '#grid-zoom', '4');
  });

  it('shows a Linear layer as a heat map and a bias as bars, and moves through the list with the keyboard', async () => {
    const { page } = view;
    await host.open(lenet, 'lenet.safetensors', true);
    await clickTensor(page, 'fc1.weight');
    const fc1 = await host.answer('fc1.weight');
    assert.ok(await page.isVisible('.matrix-canvas'));
    assert.match((await page.getAttribute('.matrix-canvas', 'aria-label')) ?? '', /fc1.weight: heat map/);
    const box = (await page.locator('.matrix-canvas').boundingBox())!;
    const cell = (await page.$eval('.matrix-canvas', (c) => c.clientWidth - 2)) / 256;
    await page.mouse.move(box.x + 1 + cell * 10.5, box.y + 1 + cell * 3.5);
    assert.equal(await text(page, '.matrix-frame .tooltip'), `Row 3, column 10${formatNumber(fc1[3 * 256 + 10])}`);
    await page.screenshot({ path: join(RESULTS, 'weights-heatmap.png') });
    // fc1.weight is followed by fc2.bias in the file's (sorted) order.
    await page.focus('.tensor-scroller');
    await page.keyboard.press('ArrowDown');
    await host.answer('fc2.bias');
    assert.equal(await text(page, '.tensor-title'), 'fc2.bias');
    assert.match((await page.getAttribute('.matrix-canvas', 'aria-label')) ?? '', /fc2.bias: 10 values as bars/);
    assert.equal(await page.getAttribute('.tensor-scroller', 'aria-activedescendant'), 'tensor-6');
    await page.keyboard.press('Home');
    await host.answer('conv1.bias');
    assert.equal(await text(page, '.tensor-title'), 'conv1.bias');
  });

  it('marks NaN and Inf: in the list, the statistics and the grid, without breaking the scale', async () => {
    const { page } = view;
    const values = Float32Array.from({ length: 2 * 1 * 3 * 3 }, (_, i) => i / 10);
    values[4] = NaN;
    values[10] = Infinity;
    const file = memoryFile([{ name: 'broken.weight', shape: [2, 1, 3, 3], values }]);
    await host.open(file, 'made-up.safetensors', true);
    assert.equal(await text(page, '.tensor-row[title="broken.weight"] .cell.warning'), '1 / 1');
    await clickTensor(page, 'broken.weight');
    await host.answer('broken.weight');
    const kernel = kernelView(values, [2, 1, 3, 3], 'OIHW');
    const layout = await viewLayout(page, kernel);
    assertRgb(await gridColor(page, pixelCentre(layout, 0, 0, 1, 1)), NON_FINITE_RGB, 'NaN');
    assertRgb(await gridColor(page, pixelCentre(layout, 1, 0, 0, 1)), NON_FINITE_RGB, 'Inf');
    assertRgb(await gridColor(page, pixelCentre(layout, 0, 0, 0, 0)), [0, 0, 0], 'the smallest finite value');
    assertRgb(await gridColor(page, pixelCentre(layout, 1, 0, 2, 2)), [255, 255, 255], 'the largest finite value');
    assert.match(await text(page, '.tensor-stats'), /NaN\s*1\s*Inf\s*1/);
    assert.match(await text(page, '.histogram figcaption'), /1 NaN and 1 ±Inf not shown/);
    assert.match(await text(page, '.filter-grid-view .color-legend'), /NaN \/ ±Inf/);
  });

  it('keeps its selection and settings through a reload', async () => {
    const { page } = view;
    await host.open(alexnet, 'alexnet_features.pt', true);
    await clickTensor(page, 'features.3.weight');
    await host.answer('features.3.weight');
    await selectOption(page, '#grid-zoom', '6');
    await selectOption(page, '#grid-normalization', 'symmetric');
    await page.fill('#grid-filters', '20');
    await page.fill('#grid-channels', '15');
    await page.fill('.tensor-filter', 'features');
    await page.waitForTimeout(300); // the state is saved at most every 200 ms
    await page.reload();
    await waitForPosted(page, 'weightsReady');
    // A new page: a new host, whose request ids start again.
    host = new Host(page, alexnet, 'alexnet_features.pt');
    await host.open(alexnet, 'alexnet_features.pt', true);
    await host.answer('features.3.weight');
    assert.equal(await text(page, '.tensor-title'), 'features.3.weight');
    assert.equal(await page.inputValue('#grid-zoom'), '6');
    assert.equal(await page.inputValue('#grid-normalization'), 'symmetric');
    assert.equal(await page.inputValue('#grid-filters'), '20');
    assert.equal(await page.inputValue('#grid-channels'), '15');
    assert.equal(await page.inputValue('.tensor-filter'), 'features');
    assert.equal(await page.getAttribute('.tensor-row.selected', 'title'), 'features.3.weight');
    await selectOption(page, '#grid-zoom', '4');
    await page.fill('.tensor-filter', '');
  });

  for (const name of ['light', 'high-contrast'] as const) {
    it(`follows a switch to the ${name} theme`, async () => {
      const { page } = view;
      await switchTheme(page, origin, name);
      await settle(page);
      const background = THEMES[name].vars['--vscode-editor-background'];
      assertRgb(await pixel(page, GRID, 1, 1), rgb(background), 'grid background', 0);
      await page.screenshot({ path: join(RESULTS, `weights-${name}.png`) });
    });
  }

  it('lists 2,000 tensors with only the visible rows in the page', async () => {
    const { page } = view;
    await switchTheme(page, origin, 'dark');
    const tensors = Array.from({ length: 2000 }, (_, i) => ({
      name: `blocks.${Math.floor(i / 4)}.${['attn.q', 'attn.k', 'mlp.fc1', 'mlp.fc2'][i % 4]}.weight`,
      shape: [16, 16],
      values: new Float32Array(256).fill(i),
    }));
    const started = Date.now();
    await host.open(memoryFile(tensors), 'big.safetensors');
    const shown = Date.now() - started;
    assert.equal(await text(page, '.tensor-totals'), '2,000 tensors · 512,000 parameters');
    const rows = await page.locator('.tensor-rows .tensor-row').count();
    assert.ok(rows < 80, `${rows} rows in the DOM`);
    await page.focus('.tensor-scroller');
    await page.keyboard.press('End');
    await settle(page);
    assert.equal(await page.getAttribute('.tensor-row.selected', 'title'), tensors[1999].name);
    assert.ok(await page.isVisible('.tensor-row.selected'));
    timings.push(`2,000-tensor file listed in ${shown} ms (${rows} rows in the DOM)`);
  });

  it('shows a clear error panel when the file cannot be read', async () => {
    const { page } = view;
    const message = '/work/models/broken.pt: the zip archive ends before its central directory';
    await post(page, { type: 'fileError', message });
    await settle(page);
    assert.ok(await page.isVisible('.error-panel'));
    assert.equal(await page.getAttribute('.error-panel', 'role'), 'alert');
    assert.match(
      await text(page, '.error-panel'),
      new RegExp(`^This file cannot be shown${message}Weight Lens reads safetensors`),
    );
    assert.ok(!(await page.isVisible('.workspace')));
    await page.screenshot({ path: join(RESULTS, 'weights-error.png') });
  });

  it('has no console errors and no CSP violations', async () => {
    assert.deepEqual(await view.problems(), []);
  });

  it('lays out in one column in a narrow editor, in the light theme', async () => {
    const narrow = await openView(browser, origin, { view: 'weights', theme: 'light', width: 760, height: 1000 });
    const { page } = narrow;
    const narrowHost = new Host(page, lenet, 'lenet.safetensors');
    await narrowHost.open(lenet, 'lenet.safetensors', true);
    await clickTensor(page, 'conv1.weight');
    await narrowHost.answer('conv1.weight');
    const list = (await page.locator('.tensor-pane').boundingBox())!;
    const detail = (await page.locator('.detail-pane').boundingBox())!;
    assert.ok(detail.y >= list.y + list.height - 1, 'the detail pane is under the list');
    const grid = await canvasRect(page, GRID);
    assert.ok(grid.width > 300, `grid ${grid.width} px wide`);
    await page.screenshot({ path: join(RESULTS, 'weights-narrow-light.png'), fullPage: true });
    assert.deepEqual(await narrow.problems(), []);
    await page.close();
  });
});
